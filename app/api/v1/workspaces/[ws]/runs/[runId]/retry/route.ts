// POST /api/v1/workspaces/{ws}/runs/{id}/retry — continue a failed or timed-out run from its last good step [admin] [idem]
import { presentRun, retryRun } from "@/lib/agents/runs";
import { relayOutboxSoon } from "@/lib/events/outbox";
import { withWorkspace } from "@/lib/http/route";

export const POST = withWorkspace(
  async ({ transaction, workspace, params, actor, requestId, afterCommit }) => {
    const run = await transaction((tx) =>
      retryRun(tx, { workspaceId: workspace.id, runId: params.runId ?? "", actor, requestId }),
    );
    afterCommit(() => relayOutboxSoon(requestId));
    return { status: 202, body: { run: presentRun(run) } };
  },
  { permission: "runs.admin", idempotent: "optional" },
);
