// POST /api/v1/workspaces/{ws}/generations/{id}/cancel — stop it; a no-op on a finished one
import { requestCancel } from "@/lib/conversations/cancel";
import { presentGeneration } from "@/lib/conversations/generations";
import { withWorkspace } from "@/lib/http/route";

export const POST = withWorkspace(
  async ({ transaction, workspace, params }) => {
    const generation = await transaction((tx) =>
      requestCancel(tx, { workspaceId: workspace.id, generationId: params.generationId ?? "" }),
    );
    return { status: 202, body: { generation: presentGeneration(generation) } };
  },
  { permission: "conversations.write" },
);
