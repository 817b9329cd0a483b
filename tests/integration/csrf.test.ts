// CSRF: a cookie-authenticated state-changing request is refused unless its Origin is our own — a foreign
// Origin, `Origin: null` and no Origin at all are all 403 and change nothing. Bearer-token calls carry no
// ambient credentials and are exempt. next-auth's own POSTs are held to the same rule.
import { beforeAll, describe, expect, test } from "vitest";
import { db } from "@/lib/db";
import { userDigest, workspaceDigest } from "../helpers/digest";
import {
  appUrl,
  createPersona,
  createSignedInPersona,
  fetchCsrf,
  idempotencyKey,
  json,
  postCredentials,
  type SignedInPersona,
  tokenFetch,
  uniqueEmail,
  uniqueSlug,
} from "../helpers/fixtures";

let slug: string;
let admin: SignedInPersona;
let token: string;
let workspaceId: string;

beforeAll(async () => {
  slug = uniqueSlug("csrf");
  admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  token = (await createPersona({ workspace: slug, roles: ["admin"], withToken: true })).token as string;
  workspaceId = (await db().workspace.findUniqueOrThrow({ where: { slug } })).id;
});

const digest = async () => ({
  workspace: await workspaceDigest(workspaceId),
  user: await userDigest(admin.userId),
  workspaces: await db().workspace.count(),
});

const BAD_ORIGINS: [string, Record<string, string>][] = [
  ["a foreign Origin", { origin: "https://evil.example" }],
  ["a look-alike Origin", { origin: `${appUrl()}.evil.example` }],
  ["Origin: null", { origin: "null" }],
  ["no Origin", {}],
];

/** Cookie-authenticated writes, each with what it would change. */
const writes = () => [
  {
    what: "create an API token",
    path: `/api/v1/workspaces/${slug}/tokens`,
    init: { method: "POST", body: JSON.stringify({ name: "csrf", roles: ["admin"] }) },
  },
  {
    what: "invite someone",
    path: `/api/v1/workspaces/${slug}/invitations`,
    init: {
      method: "POST",
      headers: { "idempotency-key": idempotencyKey() },
      body: JSON.stringify({ email: uniqueEmail("csrf"), roles: ["admin"] }),
    },
  },
  { what: "log out everywhere", path: "/api/v1/sessions", init: { method: "DELETE" } },
  { what: "delete the account", path: "/api/v1/me", init: { method: "DELETE" } },
  {
    what: "create a workspace",
    path: "/api/v1/workspaces",
    init: { method: "POST", body: JSON.stringify({ name: "csrf", slug: uniqueSlug("csrf-new") }) },
  },
  {
    what: "change the password",
    path: "/api/v1/me/password",
    init: {
      method: "POST",
      body: JSON.stringify({ current_password: admin.password, new_password: "attacker-chosen-password" }),
    },
  },
];

describe("cookie-authenticated writes", () => {
  for (const [label, originHeader] of BAD_ORIGINS) {
    test(`with ${label} are refused with 403 and change nothing`, async () => {
      for (const { what, path, init } of writes()) {
        const before = await digest();
        const response = await fetch(`${appUrl()}${path}`, {
          ...init,
          headers: { "content-type": "application/json", cookie: admin.cookie, ...init.headers, ...originHeader },
        });
        const context = `${what} with ${label}`;
        expect(response.status, context).toBe(403);
        const body = await json(response);
        expect(body.error, context).toMatchObject({ type: "forbidden", code: "cross_site_request" });
        expect(body.error.request_id, context).toBe(response.headers.get("x-request-id"));
        expect(await digest(), `${context}: nothing may change`).toEqual(before);
      }
      expect((await admin.api("/api/v1/me")).status, "the session survived").toBe(200);
    });
  }

  test("with our own Origin are accepted (the control)", async () => {
    const response = await admin.api(`/api/v1/workspaces/${slug}/tokens`, {
      method: "POST",
      body: JSON.stringify({ name: "same-origin", roles: ["member"] }),
    });
    expect(response.status).toBe(201);
  });

  test("reads need no Origin", async () => {
    const response = await fetch(`${appUrl()}/api/v1/workspaces/${slug}/members`, {
      headers: { cookie: admin.cookie },
    });
    expect(response.status).toBe(200);
  });
});

test("the same write with a Bearer token and no Origin is accepted", async () => {
  const bot = tokenFetch(token);
  const created = await bot(`/api/v1/workspaces/${slug}/tokens`, {
    method: "POST",
    body: JSON.stringify({ name: "from-a-script", roles: ["member"] }),
  });
  expect(created.status).toBe(201);
  const invited = await bot(`/api/v1/workspaces/${slug}/invitations`, {
    method: "POST",
    headers: { "idempotency-key": idempotencyKey() },
    body: JSON.stringify({ email: uniqueEmail("bearer") }),
  });
  expect(invited.status).toBe(201);
});

describe("next-auth POSTs", () => {
  test("sign-in with a foreign, null or missing Origin is refused and creates no session", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    for (const [label, originHeader] of BAD_ORIGINS) {
      const csrf = await fetchCsrf();
      const response = await fetch(`${appUrl()}/api/auth/callback/credentials`, {
        method: "POST",
        redirect: "manual",
        headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrf.cookie, ...originHeader },
        body: new URLSearchParams({ csrfToken: csrf.csrfToken, email: persona.email, password: persona.password }),
      });
      expect(response.status, label).toBe(403);
      expect((await json(response)).error.code, label).toBe("cross_site_request");
      expect(
        response.headers.getSetCookie().some((c) => c.includes("holdfast.session=")),
        label,
      ).toBe(false);
    }
    expect(await db().deviceSession.count({ where: { userId: persona.userId } })).toBe(0);
    expect((await postCredentials({ email: persona.email })).status, "the control").toBe(200);
  });

  test("sign-out with a foreign, null or missing Origin is refused and the session lives on", async () => {
    const persona = await createSignedInPersona({ workspace: uniqueSlug(), roles: ["member"] });
    for (const [label, originHeader] of BAD_ORIGINS) {
      const csrf = await fetchCsrf();
      const response = await fetch(`${appUrl()}/api/auth/signout`, {
        method: "POST",
        redirect: "manual",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          cookie: `${csrf.cookie}; ${persona.cookie}`,
          ...originHeader,
        },
        body: new URLSearchParams({ csrfToken: csrf.csrfToken, json: "true" }),
      });
      expect(response.status, label).toBe(403);
    }
    expect((await persona.api("/api/v1/me")).status).toBe(200);
    expect(await db().deviceSession.count({ where: { userId: persona.userId, revokedAt: { not: null } } })).toBe(0);
  });
});
