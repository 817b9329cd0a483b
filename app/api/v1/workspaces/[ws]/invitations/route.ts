// GET/POST /api/v1/workspaces/{ws}/invitations — pending invitations; invite by link [admin] [idem]
import { withWorkspace } from "@/lib/http/route";
import { createInvitation, listPendingInvitations } from "@/lib/workspaces/invitations";
import { createInvitationSchema } from "@/lib/workspaces/schemas";

export const GET = withWorkspace(
  async ({ db, workspace }) => ({
    status: 200,
    body: { data: await listPendingInvitations(db, workspace.id), next_cursor: null },
  }),
  { permission: "invitations.write" },
);

export const POST = withWorkspace(
  async ({ db, workspace, body, actor, requestId }) => ({
    status: 201,
    body: { invitation: await createInvitation(db, { workspaceId: workspace.id, ...body, actor, requestId }) },
  }),
  { permission: "invitations.write", body: createInvitationSchema, idempotent: true },
);
