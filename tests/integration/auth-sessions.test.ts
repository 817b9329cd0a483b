// Sign-in, device sessions and their ends (logout, log out everywhere, password change, account deletion,
// idle timeout, absolute lifetime), cookie attributes, login rate limits, and what an unauthenticated call gets.
import { randomUUID } from "node:crypto";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { type AppServer, startAppServer, TEST_SECRET } from "../helpers/app-server";
import {
  appUrl,
  cookieFetch,
  createPersona,
  createSignedInPersona,
  fetchCsrf,
  json,
  PASSWORD,
  postCredentials,
  signIn,
  tokenFetch,
  uniqueEmail,
  uniqueIp,
  uniqueSlug,
} from "../helpers/fixtures";

const me = (cookie: string) => cookieFetch(cookie)("/api/v1/me");
const statusOf = async (cookie: string) => (await me(cookie)).status;
const sessionIdOf = async (cookie: string): Promise<string> => {
  const sessions = await json(await cookieFetch(cookie)("/api/v1/sessions"));
  return sessions.data.find((s: { current: boolean }) => s.current).id;
};

async function expectUnauthenticated(response: Response, context: string) {
  expect(response.status, context).toBe(401);
  const body = await json(response);
  expect(body.error, context).toMatchObject({ type: "unauthenticated" });
  expect(body.error.request_id, context).toBe(response.headers.get("x-request-id"));
  expect(JSON.stringify(body), context).not.toMatch(/at \w+ \(|node_modules/);
}

describe("ending sessions", () => {
  test("logout through next-auth revokes the device session: the old cookie is refused afterwards", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const cookie = await signIn(persona.email);
    const other = await signIn(persona.email);
    const sessionId = await sessionIdOf(cookie);

    const csrf = await fetchCsrf();
    const out = await fetch(`${appUrl()}/api/auth/signout`, {
      method: "POST",
      redirect: "manual",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        cookie: `${csrf.cookie}; ${cookie}`,
        origin: appUrl(),
      },
      body: new URLSearchParams({ csrfToken: csrf.csrfToken, json: "true" }),
    });
    expect(out.status).toBeLessThan(400);
    expect(out.headers.getSetCookie().some((c) => /^holdfast\.session=;/.test(c))).toBe(true);

    const row = await db().deviceSession.findUniqueOrThrow({ where: { id: sessionId } });
    expect(row.revokedAt).not.toBeNull();
    expect(row.revokedReason).toBe("logout");
    // A copy of the cookie kept by an attacker (the JWT itself is still validly signed) is now worthless.
    await expectUnauthenticated(await me(cookie), "the logged-out cookie");
    expect(await statusOf(other)).toBe(200);
  });

  test('"log out everywhere" ends every session of the caller, this one included, and no one else\'s', async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const stranger = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const devices = [await signIn(persona.email), await signIn(persona.email), await signIn(persona.email)];
    const strangers = await signIn(stranger.email);

    const response = await cookieFetch(devices[0] as string)("/api/v1/sessions", { method: "DELETE" });
    expect(response.status).toBe(200);
    expect((await json(response)).revoked).toBe(3);
    for (const device of devices) await expectUnauthenticated(await me(device), "a device after log out everywhere");
    expect(await statusOf(strangers)).toBe(200);
  });

  test("a password change ends every other session; the old password stops working", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const [laptop, phone, tablet] = [
      await signIn(persona.email),
      await signIn(persona.email),
      await signIn(persona.email),
    ];
    const change = (current: string, next: string) =>
      cookieFetch(laptop)("/api/v1/me/password", {
        method: "POST",
        body: JSON.stringify({ current_password: current, new_password: next }),
      });

    const wrong = await change("not-the-password", "a-brand-new-password");
    expect(wrong.status).toBe(422);
    expect(await statusOf(phone)).toBe(200);

    const changed = await change(PASSWORD, "a-brand-new-password");
    expect(changed.status).toBe(200);
    expect((await json(changed)).revoked_sessions).toBe(2);
    expect(await statusOf(laptop)).toBe(200);
    await expectUnauthenticated(await me(phone), "phone after the password change");
    await expectUnauthenticated(await me(tablet), "tablet after the password change");

    expect((await postCredentials({ email: persona.email, password: PASSWORD })).status).toBe(401);
    expect(await statusOf(await signIn(persona.email, "a-brand-new-password"))).toBe(200);
  });

  test("deleting the account ends all its sessions and it can no longer sign in", async () => {
    const slug = uniqueSlug();
    await createPersona({ workspace: slug, roles: ["admin"] });
    const persona = await createPersona({ workspace: slug, roles: ["member"] });
    const [one, two] = [await signIn(persona.email), await signIn(persona.email)];

    const deleted = await cookieFetch(one)("/api/v1/me", { method: "DELETE" });
    expect(deleted.status).toBe(204);
    await expectUnauthenticated(await me(one), "the deleting device");
    await expectUnauthenticated(await me(two), "the other device");
    expect(await db().deviceSession.count({ where: { userId: persona.userId, revokedAt: null } })).toBe(0);
    expect(await db().membership.count({ where: { userId: persona.userId } })).toBe(0);
    expect((await postCredentials({ email: persona.email })).status).toBe(401);
  });

  test("the last admin of a workspace others still use cannot delete the account until someone else is admin", async () => {
    const [shared, alone] = [uniqueSlug(), uniqueSlug()];
    const admin = await createPersona({ workspace: shared, roles: ["admin"] });
    const member = await createPersona({ workspace: shared, roles: ["member"] });
    await createPersona({ workspace: alone, roles: ["admin"], email: admin.email });
    const cookie = await signIn(admin.email);

    const refused = await cookieFetch(cookie)("/api/v1/me", { method: "DELETE" });
    expect(refused.status).toBe(409);
    const error = (await json(refused)).error;
    expect(error.code).toBe("last_admin");
    expect(error.message).toContain(shared);
    expect(error.message).not.toContain(alone); // alone there: no one is stranded
    expect(await statusOf(cookie)).toBe(200);
    expect(await db().membership.count({ where: { userId: admin.userId } })).toBe(2); // nothing written

    await db().membership.updateMany({ where: { userId: member.userId }, data: { roles: ["member", "admin"] } });
    expect((await cookieFetch(cookie)("/api/v1/me", { method: "DELETE" })).status).toBe(204);
  });

  test("a revoked API token is refused on its next request", async () => {
    const slug = uniqueSlug();
    const admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
    const created = await json(
      await admin.api(`/api/v1/workspaces/${slug}/tokens`, {
        method: "POST",
        body: JSON.stringify({ name: "ci", roles: ["member"] }),
      }),
    );
    const bot = tokenFetch(created.token);
    expect((await bot(`/api/v1/workspaces/${slug}`)).status).toBe(200);
    expect((await admin.api(`/api/v1/workspaces/${slug}/tokens/${created.id}`, { method: "DELETE" })).status).toBe(204);
    await expectUnauthenticated(await bot(`/api/v1/workspaces/${slug}`), "the revoked token");
  });
});

