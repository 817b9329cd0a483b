import { z } from "zod";
import { ApiError } from "./errors";

export type Page<T> = { data: T[]; next_cursor: string | null };

const limitSchema = z.coerce.number().int().min(1).max(100).default(50);

/** Keyset position: the sort time and id of the last item of the previous page. */
export type Cursor = { at: Date; id: string };

export function readPageParams(url: URL): { limit: number; cursor: Cursor | null } {
  const limit = limitSchema.safeParse(url.searchParams.get("limit") ?? undefined);
  if (!limit.success) throw new ApiError("validation", "invalid_limit", "limit must be an integer from 1 to 100");
  const raw = url.searchParams.get("cursor");
  return { limit: limit.data, cursor: raw ? decodeCursor(raw) : null };
}

// A cursor names a row id (a uuid in every paginated table) and a time this API wrote; anything else would
// reach the database as a malformed uuid or an out-of-range timestamp and fail there with a 500.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

function decodeCursor(raw: string): Cursor {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(raw, "base64url").toString("utf8"));
    if (!Array.isArray(parsed) || parsed.length !== 2) throw new Error("bad cursor");
    const [at, id] = parsed as unknown[];
    if (typeof at !== "string" || typeof id !== "string" || !UUID.test(id)) throw new Error("bad cursor");
    const date = new Date(at);
    const time = date.getTime();
    if (Number.isNaN(time) || time < EARLIEST || time > LATEST) throw new Error("bad cursor");
    return { at: date, id };
  } catch {
    throw new ApiError("validation", "invalid_cursor", "cursor is not one this API returned");
  }
}

/** `rows` were fetched with `take: limit + 1` in (at, id) order; the extra row only says a next page exists. */
export function toPage<Row, Item>(
  rows: Row[],
  limit: number,
  positionOf: (row: Row) => Cursor,
  present: (row: Row) => Item,
): Page<Item> {
  const pageRows = rows.slice(0, limit);
  const last = pageRows.at(-1);
  const next_cursor =
    rows.length > limit && last
      ? Buffer.from(JSON.stringify([positionOf(last).at.toISOString(), positionOf(last).id])).toString("base64url")
      : null;
  return { data: pageRows.map(present), next_cursor };
}

/** Prisma `where` fragment for rows after the cursor in ascending (field, id) order. */
export function afterCursor(cursor: Cursor | null, field: string) {
  if (!cursor) return {};
  return { OR: [{ [field]: { gt: cursor.at } }, { [field]: cursor.at, id: { gt: cursor.id } }] };
}

/** An optional id filter in the query string (`?run_id=`): absent → undefined, not an id → 400. */
export function readIdFilter(url: URL, name: string): string | undefined {
  const value = url.searchParams.get(name) ?? undefined;
  if (value !== undefined && !UUID.test(value))
    throw new ApiError("validation", `invalid_${name}`, `${name} is not an id`);
  return value;
}
