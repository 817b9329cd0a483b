import type { DbClient } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { ApiError } from "@/lib/http/errors";
import { type Cursor, readPageParams } from "@/lib/http/pagination";
import { parseInstant } from "@/lib/usage/report";
import { isUuid } from "@/lib/workspaces/members";

// The runs console's list query, shared by `GET …/runs` and `GET …/generations`:
// ?status=a,b&member=&from=&to=&stuck=true&sort=created_at|updated_at&order=desc|asc&cursor=&limit=
// Malformed values are a 400 `invalid_query`, never ignored.

export const CONSOLE_SORTS = ["created_at", "updated_at"] as const;
export type ConsoleSort = (typeof CONSOLE_SORTS)[number];

/** Statuses in which a row still expects progress: "stuck" = one of these, and no progress for the threshold. */
export const PROGRESSING_STATUSES = ["queued", "running"] as const;

export type ConsoleListQuery<Status extends string> = {
  statuses: Status[];
  member?: string;
  from?: Date;
  to?: Date;
  stuck: boolean;
  sort: ConsoleSort;
  order: "desc" | "asc";
  limit: number;
  cursor: Cursor | null;
};

const invalid = (message: string) => new ApiError("validation", "invalid_query", message);

export function readConsoleListQuery<Status extends string>(
  url: URL,
  statuses: readonly Status[],
): ConsoleListQuery<Status> {
  const params = url.searchParams;
  const read = (name: string) => {
    const value = params.get(name)?.trim();
    return value ? value : undefined;
  };
  const statusList = (read("status") ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const unknown = statusList.find((s) => !(statuses as readonly string[]).includes(s));
  if (unknown !== undefined) throw invalid(`status must be a comma-separated list of ${statuses.join(", ")}`);
  const member = read("member");
  if (member !== undefined && !isUuid(member)) throw invalid("member must be a user id");
  const fromRaw = read("from");
  const toRaw = read("to");
  const from = fromRaw === undefined ? undefined : parseInstant(fromRaw, "from", false);
  const to = toRaw === undefined ? undefined : parseInstant(toRaw, "to", true);
  if (from && to && from.getTime() > to.getTime()) throw invalid("from must not be after to");
  const stuck = read("stuck");
  if (stuck !== undefined && stuck !== "true" && stuck !== "false") throw invalid("stuck must be true or false");
  const sort = read("sort") ?? "created_at";
  if (!(CONSOLE_SORTS as readonly string[]).includes(sort)) throw invalid("sort must be created_at or updated_at");
  const order = read("order") ?? "desc";
  if (order !== "desc" && order !== "asc") throw invalid("order must be desc or asc");
  return {
    statuses: [...new Set(statusList)] as Status[],
    member,
    from,
    to,
    stuck: stuck === "true",
    sort: sort as ConsoleSort,
    order,
    ...readPageParams(url),
  };
}

/** Seconds without progress (updated_at) after which a queued or running item counts as stuck. */
export const stuckAfterMs = () => serverEnv().HOLDFAST_STUCK_AFTER_SECONDS * 1000;

export const isStuck = (row: { status: string; updatedAt: Date }, now = Date.now()) =>
  (PROGRESSING_STATUSES as readonly string[]).includes(row.status) && now - row.updatedAt.getTime() >= stuckAfterMs();

type Field = "createdAt" | "updatedAt";
type Where = Record<string, unknown>;

/**
 * The Prisma `where` (as AND parts) and `orderBy` of a console list over a table with workspaceId, status,
 * requestedById, createdAt, updatedAt and id: keyset pagination on (sort field, id) in the asked order.
 */
export function consoleListPlan(workspaceId: string, query: ConsoleListQuery<string>, extra: Where[] = []) {
  const field: Field = query.sort === "updated_at" ? "updatedAt" : "createdAt";
  const direction = query.order;
  const beyond = direction === "desc" ? "lt" : "gt";
  const and: Where[] = [{ workspaceId }, ...extra];
  if (query.statuses.length === 1) and.push({ status: query.statuses[0] });
  else if (query.statuses.length > 1) and.push({ status: { in: query.statuses } });
  if (query.member) and.push({ requestedById: query.member });
  if (query.from) and.push({ createdAt: { gte: query.from } });
  if (query.to) and.push({ createdAt: { lt: query.to } });
  if (query.stuck) {
    and.push({ status: { in: [...PROGRESSING_STATUSES] } });
    and.push({ updatedAt: { lte: new Date(Date.now() - stuckAfterMs()) } });
  }
  const { cursor } = query;
  if (cursor) {
    // (field, id) beyond the cursor. The redundant `field <= at` (`>=` ascending) is what makes it an index range:
    // the OR alone is only a filter, and a deep page would scan every row before it.
    and.push({ [field]: { [beyond === "lt" ? "lte" : "gte"]: cursor.at } });
    and.push({ OR: [{ [field]: { [beyond]: cursor.at } }, { [field]: cursor.at, id: { [beyond]: cursor.id } }] });
  }
  return {
    where: { AND: and },
    orderBy: [{ [field]: direction }, { id: direction }],
    take: query.limit + 1,
    positionOf: (row: { createdAt: Date; updatedAt: Date; id: string }) => ({ at: row[field], id: row.id }),
  };
}

export type RequestedBy = { id: string; email: string; name: string } | null;

/** The requesters of a page's rows, by id (one query). */
export async function requestersOf(db: DbClient, ids: (string | null)[]): Promise<(id: string | null) => RequestedBy> {
  const unique = [...new Set(ids.filter((id): id is string => !!id))];
  const users = unique.length
    ? await db.user.findMany({ where: { id: { in: unique } }, select: { id: true, email: true, name: true } })
    : [];
  const byId = new Map(users.map((u) => [u.id, u]));
  return (id) => (id ? (byId.get(id) ?? null) : null);
}
