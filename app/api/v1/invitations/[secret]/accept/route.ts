// POST /api/v1/invitations/{secret}/accept — join the workspace (the signed-in email must match)
import { db as rootDb } from "@/lib/db";
import { withUser } from "@/lib/http/route";
import { acceptInvitation } from "@/lib/workspaces/invitations";

export const POST = withUser(async ({ actor, params, requestId }) => {
  const workspace = await rootDb().$transaction((tx) =>
    acceptInvitation(tx, { secret: params.secret ?? "", actor, requestId }),
  );
  return { status: 200, body: { workspace } };
});
