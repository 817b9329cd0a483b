// POST /api/v1/invitations/{secret}/accept — join the workspace (the signed-in email must match)
import { withUser } from "@/lib/http/route";
import { acceptInvitation } from "@/lib/workspaces/invitations";

export const POST = withUser(async ({ transaction, actor, params, requestId }) => ({
  status: 200,
  body: {
    workspace: await transaction((tx) => acceptInvitation(tx, { secret: params.secret ?? "", actor, requestId })),
  },
}));
