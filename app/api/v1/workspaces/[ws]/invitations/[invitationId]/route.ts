// DELETE /api/v1/workspaces/{ws}/invitations/{id} — revoke a pending invitation [admin]
import { withWorkspace } from "@/lib/http/route";
import { revokeInvitation } from "@/lib/workspaces/invitations";

export const DELETE = withWorkspace(
  async ({ db, workspace, params, actor, requestId }) => {
    await revokeInvitation(db, {
      workspaceId: workspace.id,
      invitationId: params.invitationId ?? "",
      actor,
      requestId,
    });
    return { status: 204, body: null };
  },
  { permission: "invitations.write" },
);
