import { recordAudit } from "@/lib/audit/record-audit";
import type { DbClient, Role } from "@/lib/db";
import { ApiError, notFound } from "@/lib/http/errors";
import { staleVersion } from "@/lib/http/etag";
import { afterCursor, type Cursor, toPage } from "@/lib/http/pagination";
import type { Actor } from "@/lib/http/route";

export type MemberView = {
  user_id: string;
  email: string;
  name: string;
  roles: Role[];
  joined_at: string;
  version: number;
};

type MembershipRow = {
  userId: string;
  roles: Role[];
  joinedAt: Date;
  version: number;
  id: string;
  user: { email: string; name: string };
};

export const presentMember = (m: MembershipRow): MemberView => ({
  user_id: m.userId,
  email: m.user.email,
  name: m.user.name,
  roles: m.roles,
  joined_at: m.joinedAt.toISOString(),
  version: m.version,
});

const withUser = { user: { select: { email: true, name: true } } } as const;

export async function listMembers(db: DbClient, input: { workspaceId: string; limit: number; cursor: Cursor | null }) {
  const rows = await db.membership.findMany({
    where: { workspaceId: input.workspaceId, ...afterCursor(input.cursor, "joinedAt") },
    include: withUser,
    orderBy: [{ joinedAt: "asc" }, { id: "asc" }],
    take: input.limit + 1,
  });
  return toPage(rows, input.limit, (m) => ({ at: m.joinedAt, id: m.id }), presentMember);
}

export async function getMemberOrThrow(db: DbClient, input: { workspaceId: string; userId: string }) {
  const row = isUuid(input.userId)
    ? await db.membership.findUnique({
        where: { workspaceId_userId: { workspaceId: input.workspaceId, userId: input.userId } },
        include: withUser,
      })
    : null;
  if (!row) throw notFound("member");
  return row;
}

type MemberChange = { workspaceId: string; userId: string; expectedVersion: number; actor: Actor; requestId: string };

/**
 * Compare-and-set on `version`: a concurrent change makes this one fail with 412, never overwrite.
 * Run it in a transaction: the workspace row lock keeps two admins from demoting each other at once.
 */
export async function updateMemberRoles(db: DbClient, input: MemberChange & { roles: Role[] }): Promise<MemberView> {
  await lockMemberships(db, input.workspaceId);
  const current = await getMemberOrThrow(db, input);
  if (current.version !== input.expectedVersion)
    throw staleVersion({ member: presentMember(current) }, current.version);
  if (current.roles.includes("admin") && !input.roles.includes("admin")) await throwIfLastAdmin(db, input.workspaceId);
  const { count } = await db.membership.updateMany({
    where: { id: current.id, version: input.expectedVersion },
    data: { roles: input.roles, version: { increment: 1 } },
  });
  if (count === 0) {
    const latest = await getMemberOrThrow(db, input);
    throw staleVersion({ member: presentMember(latest) }, latest.version);
  }
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "member.roles_changed",
    targetType: "member",
    targetId: input.userId,
    requestId: input.requestId,
    data: { from: current.roles, to: input.roles },
  });
  return presentMember(await getMemberOrThrow(db, input));
}

/** Same rules as `updateMemberRoles`; run it in a transaction. */
export async function removeMember(db: DbClient, input: MemberChange): Promise<void> {
  await lockMemberships(db, input.workspaceId);
  const current = await getMemberOrThrow(db, input);
  if (current.version !== input.expectedVersion)
    throw staleVersion({ member: presentMember(current) }, current.version);
  if (current.roles.includes("admin")) await throwIfLastAdmin(db, input.workspaceId);
  const { count } = await db.membership.deleteMany({ where: { id: current.id, version: input.expectedVersion } });
  if (count === 0) {
    const latest = await getMemberOrThrow(db, input);
    throw staleVersion({ member: presentMember(latest) }, latest.version);
  }
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "member.removed",
    targetType: "member",
    targetId: input.userId,
    requestId: input.requestId,
    data: { roles: current.roles },
  });
}

/** Serialises membership changes within one workspace (a no-op outside a transaction). */
async function lockMemberships(db: DbClient, workspaceId: string) {
  await db.$executeRaw`SELECT 1 FROM workspaces WHERE id = ${workspaceId}::uuid FOR UPDATE`;
}

/**
 * Leaving every workspace at once (deleting the account) must not leave one without an admin while others still
 * work in it: 409 naming those workspaces. A workspace where the user is alone has no one to strand. Run it in
 * the deleting transaction: the workspace row locks serialise it with role changes and other deletions.
 */
export async function throwIfLastAdminAnywhere(db: DbClient, userId: string) {
  const adminOf = await db.membership.findMany({
    where: { userId, roles: { has: "admin" } },
    select: { workspaceId: true, workspace: { select: { slug: true } } },
    orderBy: { workspaceId: "asc" },
  });
  const stranded: string[] = [];
  for (const { workspaceId, workspace } of adminOf) {
    await lockMemberships(db, workspaceId);
    const others = await db.membership.findMany({
      where: { workspaceId, userId: { not: userId } },
      select: { roles: true },
    });
    if (others.length > 0 && !others.some((other) => other.roles.includes("admin"))) stranded.push(workspace.slug);
  }
  if (stranded.length) {
    throw new ApiError(
      "conflict",
      "last_admin",
      `you are the only admin of ${stranded.join(", ")}; make someone else an admin first`,
    );
  }
}

async function throwIfLastAdmin(db: DbClient, workspaceId: string) {
  const admins = await db.membership.count({ where: { workspaceId, roles: { has: "admin" } } });
  if (admins <= 1) throw new ApiError("conflict", "last_admin", "a workspace keeps at least one admin");
}

export const isUuid = (value: string) => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
