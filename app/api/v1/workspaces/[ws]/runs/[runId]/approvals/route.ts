// GET /api/v1/workspaces/{ws}/runs/{id}/approvals — the run's approval requests and their decisions
import { listApprovals } from "@/lib/agents/runs";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: await listApprovals(db, { workspaceId: workspace.id, runId: params.runId ?? "" }),
  }),
  { permission: "runs.read" },
);
