// GET /api/v1/workspaces/{ws}/members/{user_id}/sessions — that member's active device sessions [admin]
import { withWorkspace } from "@/lib/http/route";
import { listMemberSessions } from "@/lib/workspaces/member-sessions";

export const GET = withWorkspace(
  async ({ db, workspace, params, actor }) => ({
    status: 200,
    body: {
      data: await listMemberSessions(db, { workspaceId: workspace.id, userId: params.userId ?? "", actor }),
      next_cursor: null,
    },
  }),
  { permission: "sessions.manage" },
);
