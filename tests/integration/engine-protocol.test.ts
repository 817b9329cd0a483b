import { describe, expect, it } from "vitest";
import { nextCronTime, parseCron } from "@/engine/protocol/cron";
import { parseDurationMs, resolveDeadline } from "@/engine/protocol/durations";
import { seededUlid } from "@/engine/protocol/ids";
import { hashedSigningKey, signBody, verifySignature } from "@/engine/protocol/signing";
import { retryDelayMs } from "@/engine/runtime/backoff";
import { TEST_SIGNING_KEY } from "../engine-support/processes.ts";

// The engine's pure protocol pieces. The wire contract itself is proven against the SDK in engine-contract.

describe("engine protocol helpers", () => {
  it("signs and verifies as the SDK does (key without prefix, body then timestamp)", () => {
    const body = '{"a":1}';
    const header = signBody(TEST_SIGNING_KEY, body, 1_700_000_000_000);
    expect(header).toMatch(/^t=1700000000&s=[0-9a-f]{64}$/);
    expect(verifySignature(header, body, [TEST_SIGNING_KEY], 1_700_000_000_000)).toBe(true);
    expect(verifySignature(header, '{"a":2}', [TEST_SIGNING_KEY], 1_700_000_000_000)).toBe(false);
    expect(verifySignature(header, body, [TEST_SIGNING_KEY], 1_700_000_000_000 + 6 * 60_000)).toBe(false);
    expect(hashedSigningKey(TEST_SIGNING_KEY)).toMatch(/^signkey-test-[0-9a-f]{64}$/);
  });

  it("derives the same event ids from the same SDK seed", () => {
    expect(seededUlid("1700000000000,abc=", 0)).toBe(seededUlid("1700000000000,abc=", 0));
    expect(seededUlid("1700000000000,abc=", 0)).not.toBe(seededUlid("1700000000000,abc=", 1));
    expect(seededUlid("garbage", 0)).toBeNull();
  });

  it("parses SDK durations and dates", () => {
    expect(parseDurationMs("1w2d3h4m5s")).toBe(((7 + 2) * 24 * 3600 + 3 * 3600 + 4 * 60 + 5) * 1000);
    expect(parseDurationMs("")).toBe(0);
    expect(parseDurationMs("soon")).toBeNull();
    expect(resolveDeadline("2030-01-01T00:00:00.000Z")?.toISOString()).toBe("2030-01-01T00:00:00.000Z");
  });

  it("computes cron ticks in UTC, with seconds", () => {
    const after = new Date("2024-01-31T23:59:58.500Z");
    expect(nextCronTime(parseCron("* * * * * *"), after).toISOString()).toBe("2024-01-31T23:59:59.000Z");
    expect(nextCronTime(parseCron("0 9 * * MON-FRI"), after).toISOString()).toBe("2024-02-01T09:00:00.000Z");
    expect(nextCronTime(parseCron("TZ=UTC 30 2 29 2 *"), after).toISOString()).toBe("2024-02-29T02:30:00.000Z");
    expect(() => parseCron("TZ=Europe/Paris * * * * *")).toThrow(/UTC only/);
    expect(() => parseCron("61 * * * *")).toThrow();
  });

  it("backs off exponentially with full jitter and a cap, and honours retry-after", () => {
    const opts = { baseMs: 100, capMs: 1000, now: 0 };
    expect(retryDelayMs(1, undefined, { ...opts, random: () => 0.999 })).toBe(100);
    expect(retryDelayMs(3, undefined, { ...opts, random: () => 0.999 })).toBe(400);
    expect(retryDelayMs(10, undefined, { ...opts, random: () => 0.999 })).toBe(999);
    expect(retryDelayMs(10, undefined, { ...opts, random: () => 0 })).toBe(0);
    expect(retryDelayMs(1, "7", opts)).toBe(7000);
    expect(retryDelayMs(1, new Date(5000).toISOString(), opts)).toBe(5000);
  });
});
