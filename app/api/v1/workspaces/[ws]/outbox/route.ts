// GET /api/v1/workspaces/{ws}/outbox — the emails agents "sent" (the in-app world's outbox)
import { readIdFilter } from "@/lib/http/pagination";
import { withWorkspace } from "@/lib/http/route";
import { listOutboxEmails } from "@/lib/world/outbox";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => {
    const runId = readIdFilter(request.nextUrl, "run_id");
    return {
      status: 200,
      body: { data: await listOutboxEmails(db, { workspaceId: workspace.id, runId }), next_cursor: null },
    };
  },
  { permission: "runs.read" },
);
