// POST /api/v1/workspaces/{ws}/runs/{id}/cancel — end an active run `canceled` (a no-op on a finished one) [idem]
import { cancelRun, presentRun } from "@/lib/agents/runs";
import { relayOutboxSoon } from "@/lib/events/outbox";
import { withWorkspace } from "@/lib/http/route";

export const POST = withWorkspace(
  async ({ transaction, workspace, params, actor, requestId, afterCommit }) => {
    const run = await transaction((tx) =>
      cancelRun(tx, { workspaceId: workspace.id, runId: params.runId ?? "", actor, requestId }),
    );
    afterCommit(() => relayOutboxSoon(requestId));
    return { status: 202, body: { run: presentRun(run) } };
  },
  { permission: "runs.write", idempotent: "optional" },
);
