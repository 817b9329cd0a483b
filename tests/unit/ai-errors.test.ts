import { APICallError, RetryError } from "ai";
import { describe, expect, test } from "vitest";
import {
  classifyProviderError,
  computeBackoffMs,
  kindOfStatus,
  ProviderError,
  parseRetryAfterMs,
  retryProviderCall,
} from "@/lib/ai/errors";
import { toApiError } from "@/lib/http/errors";

const apiCallError = (statusCode: number | undefined, headers: Record<string, string> = {}, body = "") =>
  new APICallError({
    message: "provider said no",
    url: "http://provider/v1/chat/completions",
    requestBodyValues: {},
    statusCode,
    responseHeaders: headers,
    responseBody: body,
  });

describe("classifyProviderError", () => {
  test.each([
    [429, "rate_limited", true],
    [500, "server_error", true],
    [502, "server_error", true],
    [503, "server_error", true],
    [504, "server_error", true],
    [408, "timeout", true],
    [409, "server_error", true],
    [400, "bad_request", false],
    [401, "auth", false],
    [403, "auth", false],
    [404, "not_found", false],
    [413, "bad_request", false],
    [422, "bad_request", false],
  ])("HTTP %i → %s (retriable: %s)", (status, kind, retriable) => {
    const error = classifyProviderError(apiCallError(status));
    expect(error).toMatchObject({ kind, retriable, providerStatus: status });
  });

  test("retry hints: retry-after-ms wins, then seconds, then an HTTP date", () => {
    expect(classifyProviderError(apiCallError(429, { "retry-after": "3" })).retryAfterMs).toBe(3000);
    expect(classifyProviderError(apiCallError(503, { "retry-after-ms": "250", "retry-after": "9" })).retryAfterMs).toBe(
      250,
    );
    const now = Date.parse("2030-01-01T00:00:00Z");
    expect(parseRetryAfterMs({ "retry-after": "Tue, 01 Jan 2030 00:00:05 GMT" }, now)).toBe(5000);
    expect(parseRetryAfterMs(new Headers({ "Retry-After": "1.5" }))).toBe(1500);
    expect(parseRetryAfterMs({ "retry-after": "soon" })).toBeUndefined();
    // A non-retriable error never carries a wait.
    expect(classifyProviderError(apiCallError(400, { "retry-after": "3" })).retryAfterMs).toBeUndefined();
  });

  test("429 insufficient_quota is a dead end, not a wait", () => {
    const error = classifyProviderError(apiCallError(429, {}, '{"error":{"code":"insufficient_quota"}}'));
    expect(error).toMatchObject({ kind: "quota_exhausted", retriable: false });
    expect(kindOfStatus(429, "rate_limit_exceeded")).toBe("rate_limited");
  });

  test("network failures, aborts, timeouts and wrapped retries", () => {
    expect(classifyProviderError(apiCallError(undefined))).toMatchObject({ kind: "network", retriable: true });
    const refused = Object.assign(new TypeError("fetch failed"), { cause: { code: "ECONNREFUSED" } });
    expect(classifyProviderError(refused)).toMatchObject({ kind: "network", retriable: true });
    expect(classifyProviderError(new DOMException("x", "AbortError"))).toMatchObject({ kind: "canceled" });
    expect(classifyProviderError(new DOMException("x", "TimeoutError"))).toMatchObject({
      kind: "timeout",
      retriable: true,
    });
    const wrapped = new RetryError({ message: "gave up", reason: "maxRetriesExceeded", errors: [apiCallError(503)] });
    expect(classifyProviderError(wrapped)).toMatchObject({ kind: "server_error", providerStatus: 503 });
    expect(classifyProviderError({ type: "server_error", message: "overloaded" })).toMatchObject({
      kind: "server_error",
    });
    expect(classifyProviderError(new Error("a bug"))).toMatchObject({ kind: "unknown", retriable: false });
  });

  test("a ProviderError is an ApiError: the route wrapper maps it to the envelope as is", () => {
    const error = classifyProviderError(apiCallError(429, { "retry-after": "2" }));
    expect(classifyProviderError(error)).toBe(error);
    const api = toApiError(error);
    expect(api).toBe(error);
    expect(api.status).toBe(503);
    expect(api.envelope("req_1")).toEqual({
      error: {
        type: "provider_unavailable",
        code: "provider_rate_limited",
        message: expect.any(String),
        request_id: "req_1",
      },
    });
    expect(api.headers).toEqual({ "Retry-After": "2" });
    expect(classifyProviderError(apiCallError(422)).envelope("r").error.type).toBe("validation");
  });
});

describe("computeBackoffMs", () => {
  test("full jitter under an exponential ceiling with a cap", () => {
    const top = () => 0.999_999;
    expect(computeBackoffMs(1, { baseMs: 100, capMs: 1000, random: top })).toBe(99);
    expect(computeBackoffMs(2, { baseMs: 100, capMs: 1000, random: top })).toBe(199);
    expect(computeBackoffMs(4, { baseMs: 100, capMs: 1000, random: top })).toBe(799);
    expect(computeBackoffMs(10, { baseMs: 100, capMs: 1000, random: top })).toBe(999);
    expect(computeBackoffMs(50, { baseMs: 100, capMs: 1000, random: () => 0 })).toBe(0);
    const samples = Array.from({ length: 200 }, () => computeBackoffMs(3, { baseMs: 100, capMs: 1000 }));
    expect(Math.min(...samples)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...samples)).toBeLessThan(400);
    expect(new Set(samples).size).toBeGreaterThan(50);
  });

  test("a provider's Retry-After is a floor, bounded by maxRetryAfterMs", () => {
    expect(computeBackoffMs(1, { baseMs: 100, retryAfterMs: 2000, random: () => 0.5 })).toBe(2000);
    expect(computeBackoffMs(1, { retryAfterMs: 600_000, maxRetryAfterMs: 60_000 })).toBe(60_000);
  });
});

describe("retryProviderCall", () => {
  test("retries retriable failures up to maxAttempts, then throws the classified error", async () => {
    let calls = 0;
    const error = await retryProviderCall(
      async () => {
        calls++;
        throw apiCallError(500);
      },
      { maxAttempts: 3, baseMs: 1 },
    ).catch((caught: unknown) => caught);
    expect(calls).toBe(3);
    expect(error).toBeInstanceOf(ProviderError);
    expect(error).toMatchObject({ kind: "server_error" });
  });

  test("stops when the next wait would pass the total time limit, and when the signal aborts", async () => {
    let calls = 0;
    await retryProviderCall(
      async () => {
        calls++;
        throw apiCallError(429, { "retry-after": "10" });
      },
      { maxAttempts: 5, totalTimeoutMs: 1_000 },
    ).catch(() => undefined);
    expect(calls).toBe(1);

    const controller = new AbortController();
    const pending = retryProviderCall(
      async () => {
        throw apiCallError(503);
      },
      { maxAttempts: 5, baseMs: 5_000, random: () => 0.9, signal: controller.signal },
    );
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ kind: "canceled" });
  });
});
