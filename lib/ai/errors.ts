import {
  APICallError,
  EmptyResponseBodyError,
  InvalidResponseDataError,
  JSONParseError,
  LoadAPIKeyError,
  NoSuchModelError,
  RetryError,
} from "ai";
import { ApiError, type ErrorType } from "@/lib/http/errors";

/**
 * What went wrong with a model call, in Holdfast's words. `type` is the error-catalogue type the API answers
 * with; `kind` is the finer reason the retry policy and the degraded mode look at; `retriable` is the verdict.
 */
export type ProviderErrorKind =
  | "rate_limited"
  | "quota_exhausted"
  | "server_error"
  | "network"
  | "timeout"
  | "canceled"
  | "bad_request"
  | "auth"
  | "not_found"
  | "unknown";

const KIND_POLICY: Record<ProviderErrorKind, { type: ErrorType; code: string; retriable: boolean }> = {
  rate_limited: { type: "provider_unavailable", code: "provider_rate_limited", retriable: true },
  // OpenAI answers 429 `insufficient_quota` when the account is out of credit: waiting does not help.
  quota_exhausted: { type: "provider_unavailable", code: "provider_quota_exhausted", retriable: false },
  server_error: { type: "provider_unavailable", code: "provider_error", retriable: true },
  network: { type: "provider_unavailable", code: "provider_unreachable", retriable: true },
  timeout: { type: "timeout", code: "provider_timeout", retriable: true },
  // Not a failure: the caller (user, cancel API, run deadline owner) stopped the call on purpose.
  canceled: { type: "conflict", code: "generation_canceled", retriable: false },
  bad_request: { type: "unprocessable", code: "provider_rejected_request", retriable: false },
  // The server's key or endpoint is wrong: an operator problem, never reported as the user's own auth failure.
  auth: { type: "provider_unavailable", code: "provider_auth_failed", retriable: false },
  not_found: { type: "provider_unavailable", code: "provider_model_not_found", retriable: false },
  unknown: { type: "internal", code: "provider_error_unknown", retriable: false },
};

export class ProviderError extends ApiError {
  readonly kind: ProviderErrorKind;
  readonly retriable: boolean;
  /** How long the provider asked us to wait (Retry-After / retry-after-ms), when it said so. */
  readonly retryAfterMs?: number;
  /** The provider's HTTP status, when there was a response. */
  readonly providerStatus?: number;

  constructor(input: {
    kind: ProviderErrorKind;
    message: string;
    code?: string;
    retryAfterMs?: number;
    providerStatus?: number;
    cause?: unknown;
  }) {
    const policy = KIND_POLICY[input.kind];
    const headers: Record<string, string> =
      input.retryAfterMs !== undefined ? { "Retry-After": String(Math.ceil(input.retryAfterMs / 1000)) } : {};
    super(policy.type, input.code ?? policy.code, input.message, { headers });
    this.name = "ProviderError";
    this.kind = input.kind;
    this.retriable = policy.retriable;
    this.retryAfterMs = input.retryAfterMs;
    this.providerStatus = input.providerStatus;
    if (input.cause !== undefined) this.cause = input.cause;
  }
}

export function isProviderError(error: unknown): error is ProviderError {
  return error instanceof ProviderError;
}

/** Maps an HTTP status from the provider to a kind: 408/409/429/5xx retry, the other 4xx do not. */
export function kindOfStatus(status: number, body?: unknown): ProviderErrorKind {
  if (status === 429) return mentionsInsufficientQuota(body) ? "quota_exhausted" : "rate_limited";
  if (status === 408) return "timeout";
  if (status === 409 || status >= 500) return "server_error";
  if (status === 401 || status === 403) return "auth";
  if (status === 404) return "not_found";
  if (status >= 400) return "bad_request";
  return "unknown";
}

function mentionsInsufficientQuota(body: unknown): boolean {
  return typeof body === "string" && body.includes("insufficient_quota");
}

