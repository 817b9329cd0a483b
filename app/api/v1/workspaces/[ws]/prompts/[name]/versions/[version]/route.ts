// GET /api/v1/workspaces/{ws}/prompts/{name}/versions/{version} — one immutable version (by number or id)
import { withWorkspace } from "@/lib/http/route";
import { getPromptVersionOrThrow } from "@/lib/prompts/admin";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: {
      prompt_version: await getPromptVersionOrThrow(db, {
        workspaceId: workspace.id,
        name: params.name ?? "",
        ref: params.version ?? "",
      }),
    },
  }),
  { permission: "prompts.read" },
);
