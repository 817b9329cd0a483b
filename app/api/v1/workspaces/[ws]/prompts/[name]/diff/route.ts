// GET /api/v1/workspaces/{ws}/prompts/{name}/diff?from=&to= — line diff of two versions (default: latest vs previous)
import { withWorkspace } from "@/lib/http/route";
import { diffPromptVersions } from "@/lib/prompts/admin";

export const GET = withWorkspace(
  async ({ db, workspace, params, request }) => ({
    status: 200,
    body: await diffPromptVersions(db, {
      workspaceId: workspace.id,
      name: params.name ?? "",
      from: request.nextUrl.searchParams.get("from"),
      to: request.nextUrl.searchParams.get("to"),
    }),
  }),
  { permission: "prompts.read" },
);