describe("session lifetime", () => {
  const idleMinutes = () => serverEnv().HOLDFAST_SESSION_IDLE_MINUTES;

  test("a session idle for longer than the idle timeout is refused; one just inside it is kept and refreshed", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const idle = await signIn(persona.email);
    const recent = await signIn(persona.email);
    const [idleId, recentId] = [await sessionIdOf(idle), await sessionIdOf(recent)];
    await db().$executeRaw`UPDATE device_sessions SET last_seen_at = now() - make_interval(mins => ${idleMinutes() + 1})
                           WHERE id = ${idleId}::uuid`;
    await db().$executeRaw`UPDATE device_sessions SET last_seen_at = now() - make_interval(mins => ${idleMinutes() - 5})
                           WHERE id = ${recentId}::uuid`;

    await expectUnauthenticated(await me(idle), "the idle session");
    expect(await statusOf(recent)).toBe(200);
    const refreshed = await db().deviceSession.findUniqueOrThrow({ where: { id: recentId } });
    expect(Date.now() - refreshed.lastSeenAt.getTime()).toBeLessThan(60_000);
    // The idle session does not come back to life by being used.
    await expectUnauthenticated(await me(idle), "the idle session, again");
  });

  test("a session past its absolute lifetime is refused however recently it was used", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const cookie = await signIn(persona.email);
    const id = await sessionIdOf(cookie);
    const before = await db().deviceSession.findUniqueOrThrow({ where: { id } });
    expect(before.absoluteExpiresAt.getTime() - Date.now()).toBeGreaterThan(
      (serverEnv().HOLDFAST_SESSION_LIFETIME_DAYS * 24 - 1) * 3600_000,
    );
    await db().$executeRaw`UPDATE device_sessions SET absolute_expires_at = now() - interval '1 second',
                           last_seen_at = now() WHERE id = ${id}::uuid`;
    await expectUnauthenticated(await me(cookie), "the expired session");
  });

  test("concurrent requests of one device refresh its session without a race: all succeed, one row, still live", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const cookie = await signIn(persona.email);
    const id = await sessionIdOf(cookie);
    await db()
      .$executeRaw`UPDATE device_sessions SET last_seen_at = now() - interval '10 minutes' WHERE id = ${id}::uuid`;

    const statuses = await Promise.all(Array.from({ length: 25 }, () => statusOf(cookie)));
    expect(statuses).toEqual(Array(25).fill(200));
    const rows = await db().deviceSession.findMany({ where: { userId: persona.userId } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.revokedAt).toBeNull();
    expect(Date.now() - (rows[0]?.lastSeenAt.getTime() ?? 0)).toBeLessThan(60_000);
    expect(await statusOf(cookie)).toBe(200);
  });
});

