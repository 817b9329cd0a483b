// GET /api/v1/workspaces/{ws}/generations/{id} — status of a generation (the recovery handle after a reload)
import { getGenerationOrThrow, presentGeneration } from "@/lib/conversations/generations";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: {
      generation: presentGeneration(
        await getGenerationOrThrow(db, { workspaceId: workspace.id, generationId: params.generationId ?? "" }),
      ),
    },
  }),
  { permission: "conversations.read" },
);
