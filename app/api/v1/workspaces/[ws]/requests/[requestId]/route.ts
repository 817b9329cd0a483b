// GET /api/v1/workspaces/{ws}/requests/{request_id} — a request and what it touched [admin]
import { withWorkspace } from "@/lib/http/route";
import { lookupRequest } from "@/lib/requests/lookup";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: await lookupRequest(db, { workspaceId: workspace.id, requestId: params.requestId ?? "" }),
  }),
  { permission: "requests.read" },
);
