// X-Request-Id on every response (API, errors, next-auth, pages), reuse of a well-formed incoming id, and the
// request_logs row written under that id.
import { randomBytes } from "node:crypto";
import { beforeAll, expect, test } from "vitest";
import { db } from "@/lib/db";
import { waitFor } from "../engine-support/harness";
import {
  appUrl,
  createSignedInPersona,
  fetchCsrf,
  json,
  type SignedInPersona,
  uniqueIp,
  uniqueSlug,
} from "../helpers/fixtures";

const WELL_FORMED = /^[A-Za-z0-9._:-]{1,128}$/;
const freshId = (prefix = "rid") => `${prefix}-${randomBytes(6).toString("hex")}`;

let slug: string;
let admin: SignedInPersona;

beforeAll(async () => {
  slug = uniqueSlug("rid");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
});

/** Requests of every kind the app answers; each must carry an X-Request-Id back. */
const probes = (): [string, () => Promise<Response>][] => [
  ["health", () => fetch(`${appUrl()}/api/health`)],
  ["an authenticated API read", () => admin.api("/api/v1/me")],
  ["a 401", () => fetch(`${appUrl()}/api/v1/me`)],
  ["a 404 workspace", () => admin.api("/api/v1/workspaces/does-not-exist-anywhere")],
  ["a 400", () => admin.api(`/api/v1/workspaces/${slug}/members?limit=0`)],
  [
    "a 403 cross-site write",
    () => fetch(`${appUrl()}/api/v1/sessions`, { method: "DELETE", headers: { cookie: admin.cookie } }),
  ],
  ["next-auth csrf", () => fetch(`${appUrl()}/api/auth/csrf`)],
  ["next-auth session", () => fetch(`${appUrl()}/api/auth/session`, { headers: { cookie: admin.cookie } })],
  [
    "a refused next-auth POST",
    () =>
      fetch(`${appUrl()}/api/auth/callback/credentials`, {
        method: "POST",
        headers: { origin: "https://evil.example" },
      }),
  ],
  ["an unknown API path", () => fetch(`${appUrl()}/api/v1/no-such-thing`)],
  ["a page", () => fetch(`${appUrl()}/`)],
];

test("every response carries a well-formed X-Request-Id, and each request gets its own", async () => {
  const seen = new Set<string>();
  for (const [what, send] of probes()) {
    const response = await send();
    const id = response.headers.get("x-request-id");
    expect(id, what).toMatch(WELL_FORMED);
    expect(seen.has(id as string), `${what}: ids are not reused across requests`).toBe(false);
    seen.add(id as string);
  }
});

test("a well-formed incoming X-Request-Id is reused everywhere: header, error envelope, next-auth", async () => {
  for (const id of [freshId(), `a.B_c:${randomBytes(4).toString("hex")}-9`, `x${"y".repeat(127)}`.slice(0, 128)]) {
    const response = await fetch(`${appUrl()}/api/v1/me`, { headers: { "x-request-id": id } });
    expect(response.headers.get("x-request-id")).toBe(id);
    expect((await json(response)).error.request_id).toBe(id);
  }
  const auth = freshId("auth");
  expect(
    (await fetch(`${appUrl()}/api/auth/csrf`, { headers: { "x-request-id": auth } })).headers.get("x-request-id"),
  ).toBe(auth);
});

test("a malformed incoming X-Request-Id is replaced by a new one", async () => {
  for (const bad of ["has space", "semi;colon", "slash/id", "x".repeat(129), 'quote"d', "{json}"]) {
    const response = await fetch(`${appUrl()}/api/v1/me`, { headers: { "x-request-id": bad } });
    const id = response.headers.get("x-request-id");
    expect(id, JSON.stringify(bad)).toMatch(WELL_FORMED);
    expect(id).not.toBe(bad);
    expect((await json(response)).error.request_id).toBe(id);
  }
});

test("each API request writes one request_logs row under its id: who, where, what, how long", async () => {
  const ok = freshId("log-ok");
  const response = await admin.api(`/api/v1/workspaces/${slug}/members`, { headers: { "x-request-id": ok } });
  expect(response.status).toBe(200);
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug } });
  // The row is written just after the response is sent (next/server `after`): wait for it to appear.
  const rows = await waitFor("the request_logs row", async () => {
    const found = await db().requestLog.findMany({ where: { requestId: ok } });
    return found.length > 0 ? found : undefined;
  });
  expect(rows).toHaveLength(1);
  expect(rows[0]).toMatchObject({
    method: "GET",
    route: `/api/v1/workspaces/${slug}/members`,
    status: 200,
    workspaceId: workspace.id,
    userId: admin.userId,
    errorCode: null,
  });
  expect(rows[0]?.durationMs).toBeGreaterThanOrEqual(0);

  const failed = freshId("log-401");
  await fetch(`${appUrl()}/api/v1/me`, { headers: { "x-request-id": failed, "x-forwarded-for": uniqueIp() } });
  const failedRows = await waitFor("the failed request's request_logs row", async () => {
    const found = await db().requestLog.findMany({ where: { requestId: failed } });
    return found.length > 0 ? found : undefined;
  });
  expect(failedRows).toHaveLength(1);
  expect(failedRows[0]).toMatchObject({ status: 401, errorCode: "unauthenticated", userId: null });
});

test("next-auth keeps the id it was given through its own flow", async () => {
  const csrf = await fetchCsrf();
  const id = freshId("signin");
  const response = await fetch(`${appUrl()}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: csrf.cookie,
      origin: appUrl(),
      "x-request-id": id,
      "x-forwarded-for": uniqueIp(),
    },
    body: new URLSearchParams({ csrfToken: csrf.csrfToken, email: admin.email, password: "wrong", json: "true" }),
  });
  expect(response.status).toBe(401);
  expect(response.headers.get("x-request-id")).toBe(id);
});
