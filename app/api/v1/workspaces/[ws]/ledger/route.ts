// GET /api/v1/workspaces/{ws}/ledger?run_id= — side-effect ledger entries, newest first
import { readIdFilter } from "@/lib/http/pagination";
import { withWorkspace } from "@/lib/http/route";
import { listSideEffects } from "@/lib/tools/side-effect-ledger";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => {
    const runId = readIdFilter(request.nextUrl, "run_id");
    return {
      status: 200,
      body: { data: await listSideEffects(db, { workspaceId: workspace.id, runId }), next_cursor: null },
    };
  },
  { permission: "runs.read" },
);
