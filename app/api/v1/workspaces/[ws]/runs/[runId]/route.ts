// GET /api/v1/workspaces/{ws}/runs/{id} — a run: status, progress, state, budget, usage (with ETag)
import { getRunOrThrow, presentRun } from "@/lib/agents/runs";
import { etagOf } from "@/lib/http/etag";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => {
    const run = await getRunOrThrow(db, { workspaceId: workspace.id, runId: params.runId ?? "" });
    return { status: 200, body: { run: presentRun(run) }, headers: { ETag: etagOf(run.version) } };
  },
  { permission: "runs.read" },
);
