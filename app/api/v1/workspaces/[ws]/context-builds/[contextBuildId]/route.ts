// GET /api/v1/workspaces/{ws}/context-builds/{id} — exactly what a model call saw ("why this answer")
import { getContextBuildOrThrow } from "@/lib/conversations/context";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: {
      context_build: await getContextBuildOrThrow(db, {
        workspaceId: workspace.id,
        contextBuildId: params.contextBuildId ?? "",
      }),
    },
  }),
  { permission: "conversations.read" },
);
