// GET /api/v1/workspaces/{ws}/runs/{id}/engine — the engine's own view of the run: one engine run per attempt [admin]
import { getRunOrThrow } from "@/lib/agents/runs";
import { engineRunsOfAgentRun } from "@/lib/engine/read-api";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => {
    const run = await getRunOrThrow(db, { workspaceId: workspace.id, runId: params.runId ?? "" });
    return { status: 200, body: await engineRunsOfAgentRun(run.id) };
  },
  { permission: "runs.admin" },
);
