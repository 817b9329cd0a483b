import { randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import { hashSecret } from "@/lib/auth/api-tokens";
import type { DbClient, Role } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { ApiError, notFound } from "@/lib/http/errors";
import type { Actor } from "@/lib/http/route";
import { log } from "@/lib/log";
import { isUuid } from "./members";

const INVITATION_TTL_MS = 7 * 24 * 3600_000;

export type InvitationView = {
  id: string;
  email: string;
  roles: Role[];
  url?: string;
  expires_at: string;
  created_at: string;
};

const present = (
  row: { id: string; email: string; roles: Role[]; expiresAt: Date; createdAt: Date },
  url?: string,
): InvitationView => ({
  id: row.id,
  email: row.email,
  roles: row.roles,
  ...(url ? { url } : {}),
  expires_at: row.expiresAt.toISOString(),
  created_at: row.createdAt.toISOString(),
});

/** There is no mail server: the link is returned once, shown in the UI and written to the server log. */
export async function createInvitation(
  db: DbClient,
  input: { workspaceId: string; email: string; roles: Role[]; actor: Actor; requestId: string },
): Promise<InvitationView> {
  const existing = await db.membership.findFirst({
    where: { workspaceId: input.workspaceId, user: { email: input.email } },
  });
  if (existing) throw new ApiError("conflict", "already_member", `${input.email} is already a member`);
  const secret = randomBytes(24).toString("base64url");
  const row = await db.invitation.create({
    data: {
      workspaceId: input.workspaceId,
      email: input.email,
      roles: input.roles,
      tokenHash: hashSecret(secret),
      invitedById: input.actor.userId,
      expiresAt: new Date(Date.now() + INVITATION_TTL_MS),
    },
  });
  const url = `${serverEnv().NEXTAUTH_URL}/invite/${secret}`;
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "invitation.created",
    targetType: "invitation",
    targetId: row.id,
    requestId: input.requestId,
    data: { roles: input.roles },
  });
  log("info", "invitation.link", { request_id: input.requestId, invitation_id: row.id, invite_url: url });
  return present(row, url);
}

export async function listPendingInvitations(db: DbClient, workspaceId: string): Promise<InvitationView[]> {
  const rows = await db.invitation.findMany({
    where: { workspaceId, acceptedAt: null, revokedAt: null, expiresAt: { gt: new Date() } },
    orderBy: { createdAt: "desc" },
    take: 100,
  });
  return rows.map((row) => present(row));
}

export async function revokeInvitation(
  db: DbClient,
  input: { workspaceId: string; invitationId: string; actor: Actor; requestId: string },
): Promise<void> {
  const { count } = isUuid(input.invitationId)
    ? await db.invitation.updateMany({
        where: { id: input.invitationId, workspaceId: input.workspaceId, acceptedAt: null, revokedAt: null },
        data: { revokedAt: new Date() },
      })
    : { count: 0 };
  if (count === 0) throw notFound("invitation");
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "invitation.revoked",
    targetType: "invitation",
    targetId: input.invitationId,
    requestId: input.requestId,
  });
}

/** What the invite page shows before accepting. Unknown, used, revoked or expired links are all "not found". */
export async function findOpenInvitation(db: DbClient, secret: string) {
  const row = await db.invitation.findUnique({
    where: { tokenHash: hashSecret(secret) },
    include: { workspace: true },
  });
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt.getTime() < Date.now()) throw notFound("invitation");
  return row;
}

/** Only the invited address may accept; accepting twice (or racing) yields one membership. */
export async function acceptInvitation(
  db: DbClient,
  input: { secret: string; actor: Extract<Actor, { kind: "user" }>; requestId: string },
) {
  const invitation = await findOpenInvitation(db, input.secret);
  if (invitation.email !== input.actor.email.toLowerCase()) {
    throw new ApiError("forbidden", "invitation_for_another_email", `this invitation is for ${invitation.email}`);
  }
  const { count } = await db.invitation.updateMany({
    where: { id: invitation.id, acceptedAt: null, revokedAt: null },
    data: { acceptedAt: new Date(), acceptedById: input.actor.userId },
  });
  if (count === 0) throw notFound("invitation");
  await db.membership.upsert({
    where: { workspaceId_userId: { workspaceId: invitation.workspaceId, userId: input.actor.userId } },
    create: { workspaceId: invitation.workspaceId, userId: input.actor.userId, roles: invitation.roles },
    update: {},
  });
  await recordAudit(db, {
    workspaceId: invitation.workspaceId,
    actor: input.actor,
    action: "invitation.accepted",
    targetType: "invitation",
    targetId: invitation.id,
    requestId: input.requestId,
    data: { roles: invitation.roles },
  });
  return { slug: invitation.workspace.slug, name: invitation.workspace.name, roles: invitation.roles };
}
