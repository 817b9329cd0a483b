import { randomBytes } from "node:crypto";
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

/**
 * Signs in through next-auth's real HTTP flow (csrf token, then the credentials callback) and returns the
 * session cookie header, as a browser would hold it.
 */
export async function signIn(
  email: string,
  password = PASSWORD,
  headers: Record<string, string> = {},
): Promise<string> {
  const base = appUrl();
  const csrf = await fetch(`${base}/api/auth/csrf`);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const csrfCookie = csrf.headers
    .getSetCookie()
    .map((c) => c.split(";")[0])
    .join("; ");
  const response = await fetch(`${base}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", cookie: csrfCookie, origin: base, ...headers },
    body: new URLSearchParams({ csrfToken, email, password, json: "true" }),
  });
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