/** `retry-after-ms` (OpenAI) wins over `retry-after` (seconds or an HTTP date). */
export function parseRetryAfterMs(
  headers: Record<string, string | undefined> | Headers | undefined,
  now = Date.now(),
): number | undefined {
  if (!headers) return undefined;
  const read = (name: string) =>
    headers instanceof Headers
      ? (headers.get(name) ?? undefined)
      : (headers[name] ?? Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1]);
  const milliseconds = Number.parseFloat(read("retry-after-ms") ?? "");
  if (Number.isFinite(milliseconds) && milliseconds >= 0) return Math.round(milliseconds);
  const raw = read("retry-after")?.trim();
  if (!raw) return undefined;
  if (/^\d+(\.\d+)?$/.test(raw)) return Math.round(Number.parseFloat(raw) * 1000);
  const date = Date.parse(raw);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

const NETWORK_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "UND_ERR_SOCKET",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CLOSED",
]);

function isNetworkFailure(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 4) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === "string" && NETWORK_CODES.has(code)) return true;
  if (error instanceof TypeError && /fetch failed|failed to fetch|terminated|network/i.test(error.message)) return true;
  return isNetworkFailure((error as { cause?: unknown }).cause, depth + 1);
}

/** Errors that OpenAI-compatible servers put inside a 200 stream: `{ type: "server_error", code, message }`. */
function kindOfInStreamError(error: object): ProviderErrorKind | undefined {
  const { type, code } = error as { type?: unknown; code?: unknown };
  const words = [type, code].filter((value): value is string => typeof value === "string").join(" ");
  if (!words) return undefined;
  if (/insufficient_quota/.test(words)) return "quota_exhausted";
  if (/rate_limit/.test(words)) return "rate_limited";
  if (/server_error|overloaded|unavailable|timeout/.test(words)) return "server_error";
  if (/invalid_request|invalid_/.test(words)) return "bad_request";
  if (/auth|permission/.test(words)) return "auth";
  return "server_error";
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (error && typeof error === "object" && typeof (error as { message?: unknown }).message === "string")
    return (error as { message: string }).message;
  return String(error);
}

/**
 * Classifies anything a model call can throw (AI SDK errors, fetch/undici errors, aborts, in-stream error
 * objects) into a ProviderError. Idempotent: a ProviderError comes back unchanged.
 */
export function classifyProviderError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (RetryError.isInstance(error)) return classifyProviderError(error.lastError);
  if (APICallError.isInstance(error)) {
    if (error.statusCode === undefined) {
      return new ProviderError({ kind: "network", message: `provider unreachable: ${error.message}`, cause: error });
    }
    const kind = kindOfStatus(error.statusCode, error.responseBody);
    return new ProviderError({
      kind,
      message: `provider answered ${error.statusCode}: ${error.message}`,
      providerStatus: error.statusCode,
      retryAfterMs: KIND_POLICY[kind].retriable ? parseRetryAfterMs(error.responseHeaders) : undefined,
      cause: error,
    });
  }
  if (LoadAPIKeyError.isInstance(error))
    return new ProviderError({ kind: "auth", message: "no provider API key configured", cause: error });
  if (NoSuchModelError.isInstance(error))
    return new ProviderError({ kind: "not_found", message: error.message, cause: error });
  if (error instanceof Error && error.name === "TimeoutError")
    return new ProviderError({ kind: "timeout", message: "the provider did not answer in time", cause: error });
  if (error instanceof Error && (error.name === "AbortError" || error.name === "ResponseAborted"))
    return new ProviderError({ kind: "canceled", message: "the model call was canceled", cause: error });
  if (isNetworkFailure(error))
    return new ProviderError({ kind: "network", message: `provider unreachable: ${messageOf(error)}`, cause: error });
  // A truncated or garbled body is usually a proxy or an overloaded server: worth another try.
  if (
    JSONParseError.isInstance(error) ||
    EmptyResponseBodyError.isInstance(error) ||
    InvalidResponseDataError.isInstance(error)
  )
    return new ProviderError({
      kind: "server_error",
      message: `malformed provider response: ${error.message}`,
      cause: error,
    });
  if (error && typeof error === "object" && !(error instanceof Error)) {
    const kind = kindOfInStreamError(error);
    if (kind) return new ProviderError({ kind, message: `provider stream error: ${messageOf(error)}`, cause: error });
  }
  return new ProviderError({ kind: "unknown", message: `model call failed: ${messageOf(error)}`, cause: error });
}

