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

function decodeCursor(raw: string): Cursor {
  try {
    const [at, id] = JSON.parse(Buffer.from(raw, "base64url").toString("utf8")) as [string, string];
    const date = new Date(at);
    if (Number.isNaN(date.getTime()) || typeof id !== "string") throw new Error("bad cursor");
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
