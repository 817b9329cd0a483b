import { createHash, createHmac, timingSafeEqual } from "node:crypto";

// Request signing as the SDK verifies it in cloud mode (see ENGINE.md "Signatures").
const PREFIX = /^signkey-[\w]+-/;
const MAX_SKEW_SECONDS = 5 * 60;

function hmacHex(signingKey: string, text: string, timestamp: string): string {
  return createHmac("sha256", signingKey.replace(PREFIX, "")).update(text).update(timestamp).digest("hex");
}

/** `x-inngest-signature` for a body whose canonical JSON text is `canonicalBody`. */
export function signBody(signingKey: string, canonicalBody: string, now = Date.now()): string {
  const t = Math.round(now / 1000).toString();
  return `t=${t}&s=${hmacHex(signingKey, canonicalBody, t)}`;
}

/** Verifies a signature over `text` (the SDK signs its responses over the raw body string). */
export function verifySignature(header: string | null, text: string, keys: string[], now = Date.now()): boolean {
  if (!header) return false;
  const params = new URLSearchParams(header);
  const t = params.get("t");
  const s = params.get("s");
  if (!t || !s || !/^\d+$/.test(t)) return false;
  if (Math.abs(now / 1000 - Number(t)) > MAX_SKEW_SECONDS) return false;
  return keys.some((key) => safeEqual(hmacHex(key, text, t), s));
}

/** The Bearer token the SDK sends to the engine API: prefix + sha256 of the hex-decoded key. */
export function hashedSigningKey(signingKey: string): string {
  const prefix = signingKey.match(PREFIX)?.[0] ?? "";
  const raw = Buffer.from(signingKey.replace(PREFIX, ""), "hex");
  return `${prefix}${createHash("sha256").update(raw).digest("hex")}`;
}

/** Checks the SDK's `Authorization: Bearer` header; the tokens are hashed once (this runs on every checkpoint). */
export function bearerVerifier(keys: string[]): (header: string | undefined) => boolean {
  const tokens = keys.map(hashedSigningKey);
  return (header) => {
    if (!header?.startsWith("Bearer ")) return false;
    const token = header.slice("Bearer ".length).trim();
    return tokens.some((expected) => safeEqual(expected, token));
  };
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
