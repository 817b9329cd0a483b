// GET /api/v1/workspaces/{ws}/ledger?run_id= — side-effect ledger entries, newest first
import { ApiError } from "@/lib/http/errors";
import { withWorkspace } from "@/lib/http/route";
import { listSideEffects } from "@/lib/tools/side-effect-ledger";
import { isUuid } from "@/lib/workspaces/members";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => {
    const runId = request.nextUrl.searchParams.get("run_id") ?? undefined;
    if (runId !== undefined && !isUuid(runId))
      throw new ApiError("validation", "invalid_run_id", "run_id is not an id");
    return {
      status: 200,
      body: { data: await listSideEffects(db, { workspaceId: workspace.id, runId }), next_cursor: null },
    };
  },
  { permission: "runs.read" },
);
