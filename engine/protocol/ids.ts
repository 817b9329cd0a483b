import { createHash, randomBytes } from "node:crypto";

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function encodeTime(ms: number): string {
  let out = "";
  let rest = ms;
  for (let i = 0; i < 10; i++) {
    out = CROCKFORD[rest % 32] + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

function encodeRandom(bytes: Buffer): string {
  let out = "";
  for (let i = 0; i < 16; i++) out += CROCKFORD[(bytes[i] ?? 0) % 32];
  return out;
}

/** A ULID: time-ordered, 26 characters. */
export function newUlid(now = Date.now()): string {
  return encodeTime(now) + encodeRandom(randomBytes(16));
}

/**
 * A ULID derived from the SDK's `x-inngest-event-id-seed` (`<millis>,<base64 entropy>`) and the event's index,
 * so a retried `send()` yields the same ids and is deduplicated.
 */
export function seededUlid(seed: string, index: number): string | null {
  const match = /^(\d+),(.+)$/.exec(seed);
  if (!match) return null;
  const millis = Number(match[1]);
  if (!Number.isSafeInteger(millis)) return null;
  const digest = createHash("sha256").update(`${match[2]}:${index}`).digest();
  return encodeTime(millis) + encodeRandom(digest);
}

/** The SDK's hashed step id. */
export function hashStepId(id: string): string {
  return createHash("sha1").update(id).digest("hex");
}
