/**
 * The one way pages call the API. Every failure becomes an `ApiFailure` read from the error envelope
 * (`{error: {type, code, message, request_id}}`) and response headers, so the UI decides on `type`/`code`
 * and status, never on message text. A 401 sends the browser to sign-in (the session was revoked or expired).
 */

export type ApiFailure = {
  ok: false;
  /** HTTP status, or 0 when the request never got an answer (offline, aborted by the network). */
  status: number;
  /** The envelope's type (`validation`, `conflict`, `precondition_failed`, `rate_limited`…), or `network`. */
  type: string;
  code: string;
  message: string;
  requestId: string | null;
  /** Seconds from `Retry-After` on 429/503. */
  retryAfterSeconds: number | null;
  /** The parsed body as sent: a 412 carries the current object here instead of an envelope. */
  body: unknown;
  etag: string | null;
};

export type ApiSuccess<T> = { ok: true; status: number; data: T; etag: string | null; requestId: string | null };
export type ApiOutcome<T> = ApiSuccess<T> | ApiFailure;

export type ApiFetchOptions = {
  method?: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  body?: unknown;
  /** A version number (sent as `"<n>"`) or an ETag as received. */
  ifMatch?: number | string;
  idempotencyKey?: string;
  signal?: AbortSignal;
  /** On 401, go to sign-in and come back here afterwards (default true). */
  redirectOnUnauthenticated?: boolean;
};

type Envelope = { error: { type: string; code: string; message: string; request_id?: string } };

export function isErrorEnvelope(value: unknown): value is Envelope {
  if (typeof value !== "object" || value === null || !("error" in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === "object" &&
    error !== null &&
    typeof (error as Envelope["error"]).type === "string" &&
    typeof (error as Envelope["error"]).code === "string"
  );
}

// Statuses whose body is not an envelope by contract (412 returns the current object).
const FALLBACK_BY_STATUS: Record<number, { type: string; code: string; message: string }> = {
  412: {
    type: "precondition_failed",
    code: "version_mismatch",
    message: "this changed since you loaded it",
  },
};

export async function apiFetch<T>(path: string, options: ApiFetchOptions = {}): Promise<ApiOutcome<T>> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (options.body !== undefined) headers["content-type"] = "application/json";
  if (options.ifMatch !== undefined) {
    headers["if-match"] = typeof options.ifMatch === "number" ? `"${options.ifMatch}"` : options.ifMatch;
  }
  if (options.idempotencyKey) headers["idempotency-key"] = options.idempotencyKey;

  let response: Response;
  try {
    response = await fetch(path, {
      method: options.method ?? "GET",
      headers,
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
      credentials: "same-origin",
      cache: "no-store",
      signal: options.signal,
    });
  } catch (error) {
    if (options.signal?.aborted) throw error;
    return networkFailure();
  }

  const requestId = response.headers.get("x-request-id");
  const etag = response.headers.get("etag");
  const body = await readBody(response);
  if (response.ok) return { ok: true, status: response.status, data: body as T, etag, requestId };

  const retryAfter = Number(response.headers.get("retry-after"));
  const envelope = isErrorEnvelope(body) ? body.error : null;
  const fallback = FALLBACK_BY_STATUS[response.status] ?? {
    type: "unknown",
    code: `http_${response.status}`,
    message: `the server answered ${response.status}`,
  };
  const failure: ApiFailure = {
    ok: false,
    status: response.status,
    type: envelope?.type ?? fallback.type,
    code: envelope?.code ?? fallback.code,
    message: envelope?.message ?? fallback.message,
    requestId: envelope?.request_id ?? requestId,
    retryAfterSeconds: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : null,
    body,
    etag,
  };
  if (failure.status === 401 && options.redirectOnUnauthenticated !== false) goToSignIn();
  return failure;
}

export function networkFailure(): ApiFailure {
  return {
    ok: false,
    status: 0,
    type: "network",
    code: "network_error",
    message: "could not reach Holdfast; check your connection and try again",
    requestId: null,
    retryAfterSeconds: null,
    body: null,
    etag: null,
  };
}

async function readBody(response: Response): Promise<unknown> {
  if (response.status === 204) return null;
  const text = await response.text().catch(() => "");
  if (!text) return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Full navigation to sign-in (the session ended), returning to the current page afterwards. */
export function goToSignIn() {
  if (typeof window === "undefined") return;
  const here = `${window.location.pathname}${window.location.search}`;
  window.location.assign(`/signin?callbackUrl=${encodeURIComponent(here)}&reason=session_ended`);
}

/**
 * A fresh Idempotency-Key. `crypto.randomUUID` exists only in secure contexts (https, localhost), so plain-http
 * LAN access from a phone falls back to `getRandomValues`, which exists everywhere.
 */
export function newIdempotencyKey(): string {
  if (typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
