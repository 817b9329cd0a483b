// GET /api/v1/workspaces/{ws}/runs/{id}/steps — the audited step records, in order
import { listSteps } from "@/lib/agents/runs";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: await listSteps(db, { workspaceId: workspace.id, runId: params.runId ?? "" }),
  }),
  { permission: "runs.read" },
);
