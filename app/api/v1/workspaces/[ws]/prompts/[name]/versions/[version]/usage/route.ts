// GET /api/v1/workspaces/{ws}/prompts/{name}/versions/{version}/usage — the messages and agent runs that used it
import { withWorkspace } from "@/lib/http/route";
import { promptVersionUsage } from "@/lib/prompts/admin";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: await promptVersionUsage(db, {
      workspaceId: workspace.id,
      name: params.name ?? "",
      ref: params.version ?? "",
    }),
  }),
  { permission: "prompts.read" },
);
