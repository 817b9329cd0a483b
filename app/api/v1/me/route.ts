// GET /api/v1/me — the caller and their workspaces; DELETE /api/v1/me — delete the account
import { withUser } from "@/lib/http/route";
import { deleteAccount, presentUser } from "@/lib/identity/users";
import { listWorkspacesOfUser } from "@/lib/workspaces/workspaces";

export const GET = withUser(async ({ db, actor }) => ({
  status: 200,
  body: {
    user: presentUser({ id: actor.userId, email: actor.email, name: actor.name }),
    workspaces: await listWorkspacesOfUser(db, actor.userId),
  },
}));

export const DELETE = withUser(async ({ transaction, actor, requestId }) => {
  await transaction((tx) => deleteAccount(tx, { actor, requestId }));
  return { status: 204, body: null };
});
