import { recordAudit } from "@/lib/audit/record-audit";
import { revokeSessions } from "@/lib/auth/device-sessions";
import type { DbClient } from "@/lib/db";
import { notFound } from "@/lib/http/errors";
import type { Actor } from "@/lib/http/route";
import { listActiveSessions, type SessionView } from "@/lib/identity/sessions";
import { getMemberOrThrow, isUuid } from "./members";

/** A member's live device sessions (newest activity first); someone not in this workspace → 404. */
export async function listMemberSessions(
  db: DbClient,
  input: { workspaceId: string; userId: string; actor: Actor },
): Promise<SessionView[]> {
  const member = await getMemberOrThrow(db, { workspaceId: input.workspaceId, userId: input.userId });
  const currentSessionId = input.actor.kind === "user" ? input.actor.sessionId : "";
  return listActiveSessions(db, { userId: member.userId, currentSessionId });
}

/**
 * Revokes one of a member's device sessions, audited in the same transaction; it takes effect on that device's
 * next request. A session is the person's, not the workspace's: it ends for every workspace they use on it.
 * Not a member here, or not a live session of theirs → 404.
 */
export async function revokeMemberSession(
  db: DbClient,
  input: { workspaceId: string; userId: string; sessionId: string; actor: Actor; requestId: string },
): Promise<void> {
  const member = await getMemberOrThrow(db, { workspaceId: input.workspaceId, userId: input.userId });
  const revoked = isUuid(input.sessionId)
    ? await revokeSessions(db, { userId: member.userId, onlyId: input.sessionId, reason: "revoked_by_admin" })
    : 0;
  if (revoked === 0) throw notFound("session");
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "member.session_revoked",
    targetType: "device_session",
    targetId: input.sessionId,
    requestId: input.requestId,
    data: { user_id: member.userId },
  });
}