describe("cookies", () => {
  const attributes = (setCookie: string) => setCookie.split(";").map((part) => part.trim().toLowerCase());

  test("on http://localhost: HttpOnly and SameSite=Lax, without Secure or a __Host- prefix", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const csrf = await fetchCsrf();
    const signedIn = await postCredentials({ email: persona.email });
    const cookies = [...csrf.setCookies, ...signedIn.headers.getSetCookie()];
    const session = cookies.find((c) => c.startsWith("holdfast.session="));
    expect(session, cookies.join("\n")).toBeDefined();
    for (const cookie of cookies) {
      const parts = attributes(cookie);
      expect(parts, cookie).toContain("httponly");
      expect(parts, cookie).toContain("samesite=lax");
      expect(parts, cookie).not.toContain("secure");
      expect(cookie, cookie).not.toMatch(/^__(Host|Secure)-/);
    }
    expect(attributes(session as string)).toContain("path=/");
  });

  describe("behind https (NEXTAUTH_URL=https://…)", () => {
    let secure: AppServer;
    beforeAll(async () => {
      secure = await startAppServer({
        databaseUrl: inject("databaseUrl"),
        env: { NEXTAUTH_URL: "https://holdfast.example.test" },
      });
    });
    afterAll(async () => {
      await secure?.stop();
    });

    test("the session cookie is __Host-…; Secure; HttpOnly; SameSite=Lax; Path=/, with no Domain", async () => {
      const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
      const csrf = await fetchCsrf(secure.url);
      for (const cookie of csrf.setCookies) {
        expect(cookie).toMatch(/^__(Host|Secure)-/);
        expect(attributes(cookie)).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax"]));
      }
      const response = await postCredentials({ email: persona.email, base: secure.url });
      const session = response.headers.getSetCookie().find((c) => c.startsWith("__Host-holdfast.session="));
      expect(session, `${response.status} ${response.headers.getSetCookie().join("\n")}`).toBeDefined();
      const parts = attributes(session as string);
      expect(parts).toEqual(expect.arrayContaining(["secure", "httponly", "samesite=lax", "path=/"]));
      expect(parts.some((p) => p.startsWith("domain="))).toBe(false);

      const pair = (session as string).split(";")[0] as string;
      expect((await fetch(`${secure.url}/api/v1/me`, { headers: { cookie: pair } })).status).toBe(200);
      // The same token under the unprefixed name is not a session there.
      const unprefixed = pair.replace(/^__Host-/, "");
      expect((await fetch(`${secure.url}/api/v1/me`, { headers: { cookie: unprefixed } })).status).toBe(401);
    });
  });
});

