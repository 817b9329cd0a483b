// GET /api/v1/workspaces/{ws}/members — members with their roles, paginated
import { readPageParams } from "@/lib/http/pagination";
import { withWorkspace } from "@/lib/http/route";
import { listMembers } from "@/lib/workspaces/members";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => ({
    status: 200,
    body: await listMembers(db, { workspaceId: workspace.id, ...readPageParams(request.nextUrl) }),
  }),
  { permission: "members.read" },
);
