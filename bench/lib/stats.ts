export type Summary = {
  count: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  /** Completed operations per second of wall time. */
  perSecond: number;
};

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1] as number;
}

/** Latencies in milliseconds, over `seconds` of wall time. */
export function summarize(latenciesMs: readonly number[], seconds: number): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    count: sorted.length,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? total / sorted.length : Number.NaN,
    max: sorted.at(-1) ?? Number.NaN,
    perSecond: seconds > 0 ? sorted.length / seconds : Number.NaN,
  };
}

/** Milliseconds with a precision that suits their size. */
export function ms(value: number): string {
  if (!Number.isFinite(value)) return "–";
  if (value < 1) return value.toFixed(3);
  if (value < 10) return value.toFixed(2);
  return value.toFixed(1);
}

export function rate(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return value >= 100 ? Math.round(value).toLocaleString("en-US") : value.toFixed(1);
}

export function ratio(value: number): string {
  if (!Number.isFinite(value)) return "–";
  return `${value >= 10 ? Math.round(value) : value.toFixed(1)}×`;
}
