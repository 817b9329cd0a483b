// GET /api/v1/invitations/{secret} — what an invitation link offers (workspace, roles, email)
import { withUser } from "@/lib/http/route";
import { findOpenInvitation } from "@/lib/workspaces/invitations";

export const GET = withUser(async ({ db, params }) => {
  const invitation = await findOpenInvitation(db, params.secret ?? "");
  return {
    status: 200,
    body: {
      invitation: {
        email: invitation.email,
        roles: invitation.roles,
        expires_at: invitation.expiresAt.toISOString(),
        workspace: { slug: invitation.workspace.slug, name: invitation.workspace.name },
      },
    },
  };
});
