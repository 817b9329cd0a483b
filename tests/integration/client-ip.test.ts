import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { type AppServer, startAppServer } from "../helpers/app-server";
import { createTestDatabase } from "../helpers/database";
import { uniqueEmail } from "../helpers/fixtures";

// With no trusted proxy in front (the default of `npm start`), the per-IP sign-in limit keys on the socket
// address: a client that invents a new X-Forwarded-For for every attempt is still one client.

let server: AppServer;

beforeAll(async () => {
  // Its own database: the per-IP buckets of the shared one already count the rest of the suite's sign-ins.
  server = await startAppServer({
    databaseUrl: await createTestDatabase(inject("pgAdminUrl"), "client_ip"),
    env: { HOLDFAST_TRUSTED_PROXIES: "0", HOLDFAST_LOGIN_LIMIT_PER_IP: "3", HOLDFAST_LOGIN_LIMIT_PER_ACCOUNT: "100" },
  });
});

afterAll(async () => {
  await server?.stop();
});

async function attemptSignIn(spoofedIp: string): Promise<number> {
  const csrf = await fetch(`${server.url}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const cookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${server.url}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie,
      origin: server.url,
      "x-forwarded-for": spoofedIp,
    },
    body: new URLSearchParams({ csrfToken, email: uniqueEmail("spoof"), password: "wrong-password", json: "true" }),
  });
  return response.status;
}

test("a spoofed X-Forwarded-For does not buy a fresh per-IP sign-in budget", async () => {
  const statuses: number[] = [];
  for (let i = 0; i < 4; i++) statuses.push(await attemptSignIn(`203.0.113.${i + 1}`));
  expect(statuses.slice(0, 3).every((status) => status !== 429)).toBe(true);
  expect(statuses[3]).toBe(429);
});