describe("login rate limits", () => {
  test("per account: after the limit even the right password from a new address gets 429 + Retry-After", async () => {
    const limit = serverEnv().HOLDFAST_LOGIN_LIMIT_PER_ACCOUNT;
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    const failures = await Promise.all(
      Array.from({ length: limit }, () => postCredentials({ email: persona.email, password: "wrong-password" })),
    );
    expect(failures.map((r) => r.status)).toEqual(Array(limit).fill(401));

    const limited = await postCredentials({ email: persona.email });
    await expectRateLimited(limited);
    expect(limited.headers.getSetCookie().some((c) => c.startsWith("holdfast.session="))).toBe(false);
    expect(await db().deviceSession.count({ where: { userId: persona.userId } })).toBe(0);
    // Upper-case spelling is the same account.
    await expectRateLimited(await postCredentials({ email: persona.email.toUpperCase() }));

    // Another account is not affected.
    const other = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    expect((await postCredentials({ email: other.email })).status).toBe(200);
  });

  test("per IP (the last X-Forwarded-For entry): exactly the limit gets through concurrently, then 429", async () => {
    const limit = serverEnv().HOLDFAST_LOGIN_LIMIT_PER_IP;
    const ip = uniqueIp();
    const attempts = await Promise.all(
      Array.from({ length: limit + 5 }, () =>
        postCredentials({ email: uniqueEmail("nobody"), headers: { "x-forwarded-for": `203.0.113.9, ${ip}` } }),
      ),
    );
    const limited = attempts.filter((r) => r.status === 429);
    expect(limited).toHaveLength(5);
    for (const response of limited) await expectRateLimited(response);

    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["member"] });
    await expectRateLimited(await postCredentials({ email: persona.email, headers: { "x-forwarded-for": ip } }));
    expect((await postCredentials({ email: persona.email, headers: { "x-forwarded-for": uniqueIp() } })).status).toBe(
      200,
    );
  });

  async function expectRateLimited(response: Response) {
    expect(response.status).toBe(429);
    const retryAfter = Number(response.headers.get("retry-after"));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(serverEnv().HOLDFAST_LOGIN_WINDOW_SECONDS);
    const body = await json(response);
    expect(body.error).toMatchObject({ type: "rate_limited" });
    expect(body.error.request_id).toBe(response.headers.get("x-request-id"));
  }
});

describe("unauthenticated calls", () => {
  test("no credentials, bad cookies and bad tokens all get the 401 envelope, on user and workspace routes", async () => {
    const slug = uniqueSlug();
    const persona = await createPersona({ workspace: slug, roles: ["admin"] });
    const forged = await encode({ token: { sub: persona.userId, sid: randomUUID() }, secret: TEST_SECRET });
    const foreignSecret = await encode({
      token: { sub: persona.userId, sid: randomUUID() },
      secret: "another-secret-0123456789abcdef0123456789",
    });
    const attempts: [string, Record<string, string>][] = [
      ["no credentials", {}],
      ["a garbage cookie", { cookie: "holdfast.session=garbage" }],
      ["a well-signed cookie naming no session", { cookie: `holdfast.session=${forged}` }],
      ["a cookie sealed with another secret", { cookie: `holdfast.session=${foreignSecret}` }],
      ["a garbage bearer token", { authorization: "Bearer garbage" }],
      ["an unknown API token", { authorization: "Bearer hf_0000000000000000000000000000000000000000000" }],
      ["a malformed Authorization header", { authorization: "Basic dXNlcjpwYXNz" }],
    ];
    for (const path of ["/api/v1/me", "/api/v1/sessions", `/api/v1/workspaces/${slug}/members`]) {
      for (const [what, headers] of attempts) {
        await expectUnauthenticated(await fetch(`${appUrl()}${path}`, { headers }), `${path} with ${what}`);
      }
    }
  });

  test("an API token cannot act as a person on /me or /sessions (403)", async () => {
    const persona = await createPersona({ workspace: uniqueSlug(), roles: ["admin"], withToken: true });
    const response = await tokenFetch(persona.token as string)("/api/v1/me");
    expect(response.status).toBe(403);
    expect((await json(response)).error.type).toBe("forbidden");
  });
});
