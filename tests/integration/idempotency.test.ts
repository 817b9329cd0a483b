// Idempotency-Key semantics (API.md "Common rules"), exercised on POST /api/v1/workspaces/{ws}/invitations.
import pg from "pg";
import { beforeAll, expect, inject, test } from "vitest";
import { db } from "@/lib/db";
import {
  createPersona,
  createSignedInPersona,
  idempotencyKey,
  json,
  type SignedInPersona,
  tokenFetch,
  uniqueEmail,
  uniqueSlug,
} from "../helpers/fixtures";

let slug: string;
let workspaceId: string;
let admin: SignedInPersona;

beforeAll(async () => {
  slug = uniqueSlug("idem");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  workspaceId = (await db().workspace.findUniqueOrThrow({ where: { slug } })).id;
});

const invitations = () => `/api/v1/workspaces/${slug}/invitations`;

function invite(caller: SignedInPersona["api"], key: string | null, body: unknown, path = invitations()) {
  return caller(path, {
    method: "POST",
    headers: key === null ? {} : { "idempotency-key": key },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
}

const invitationsTo = (email: string) => db().invitation.count({ where: { workspaceId, email } });
const recordsFor = (key: string) => db().idempotencyRecord.count({ where: { key } });

test("50 concurrent requests with one key create one invitation and get 50 byte-identical 201 bodies", async () => {
  const key = idempotencyKey();
  const email = uniqueEmail("fifty");
  const responses = await Promise.all(
    Array.from({ length: 50 }, () => invite(admin.api, key, { email, roles: ["member"] })),
  );
  const bodies = await Promise.all(responses.map((r) => r.text()));

  expect(responses.map((r) => r.status)).toEqual(Array(50).fill(201));
  expect(new Set(bodies).size, "every body is byte-identical").toBe(1);
  const replayed = responses.map((r) => r.headers.get("idempotent-replayed"));
  expect(replayed.filter((h) => h === null)).toHaveLength(1);
  expect(replayed.filter((h) => h === "true")).toHaveLength(49);

  const invitation = JSON.parse(bodies[0] as string).invitation;
  expect(invitation).toMatchObject({ email, roles: ["member"] });
  expect(typeof invitation.url).toBe("string");
  expect(await invitationsTo(email)).toBe(1);
  expect(await recordsFor(key)).toBe(1);
  expect(await db().auditLog.count({ where: { action: "invitation.created", targetId: invitation.id } })).toBe(1);
});

test("50 concurrent requests whose handler fails get 50 byte-identical error bodies", async () => {
  const member = await createPersona({ workspace: slug, roles: ["member"] });
  const key = idempotencyKey();
  const responses = await Promise.all(
    Array.from({ length: 50 }, () => invite(admin.api, key, { email: member.email, roles: ["member"] })),
  );
  const bodies = await Promise.all(responses.map((r) => r.text()));
  expect(responses.map((r) => r.status)).toEqual(Array(50).fill(409));
  expect(new Set(bodies).size, `bodies differ:\n${[...new Set(bodies)].join("\n")}`).toBe(1);
  expect(responses.filter((r) => r.headers.get("idempotent-replayed") === null)).toHaveLength(1);
  expect(JSON.parse(bodies[0] as string).error.code).toBe("already_member");
  expect(await recordsFor(key)).toBe(1);
});

test("the same key with a different body is 422 idempotency_key_reused and creates nothing", async () => {
  const key = idempotencyKey();
  const first = uniqueEmail("first");
  const second = uniqueEmail("second");
  expect((await invite(admin.api, key, { email: first })).status).toBe(201);

  const reused = await invite(admin.api, key, { email: second });
  expect(reused.status).toBe(422);
  const body = await json(reused);
  expect(body.error).toMatchObject({ type: "validation", code: "idempotency_key_reused" });
  expect(body.error.request_id).toBe(reused.headers.get("x-request-id"));
  expect(await invitationsTo(second)).toBe(0);
  // Different roles is a different body too, even with the same email.
  expect((await invite(admin.api, key, { email: first, roles: ["admin"] })).status).toBe(422);
});

test("a missing or malformed key is 400 and nothing is created or saved", async () => {
  const email = uniqueEmail("nokey");
  const missing = await invite(admin.api, null, { email });
  expect(missing.status).toBe(400);
  expect((await json(missing)).error).toMatchObject({ type: "validation", code: "idempotency_key_required" });

  for (const bad of ["x".repeat(256), "has space", "tab\there"]) {
    const response = await invite(admin.api, bad, { email });
    expect(response.status, JSON.stringify(bad)).toBe(400);
    expect((await json(response)).error.type).toBe("validation");
  }
  expect(await invitationsTo(email)).toBe(0);
  expect(await db().idempotencyRecord.count({ where: { workspaceId, key: { in: ["has space", "tab\there"] } } })).toBe(
    0,
  );
  // 255 visible ASCII characters is the longest key there is.
  expect((await invite(admin.api, "k".repeat(255), { email })).status).toBe(201);
});

test("a request refused before executing saves nothing, so a corrected retry with the same key succeeds", async () => {
  const key = idempotencyKey();
  const email = uniqueEmail("corrected");

  const invalid = await invite(admin.api, key, { email: "not-an-email" });
  expect(invalid.status).toBe(400);
  const malformed = await invite(admin.api, key, "{not json");
  expect(malformed.status).toBe(400);
  const member = await createSignedInPersona({ workspace: slug, roles: ["member"] });
  expect((await invite(member.api, key, { email })).status).toBe(403);
  expect(await recordsFor(key)).toBe(0);

  const corrected = await invite(admin.api, key, { email });
  expect(corrected.status).toBe(201);
  expect(corrected.headers.get("idempotent-replayed")).toBeNull();
  const again = await invite(admin.api, key, { email });
  expect(again.status).toBe(201);
  expect(again.headers.get("idempotent-replayed")).toBe("true");
  expect(await again.text()).toBe(await corrected.text());
  expect(await invitationsTo(email)).toBe(1);
});

test("an error from inside the handler is saved and replayed as is, even after the cause went away", async () => {
  const member = await createPersona({ workspace: slug, roles: ["member"] });
  const key = idempotencyKey();
  const first = await invite(admin.api, key, { email: member.email, roles: ["member"] });
  expect(first.status).toBe(409);
  const firstBody = await first.text();
  expect(JSON.parse(firstBody).error.code).toBe("already_member");

  // Executing again now would succeed — a replay must not execute again.
  await db().membership.deleteMany({ where: { workspaceId, userId: member.userId } });
  const repeat = await invite(admin.api, key, { email: member.email, roles: ["member"] });
  expect(repeat.status).toBe(409);
  expect(repeat.headers.get("idempotent-replayed")).toBe("true");
  expect(await repeat.text()).toBe(firstBody);
  expect(await invitationsTo(member.email)).toBe(0);

  // A new key executes afresh.
  expect((await invite(admin.api, idempotencyKey(), { email: member.email, roles: ["member"] })).status).toBe(201);
});

test("keys are scoped per caller: another admin or a token reusing a key gets its own result", async () => {
  const key = idempotencyKey();
  const email = uniqueEmail("scoped");
  const other = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  const token = await createPersona({ workspace: slug, roles: ["admin"], withToken: true });

  const mine = await invite(admin.api, key, { email });
  const theirs = await invite(other.api, key, { email });
  const tokens = await invite(tokenFetch(token.token as string), key, { email });
  for (const response of [mine, theirs, tokens]) {
    expect(response.status).toBe(201);
    expect(response.headers.get("idempotent-replayed")).toBeNull();
  }
  const ids = await Promise.all([mine, theirs, tokens].map(async (r) => (await json(r)).invitation.id));
  expect(new Set(ids).size).toBe(3);
  expect(await invitationsTo(email)).toBe(3);

  // …and per workspace: the same person with the same key in another workspace.
  const elsewhere = uniqueSlug("idem-other");
  await createPersona({ workspace: elsewhere, roles: ["admin"], email: admin.email });
  const there = await invite(admin.api, key, { email }, `/api/v1/workspaces/${elsewhere}/invitations`);
  expect(there.status).toBe(201);
  expect(there.headers.get("idempotent-replayed")).toBeNull();

  // Each caller's own repeat still replays their own result.
  const otherAgain = await invite(other.api, key, { email });
  expect(otherAgain.headers.get("idempotent-replayed")).toBe("true");
  expect((await json(otherAgain)).invitation.id).toBe(ids[1]);
});

test("a repeat that arrives while the original is still executing gets 409 idempotency_in_progress", async () => {
  // The original is really executing: it is stuck inside its transaction on the workspace row, which this test
  // holds locked (creating an invitation checks the row through its foreign key). No timing is guessed: the
  // test waits until PostgreSQL reports the original blocked by this connection.
  const key = idempotencyKey();
  const email = uniqueEmail("inflight");
  const blocker = new pg.Client({ connectionString: inject("databaseUrl") });
  await blocker.connect();
  try {
    await blocker.query("BEGIN");
    await blocker.query("SELECT id FROM workspaces WHERE id = $1 FOR UPDATE", [workspaceId]);
    const { rows } = await blocker.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
    const blockerPid = rows[0]?.pid;

    const original = invite(admin.api, key, { email });
    await waitFor(async () => {
      const blocked = await db().$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM pg_stat_activity WHERE ${blockerPid}::int = ANY(pg_blocking_pids(pid))`;
      return (blocked[0]?.n ?? 0) > 0;
    }, "the original request to block on the workspace row");

    const repeat = await invite(admin.api, key, { email });
    expect(repeat.status).toBe(409);
    const body = await json(repeat);
    expect(body.error).toMatchObject({ type: "conflict", code: "idempotency_in_progress" });
    expect(body.error.request_id).toBe(repeat.headers.get("x-request-id"));

    await blocker.query("ROLLBACK");
    const done = await original;
    expect(done.status).toBe(201);
    const doneBody = await done.text();
    const later = await invite(admin.api, key, { email });
    expect(later.headers.get("idempotent-replayed")).toBe("true");
    expect(await later.text()).toBe(doneBody);
    expect(await invitationsTo(email)).toBe(1);
  } finally {
    await blocker.query("ROLLBACK").catch(() => {});
    await blocker.end();
  }
});

/** Polls a condition PostgreSQL reports (not a guess about timing) until it holds. */
async function waitFor(condition: () => Promise<boolean>, what: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
