import type { UsageRow } from "@/lib/client/admin-types";

const WIDTH = 720;
const HEIGHT = 220;
const PAD = { top: 12, right: 56, bottom: 28, left: 56 };

const compact = new Intl.NumberFormat(undefined, { notation: "compact", maximumFractionDigits: 1 });

/**
 * Tokens per day as bars (left axis) and cost per day as a line (right axis), in plain SVG. Each bar carries
 * a <title> so values are readable on hover and by screen readers; the table below the chart has the exact numbers.
 */
export function UsageChart({ rows }: { rows: UsageRow[] }) {
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const maxTokens = Math.max(1, ...rows.map((r) => r.total_tokens));
  const maxCost = Math.max(1, ...rows.map((r) => r.cost_micros));
  const step = rows.length ? innerW / rows.length : innerW;
  const barW = Math.max(1, step * 0.7);
  const x = (i: number) => PAD.left + i * step + (step - barW) / 2;
  const yTokens = (v: number) => PAD.top + innerH - (v / maxTokens) * innerH;
  const yCost = (v: number) => PAD.top + innerH - (v / maxCost) * innerH;
  const line = rows.map(
    (r, i) => `${i === 0 ? "M" : "L"}${(x(i) + barW / 2).toFixed(1)},${yCost(r.cost_micros).toFixed(1)}`,
  );
  const labelEvery = Math.max(1, Math.ceil(rows.length / 8));
  return (
    <figure>
      <svg
        viewBox={`0 0 ${WIDTH} ${HEIGHT}`}
        className="h-auto w-full"
        role="img"
        aria-label={`Tokens and cost per day, ${rows.length} days`}
        data-testid="usage-chart"
      >
        <line
          x1={PAD.left}
          x2={WIDTH - PAD.right}
          y1={PAD.top + innerH}
          y2={PAD.top + innerH}
          className="stroke-slate-300"
        />
        <text x={PAD.left - 6} y={PAD.top + 8} textAnchor="end" className="fill-slate-500 text-[10px]">
          {compact.format(maxTokens)}
        </text>
        <text x={WIDTH - PAD.right + 6} y={PAD.top + 8} className="fill-amber-600 text-[10px]">
          ${(maxCost / 1e6).toFixed(2)}
        </text>
        {rows.map((r, i) => (
          <g key={r.key ?? i}>
            <rect
              x={x(i)}
              y={yTokens(r.total_tokens)}
              width={barW}
              height={PAD.top + innerH - yTokens(r.total_tokens)}
              className="fill-indigo-500"
              data-day={r.key}
            >
              <title>{`${r.label}: ${r.total_tokens} tokens, $${r.cost_usd}`}</title>
            </rect>
            {i % labelEvery === 0 ? (
              <text x={x(i) + barW / 2} y={HEIGHT - 10} textAnchor="middle" className="fill-slate-500 text-[10px]">
                {(r.key ?? "").slice(5)}
              </text>
            ) : null}
          </g>
        ))}
        {rows.length > 1 ? <path d={line.join(" ")} fill="none" className="stroke-amber-500" strokeWidth={2} /> : null}
      </svg>
      <figcaption className="mt-2 flex gap-4 text-xs text-slate-500">
        <span className="inline-flex items-center gap-1">
          <span className="inline-block size-2.5 rounded-sm bg-indigo-500" aria-hidden="true" /> Tokens
        </span>
        <span className="inline-flex items-center gap-1">
          <span className="inline-block h-0.5 w-3 bg-amber-500" aria-hidden="true" /> Cost (USD)
        </span>
      </figcaption>
    </figure>
  );
}
