// GET …/audit filters (action, actor, time range) and their validation.
import { beforeAll, expect, test } from "vitest";
import { createSignedInPersona, json, type SignedInPersona, uniqueSlug } from "../helpers/fixtures";

let slug: string;
let admin: SignedInPersona;
let other: SignedInPersona;

beforeAll(async () => {
  slug = uniqueSlug("auditf");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  other = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  for (const [who, name] of [
    [admin, "af-one"],
    [other, "af-two"],
  ] as const) {
    const created = await who.api(`/api/v1/workspaces/${slug}/prompts`, {
      method: "POST",
      body: JSON.stringify({ name, content: "x" }),
    });
    expect(created.status).toBe(201);
  }
});

const audit = async (query: string) => {
  const response = await admin.api(`/api/v1/workspaces/${slug}/audit${query}`);
  return { status: response.status, body: await json(response) };
};
type Row = { action: string; actor_user_id: string; actor_email: string; target_id: string };

test("filters by action (exact or prefix*), actor (id or email) and time range", async () => {
  const byAction = await audit("?action=prompt.created");
  expect(byAction.status).toBe(200);
  expect(byAction.body.data.map((r: Row) => r.action)).toEqual(["prompt.created", "prompt.created"]);
  const byPrefix = (await audit("?action=prompt.*")).body.data as Row[];
  expect(byPrefix.length).toBeGreaterThanOrEqual(2);
  expect(byPrefix.every((r) => r.action.startsWith("prompt."))).toBe(true);

  const byId = (await audit(`?action=prompt.created&actor=${other.userId}`)).body.data as Row[];
  expect(byId).toHaveLength(1);
  expect(byId[0]).toMatchObject({ actor_user_id: other.userId, actor_email: other.email });
  const byEmail = (await audit(`?actor=${encodeURIComponent(admin.email.toUpperCase())}&action=prompt.created`)).body
    .data as Row[];
  expect(byEmail.map((r) => r.actor_user_id)).toEqual([admin.userId]);
  expect((await audit("?actor=nobody@example.test")).body.data).toEqual([]);

  expect((await audit("?from=2000-01-01&to=2000-01-02")).body.data).toEqual([]);
  const today = new Date().toISOString().slice(0, 10);
  expect((await audit(`?action=prompt.created&from=${today}&to=${today}`)).body.data).toHaveLength(2);

  // Pagination keeps the filter.
  const first = (await audit("?action=prompt.created&limit=1")).body;
  expect(first.data).toHaveLength(1);
  const second = (await audit(`?action=prompt.created&limit=1&cursor=${first.next_cursor}`)).body;
  expect(second.data).toHaveLength(1);
  expect(second.data[0].id).not.toBe(first.data[0].id);
  expect(second.next_cursor).toBeNull();
});

test("malformed filters are a 400 invalid_query envelope", async () => {
  for (const query of [
    "?from=yesterday",
    "?to=2026-13-01",
    "?from=2026-02-01&to=2026-01-01",
    "?actor=not-an-id",
    "?action=has%20space",
    "?limit=0",
  ]) {
    const { status, body } = await audit(query);
    expect(status, query).toBe(400);
    expect(body.error.type, query).toBe("validation");
  }
});
