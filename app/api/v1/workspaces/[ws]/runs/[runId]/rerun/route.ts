// POST /api/v1/workspaces/{ws}/runs/{id}/rerun — start the same run again from the start, as a new run [admin] [idem]
import { presentRun, rerunRun } from "@/lib/agents/runs";
import { relayOutboxSoon } from "@/lib/events/outbox";
import { withWorkspace } from "@/lib/http/route";

export const POST = withWorkspace(
  async ({ db, workspace, params, actor, requestId, afterCommit }) => {
    const run = await rerunRun(db, { workspaceId: workspace.id, runId: params.runId ?? "", actor, requestId });
    afterCommit(() => relayOutboxSoon(requestId));
    return { status: 202, body: { run: presentRun(run) } };
  },
  { permission: "runs.admin", idempotent: true },
);
