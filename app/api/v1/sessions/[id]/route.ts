// DELETE /api/v1/sessions/{id} — revoke one of my device sessions
import { revokeSessions } from "@/lib/auth/device-sessions";
import { notFound } from "@/lib/http/errors";
import { withUser } from "@/lib/http/route";
import { isUuid } from "@/lib/workspaces/members";

export const DELETE = withUser(async ({ db, actor, params }) => {
  const id = params.id ?? "";
  const revoked = isUuid(id)
    ? await revokeSessions(db, { userId: actor.userId, onlyId: id, reason: "revoked_by_user" })
    : 0;
  if (revoked === 0) throw notFound("session");
  return { status: 204, body: null };
});
