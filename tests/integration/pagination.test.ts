// Cursor pagination (API.md): ?limit= 1–100 (default 50), ?cursor=, responses { data, next_cursor }; a bad
// limit or cursor is a 400, never a 500.
import fc from "fast-check";
import { beforeAll, expect, test } from "vitest";
import { createPersona, createSignedInPersona, json, type SignedInPersona, uniqueSlug } from "../helpers/fixtures";

let slug: string;
let admin: SignedInPersona;
const memberIds: string[] = [];

beforeAll(async () => {
  slug = uniqueSlug("pages");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  memberIds.push(admin.userId);
  for (let i = 0; i < 6; i++) memberIds.push((await createPersona({ workspace: slug, roles: ["member"] })).userId);
});

const members = (query: string) => admin.api(`/api/v1/workspaces/${slug}/members${query}`);
const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");

test("following next_cursor visits every member exactly once, in join order, and ends with null", async () => {
  for (const limit of [1, 2, 3, 7, 100]) {
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response: Response = await members(
        `?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`,
      );
      expect(response.status).toBe(200);
      const page = await json(response);
      expect(page.data.length).toBeLessThanOrEqual(limit);
      expect(Object.keys(page).sort()).toEqual(["data", "next_cursor"]);
      seen.push(...page.data.map((m: { user_id: string }) => m.user_id));
      cursor = page.next_cursor;
      pages++;
    } while (cursor && pages < 20);
    expect(seen, `limit=${limit}`).toEqual(memberIds);
    expect(pages).toBe(Math.max(1, Math.ceil(memberIds.length / limit)));
  }
});

test("without a limit the page size is 50", async () => {
  const page = await json(await members(""));
  expect(page.data).toHaveLength(memberIds.length);
  expect(page.next_cursor).toBeNull();
});

test("a limit outside 1–100 or not an integer is 400", async () => {
  for (const limit of ["0", "101", "-1", "1.5", "abc", "", "1e2x", "NaN"]) {
    const response = await members(`?limit=${encodeURIComponent(limit)}`);
    expect(response.status, `limit=${limit}`).toBe(400);
    const body = await json(response);
    expect(body.error, `limit=${limit}`).toMatchObject({ type: "validation", code: "invalid_limit" });
    expect(body.error.request_id).toBe(response.headers.get("x-request-id"));
  }
});

test("a cursor this API did not hand out is 400", async () => {
  const bad = [
    "garbage",
    "%%%",
    encodeCursor(5),
    encodeCursor("a string"),
    encodeCursor({ at: "2024-01-01T00:00:00Z" }),
    encodeCursor(["not a date", "00000000-0000-0000-0000-000000000000"]),
    encodeCursor(["2024-01-01T00:00:00.000Z", 42]),
    encodeCursor(["2024-01-01T00:00:00.000Z", "not-a-uuid"]),
    encodeCursor(["-100000-01-01T00:00:00.000Z", "00000000-0000-0000-0000-000000000000"]),
    encodeCursor(["+200000-01-01T00:00:00.000Z", "00000000-0000-0000-0000-000000000000"]),
  ];
  for (const cursor of bad) {
    for (const path of [`/members`, `/audit`]) {
      const response = await admin.api(`/api/v1/workspaces/${slug}${path}?cursor=${encodeURIComponent(cursor)}`);
      const text = await response.text();
      expect(response.status, `${path} cursor=${cursor}: ${text}`).toBe(400);
      expect(JSON.parse(text).error, cursor).toMatchObject({ type: "validation", code: "invalid_cursor" });
    }
  }
});

test("any limit and cursor text gets a page or a 400, never a 500", async () => {
  const cursorLike = fc.oneof(
    fc.string(),
    fc.jsonValue().map(encodeCursor),
    fc
      .tuple(fc.date({ noInvalidDate: false }), fc.oneof(fc.uuid(), fc.string()))
      .map(([at, id]) => encodeCursor([Number.isNaN(at.getTime()) ? "invalid" : at.toISOString(), id])),
  );
  // Mostly sensible limits, so that the cursor is actually read (a bad limit is refused first).
  const limitLike = fc.oneof(
    { weight: 4, arbitrary: fc.integer({ min: -5, max: 150 }).map(String) },
    { weight: 1, arbitrary: fc.string() },
  );
  await fc.assert(
    fc.asyncProperty(fc.option(limitLike), fc.option(cursorLike, { freq: 5 }), async (limit, cursor) => {
      const query = new URLSearchParams();
      if (limit !== null) query.set("limit", limit);
      if (cursor !== null) query.set("cursor", cursor);
      const response = await members(`?${query}`);
      const text = await response.text();
      expect([200, 400], `?${query} → ${text}`).toContain(response.status);
    }),
    { numRuns: 60 },
  );
});