export type BackoffOptions = {
  /** The first retry waits up to this long (full jitter: uniformly between 0 and the ceiling). */
  baseMs?: number;
  /** The exponential ceiling never passes this. */
  capMs?: number;
  /** A provider's Retry-After is honoured as a floor, up to this long. */
  maxRetryAfterMs?: number;
  retryAfterMs?: number;
  /** Injected for tests; defaults to Math.random. */
  random?: () => number;
};

export const DEFAULT_BACKOFF = { baseMs: 500, capMs: 30_000, maxRetryAfterMs: 60_000 } as const;

/**
 * Delay before retry number `attempt` (1 = first retry): full jitter over min(cap, base·2^(attempt−1)),
 * so that many clients hit by the same outage spread out instead of retrying in lockstep.
 */
export function computeBackoffMs(attempt: number, options: BackoffOptions = {}): number {
  const baseMs = options.baseMs ?? DEFAULT_BACKOFF.baseMs;
  const capMs = options.capMs ?? DEFAULT_BACKOFF.capMs;
  const random = options.random ?? Math.random;
  const exponent = Math.min(Math.max(attempt, 1) - 1, 30);
  const ceiling = Math.min(capMs, baseMs * 2 ** exponent);
  const jittered = Math.floor(random() * ceiling);
  if (options.retryAfterMs === undefined) return jittered;
  const maxRetryAfterMs = options.maxRetryAfterMs ?? DEFAULT_BACKOFF.maxRetryAfterMs;
  return Math.min(Math.max(options.retryAfterMs, jittered), Math.max(maxRetryAfterMs, capMs));
}

export type RetryOptions = BackoffOptions & {
  /** Attempts in total, the first included. */
  maxAttempts?: number;
  /** Give up rather than sleep past this many ms from the first attempt. */
  totalTimeoutMs?: number;
  signal?: AbortSignal;
  onRetry?: (info: { error: ProviderError; attempt: number; delayMs: number }) => void;
};

/**
 * Runs `call` until it succeeds, fails non-retriably, runs out of attempts or time, or `signal` aborts.
 * Throws the classified ProviderError. Only for calls that are safe to repeat: a stream that already
 * delivered text must not be retried blindly (its text would be duplicated).
 */
export async function retryProviderCall<T>(
  call: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T> {
  const maxAttempts = options.maxAttempts ?? 3;
  const startedAt = Date.now();
  for (let attempt = 1; ; attempt++) {
    try {
      if (options.signal?.aborted) throw options.signal.reason ?? abortError();
      return await call(attempt);
    } catch (raw) {
      const error = options.signal?.aborted
        ? new ProviderError({ kind: "canceled", message: "the model call was canceled", cause: raw })
        : classifyProviderError(raw);
      if (!error.retriable || attempt >= maxAttempts) throw error;
      const delayMs = computeBackoffMs(attempt, { ...options, retryAfterMs: error.retryAfterMs });
      if (options.totalTimeoutMs !== undefined && Date.now() - startedAt + delayMs > options.totalTimeoutMs)
        throw error;
      options.onRetry?.({ error, attempt, delayMs });
      await sleep(delayMs, options.signal).catch((reason: unknown) => {
        throw new ProviderError({ kind: "canceled", message: "the model call was canceled", cause: reason });
      });
    }
  }
}

function abortError(): Error {
  const error = new Error("aborted");
  error.name = "AbortError";
  return error;
}

/** setTimeout as a promise that rejects as soon as `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason ?? abortError());
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? abortError());
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}
