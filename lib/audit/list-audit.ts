import type { DbClient, Prisma } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { type Cursor, toPage } from "@/lib/http/pagination";
import { parseInstant } from "@/lib/usage/report";
import { isUuid } from "@/lib/workspaces/members";

/** Filters of `GET …/audit`; every one optional. */
export type AuditFilters = {
  /** Exact action (`member.roles_changed`), or a prefix ending in `*` (`member.*`). */
  action?: string;
  /** A user id, an API token id, or a user's email. */
  actor?: string;
  from?: Date;
  to?: Date;
};

const ACTION = /^[a-z0-9_.:-]{1,100}\*?$/i;

/** `?action=&actor=&from=&to=` → filters; malformed values are a 400 `invalid_query`, never ignored. */
export function readAuditFilters(url: URL): AuditFilters {
  const read = (name: string) => {
    const value = url.searchParams.get(name)?.trim();
    return value ? value : undefined;
  };
  const filters: AuditFilters = {};
  const action = read("action");
  if (action !== undefined) {
    if (!ACTION.test(action)) {
      throw new ApiError("validation", "invalid_query", "action must be an action name, or a prefix ending in *");
    }
    filters.action = action;
  }
  const actor = read("actor");
  if (actor !== undefined) {
    if (!isUuid(actor) && !/^[^\s@]{1,200}@[^\s@]{1,200}$/.test(actor)) {
      throw new ApiError("validation", "invalid_query", "actor must be a user id, a token id or an email");
    }
    filters.actor = actor;
  }
  const from = read("from");
  const to = read("to");
  if (from !== undefined) filters.from = parseInstant(from, "from", false);
  if (to !== undefined) filters.to = parseInstant(to, "to", true);
  if (filters.from && filters.to && filters.from.getTime() > filters.to.getTime()) {
    throw new ApiError("validation", "invalid_query", "from must not be after to");
  }
  return filters;
}

export async function listAuditEntries(
  db: DbClient,
  input: { workspaceId: string; limit: number; cursor: Cursor | null; filters?: AuditFilters },
) {
  const { cursor, filters = {} } = input;
  const and: Prisma.AuditLogWhereInput[] = [{ workspaceId: input.workspaceId }];
  if (filters.action) {
    and.push(
      filters.action.endsWith("*")
        ? { action: { startsWith: filters.action.slice(0, -1) } }
        : { action: filters.action },
    );
  }
  if (filters.actor) {
    if (isUuid(filters.actor)) {
      and.push({ OR: [{ actorUserId: filters.actor }, { actorTokenId: filters.actor }] });
    } else {
      const user = await db.user.findUnique({ where: { email: filters.actor.toLowerCase() }, select: { id: true } });
      and.push({ actorUserId: user?.id ?? "00000000-0000-0000-0000-000000000000" });
    }
  }
  if (filters.from) and.push({ createdAt: { gte: filters.from } });
  if (filters.to) and.push({ createdAt: { lt: filters.to } });
  if (cursor) and.push({ OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] });

  const rows = await db.auditLog.findMany({
    where: { AND: and },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  const userIds = [...new Set(rows.map((row) => row.actorUserId).filter((id): id is string => !!id))];
  const users = userIds.length
    ? await db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true } })
    : [];
  const emailOf = new Map(users.map((user) => [user.id, user.email]));
  return toPage(
    rows,
    input.limit,
    (row) => ({ at: row.createdAt, id: row.id }),
    (row) => ({
      id: row.id,
      action: row.action,
      target_type: row.targetType,
      target_id: row.targetId,
      actor_user_id: row.actorUserId,
      actor_email: row.actorUserId ? (emailOf.get(row.actorUserId) ?? null) : null,
      actor_token_id: row.actorTokenId,
      request_id: row.requestId,
      data: row.data,
      created_at: row.createdAt.toISOString(),
    }),
  );
}
