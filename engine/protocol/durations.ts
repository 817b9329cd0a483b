// Durations as the SDK writes them (`timeStr`: "1w2d3h4m5s"), or an ISO date for sleepUntil and timeouts.
const UNIT_MS: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|w|d|h|m|s))+$/;
const PART = /(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g;

export function parseDurationMs(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === "") return 0;
  if (!DURATION.test(trimmed)) return null;
  let total = 0;
  for (const [, amount, unit] of trimmed.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit ?? "s"] ?? 0);
  return total;
}

/** A duration from now, or an absolute ISO date; null when neither parses. */
export function resolveDeadline(text: string, now = Date.now()): Date | null {
  const ms = parseDurationMs(text);
  if (ms !== null) return new Date(now + ms);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text.trim())) return null;
  const at = Date.parse(text);
  return Number.isNaN(at) ? null : new Date(at);
}
