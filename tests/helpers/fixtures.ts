import { randomBytes, randomInt } from "node:crypto";
import { inject } from "vitest";
import type { Role } from "@/lib/db";
import { seedUser } from "@/lib/identity/seed-user";

export const appUrl = () => inject("appUrl");
export const uniqueSlug = (prefix = "ws") => `${prefix}-${randomBytes(4).toString("hex")}`;
export const uniqueEmail = (prefix = "user") => `${prefix}-${randomBytes(4).toString("hex")}@example.test`;
export const PASSWORD = "correct-horse-battery";

export type Persona = { email: string; password: string; userId: string; workspace: string; token?: string };

/** A user with `roles` in `workspace` (created if needed), optionally with an API token of those roles. */
export async function createPersona(input: {
  workspace: string;
  roles: Role[];
  withToken?: boolean;
  email?: string;
}): Promise<Persona> {
  const email = input.email ?? uniqueEmail(input.roles.join("-"));
  const result = await seedUser({
    email,
    password: PASSWORD,
    workspace: input.workspace,
    roles: input.roles,
    withToken: !!input.withToken,
  });
  return { email, password: PASSWORD, userId: result.user_id, workspace: result.workspace, token: result.token };
}

/** A random private address to send as X-Forwarded-For, so login rate-limit buckets of different tests never meet. */
export const uniqueIp = () => `10.${randomInt(256)}.${randomInt(256)}.${randomInt(1, 255)}`;

/** A fresh Idempotency-Key. */
export const idempotencyKey = (prefix = "idem") => `${prefix}-${randomBytes(8).toString("hex")}`;

/** next-auth's CSRF token and the cookies that go with it, as a browser would hold them after GET /api/auth/csrf. */
export async function fetchCsrf(base = appUrl()): Promise<{ csrfToken: string; cookie: string; setCookies: string[] }> {
  const response = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await response.json()) as { csrfToken: string };
  const setCookies = response.headers.getSetCookie();
  return { csrfToken, cookie: setCookies.map((c) => c.split(";")[0]).join("; "), setCookies };
}

/**
 * POSTs the credentials form exactly as the sign-in page does (csrf token, then the credentials callback) and
 * returns the raw response. Each call comes from its own X-Forwarded-For address unless `headers` names one.
 */
export async function postCredentials(input: {
  email: string;
  password?: string;
  headers?: Record<string, string>;
  base?: string;
}): Promise<Response> {
  const base = input.base ?? appUrl();
  const csrf = await fetchCsrf(base);
  return fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      cookie: csrf.cookie,
      origin: base,
      "x-forwarded-for": uniqueIp(),
      ...input.headers,
    },
    body: new URLSearchParams({
      csrfToken: csrf.csrfToken,
      email: input.email,
      password: input.password ?? PASSWORD,
      json: "true",
    }),
  });
}

/**
 * Signs in through next-auth's real HTTP flow (csrf token, then the credentials callback) and returns the
 * session cookie header, as a browser would hold it. Unless `headers` sets X-Forwarded-For, each sign-in comes
 * from its own address, so the per-IP login limit of one test never throttles another.
 */
export async function signIn(
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<string> {
  const response = await postCredentials({ email, password, headers });
  const session = response.headers.getSetCookie().find((c) => c.startsWith("holdfast.session="));
  if (!session) throw new Error(`sign-in failed for ${email}: HTTP ${response.status}`);
  return session.split(";")[0] as string;
}

/** fetch against the app with a session cookie, sending our Origin on writes as a browser would. */
export function cookieFetch(cookie: string) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${appUrl()}${path}`, {
      ...init,
      headers: {
        cookie,
        origin: appUrl(),
        "content-type": "application/json",
        ...(init.headers as Record<string, string>),
      },
    });
}

/** fetch against the app with an API token. */
export function tokenFetch(token: string) {
  return (path: string, init: RequestInit = {}) =>
    fetch(`${appUrl()}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${token}`,
        "content-type": "application/json",
        ...(init.headers as Record<string, string>),
      },
    });
}

export type ApiFetch = (path: string, init?: RequestInit) => Promise<Response>;
export type SignedInPersona = Persona & { cookie: string; api: ApiFetch; tokenApi?: ApiFetch };

/** createPersona + signIn: a person with `roles` in `workspace`, a browser session and (optionally) a token. */
export async function createSignedInPersona(input: {
  workspace: string;
  roles: Role[];
  withToken?: boolean;
  email?: string;
}): Promise<SignedInPersona> {
  const persona = await createPersona(input);
  const cookie = await signIn(persona.email);
  return {
    ...persona,
    cookie,
    api: cookieFetch(cookie),
    tokenApi: persona.token ? tokenFetch(persona.token) : undefined,
  };
}

/** The JSON body of a response, typed loosely for assertions. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions read arbitrary JSON
export const json = async (response: Response): Promise<any> => JSON.parse(await response.text());
