/**
 * Delay before retry `attempt` (1-based): `retry-after` when the function gave one (seconds or a date), else
 * exponential backoff with full jitter, capped.
 */
export function retryDelayMs(
  attempt: number,
  retryAfter: string | undefined,
  opts: { baseMs: number; capMs: number; now: number; random?: () => number },
): number {
  if (retryAfter) {
    const trimmed = retryAfter.trim();
    if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return Math.max(0, at - opts.now);
  }
  const ceiling = Math.min(opts.capMs, opts.baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round((opts.random ?? Math.random)() * ceiling);
}
