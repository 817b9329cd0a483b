// DELETE /api/v1/workspaces/{ws}/members/{user_id}/sessions/{session_id} — sign a member's device out [admin]
import { withWorkspace } from "@/lib/http/route";
import { revokeMemberSession } from "@/lib/workspaces/member-sessions";

export const DELETE = withWorkspace(
  async ({ transaction, workspace, params, actor, requestId }) => {
    await transaction((tx) =>
      revokeMemberSession(tx, {
        workspaceId: workspace.id,
        userId: params.userId ?? "",
        sessionId: params.sessionId ?? "",
        actor,
        requestId,
      }),
    );
    return { status: 204, body: null };
  },
  { permission: "sessions.manage" },
);
