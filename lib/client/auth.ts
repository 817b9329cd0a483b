import { type ApiFailure, isErrorEnvelope, networkFailure } from "./api";

/**
 * Sign-in and sign-out through next-auth's own HTTP endpoints, called directly rather than through
 * `next-auth/react`'s `signIn()`: our login rate limiter answers the credentials callback with a 429 JSON
 * envelope (+ Retry-After), and `signIn()` reads only `data.url` from the body — on a 429 it throws a TypeError
 * and the status and retry time are lost. Doing the two requests ourselves (GET csrf, POST the form with
 * `json=true`) keeps the whole answer: 200 + `{url}` signed in, 401 + `{url: …?error=CredentialsSignin}` wrong
 * email or password, 429 + envelope rate limited.
 */
export type SignInResult =
  | { ok: true }
  | { ok: false; reason: "invalid_credentials" }
  | { ok: false; reason: "rate_limited"; retryAfterSeconds: number; failure: ApiFailure }
  | { ok: false; reason: "error"; failure: ApiFailure };

async function csrfToken(): Promise<string | null> {
  const response = await fetch("/api/auth/csrf", { credentials: "same-origin", cache: "no-store" });
  if (!response.ok) return null;
  const body = (await response.json().catch(() => null)) as { csrfToken?: string } | null;
  return body?.csrfToken ?? null;
}

export async function signInWithPassword(email: string, password: string): Promise<SignInResult> {
  try {
    const token = await csrfToken();
    if (!token) return { ok: false, reason: "error", failure: networkFailure() };
    const response = await fetch("/api/auth/callback/credentials", {
      method: "POST",
      credentials: "same-origin",
      headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
      body: new URLSearchParams({ csrfToken: token, email, password, callbackUrl: "/", json: "true" }),
    });
    const body = (await response.json().catch(() => null)) as unknown;
    const requestId = response.headers.get("x-request-id");
    if (isErrorEnvelope(body)) {
      const retryAfter = Number(response.headers.get("retry-after"));
      const failure: ApiFailure = {
        ok: false,
        status: response.status,
        type: body.error.type,
        code: body.error.code,
        message: body.error.message,
        requestId: body.error.request_id ?? requestId,
        retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
        body,
        etag: null,
      };
      if (failure.type === "rate_limited") {
        return { ok: false, reason: "rate_limited", retryAfterSeconds: failure.retryAfterSeconds ?? 60, failure };
      }
      return { ok: false, reason: "error", failure };
    }
    const url = typeof (body as { url?: unknown } | null)?.url === "string" ? (body as { url: string }).url : null;
    const error = url ? new URL(url, window.location.origin).searchParams.get("error") : null;
    if (response.status === 401 || error === "CredentialsSignin") return { ok: false, reason: "invalid_credentials" };
    if (response.ok && url && !error && !new URL(url, window.location.origin).searchParams.has("csrf")) {
      return { ok: true };
    }
    return {
      ok: false,
      reason: "error",
      failure: {
        ...networkFailure(),
        status: response.status,
        type: "unknown",
        code: error ?? `http_${response.status}`,
        message: "sign-in did not complete; please try again",
        requestId,
      },
    };
  } catch {
    return { ok: false, reason: "error", failure: networkFailure() };
  }
}

/** Ends this device session on the server (next-auth's signOut event revokes the row), then leaves. */
export async function signOut(destination = "/signin"): Promise<void> {
  try {
    const token = await csrfToken();
    if (token) {
      await fetch("/api/auth/signout", {
        method: "POST",
        credentials: "same-origin",
        headers: { "content-type": "application/x-www-form-urlencoded", accept: "application/json" },
        body: new URLSearchParams({ csrfToken: token, callbackUrl: destination, json: "true" }),
      });
    }
  } finally {
    window.location.assign(destination);
  }
}
