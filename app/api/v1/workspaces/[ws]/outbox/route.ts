// GET /api/v1/workspaces/{ws}/outbox — the emails agents "sent" (the in-app world's outbox)
import { ApiError } from "@/lib/http/errors";
import { withWorkspace } from "@/lib/http/route";
import { isUuid } from "@/lib/workspaces/members";
import { listOutboxEmails } from "@/lib/world/outbox";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => {
    const runId = request.nextUrl.searchParams.get("run_id") ?? undefined;
    if (runId !== undefined && !isUuid(runId))
      throw new ApiError("validation", "invalid_run_id", "run_id is not an id");
    return {
      status: 200,
      body: { data: await listOutboxEmails(db, { workspaceId: workspace.id, runId }), next_cursor: null },
    };
  },
  { permission: "runs.read" },
);
