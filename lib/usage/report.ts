import type { DbClient } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { periodStartOf, readQuota } from "./quota";

export const GROUP_BY = ["day", "member", "model", "agent"] as const;
export type GroupBy = (typeof GROUP_BY)[number];

export type UsageQuery = { from: Date; to: Date; groupBy: GroupBy };

const DAY_MS = 86_400_000;
const MAX_SPAN_DAYS = 366;

/** Money is integer micro-dollars end to end; this renders one as an exact decimal string ("12.345678"). */
export function microsToDecimal(micros: bigint): string {
  const negative = micros < 0n;
  const abs = negative ? -micros : micros;
  const whole = abs / 1_000_000n;
  const fraction = (abs % 1_000_000n).toString().padStart(6, "0");
  return `${negative ? "-" : ""}${whole}.${fraction}`;
}

export function parseInstant(raw: string, what: string, endOfDay: boolean): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(raw);
  const date = new Date(dateOnly ? `${raw}T00:00:00.000Z` : raw);
  const ok =
    !Number.isNaN(date.getTime()) &&
    (dateOnly || /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) &&
    (!dateOnly || date.toISOString().startsWith(raw)) &&
    date.getUTCFullYear() >= 2000 &&
    date.getUTCFullYear() <= 9998;
  if (!ok) throw new ApiError("validation", "invalid_query", `${what} must be a date (YYYY-MM-DD) or an ISO-8601 time`);
  return dateOnly && endOfDay ? new Date(date.getTime() + DAY_MS) : date;
}

/**
 * `from` (inclusive) and `to` (exclusive; a date-only `to` includes that whole day). Defaults: the current
 * period (calendar month, UTC) up to now. `group_by` defaults to `day`.
 */
export function readUsageQuery(url: URL, now = new Date()): UsageQuery {
  const params = url.searchParams;
  const groupBy = params.get("group_by") ?? "day";
  if (!(GROUP_BY as readonly string[]).includes(groupBy))
    throw new ApiError("validation", "invalid_query", `group_by must be one of ${GROUP_BY.join(", ")}`);
  const fromRaw = params.get("from");
  const toRaw = params.get("to");
  const from = fromRaw ? parseInstant(fromRaw, "from", false) : new Date(`${periodStartOf(now)}T00:00:00.000Z`);
  const to = toRaw ? parseInstant(toRaw, "to", true) : now;
  if (to.getTime() < from.getTime()) throw new ApiError("validation", "invalid_query", "from must not be after to");
  if (to.getTime() - from.getTime() > MAX_SPAN_DAYS * DAY_MS)
    throw new ApiError("validation", "invalid_query", `a report spans at most ${MAX_SPAN_DAYS} days`);
  return { from, to, groupBy: groupBy as GroupBy };
}

type Aggregate = {
  key: string | null;
  calls: number;
  inputTokens: bigint;
  outputTokens: bigint;
  costMicros: bigint;
};

export type UsageRow = {
  key: string | null;
  label: string;
  calls: number;
  input_tokens: number;
  output_tokens: number;
  total_tokens: number;
  cost_micros: number;
  cost_usd: string;
};

function present(row: Aggregate, label: string): UsageRow {
  return {
    key: row.key,
    label,
    calls: row.calls,
    input_tokens: Number(row.inputTokens),
    output_tokens: Number(row.outputTokens),
    total_tokens: Number(row.inputTokens + row.outputTokens),
    cost_micros: Number(row.costMicros),
    cost_usd: microsToDecimal(row.costMicros),
  };
}

/** The grouped rows of the ledger; the SQL sums are exact (bigint), never floats. */
export async function usageRows(db: DbClient, workspaceId: string, query: UsageQuery): Promise<UsageRow[]> {
  const { from, to } = query;
  // agent: usage from an agent run is grouped by the run's agent (stored on the row); chat usage is the built-in
  // "assistant".
  // Grouped on a cheap value (a date, a uuid) and formatted once per group, not once per row: at volume, formatting
  // and sorting text keys was most of the cost (docs/benchmarks.md "Console queries").
  const [keyExpr, groupExpr] = {
    day: [`to_char((u.created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD')`, `(u.created_at AT TIME ZONE 'UTC')::date`],
    member: ["u.user_id::text", "u.user_id"],
    model: ["u.model", "1"],
    agent: ["coalesce(u.agent, 'assistant')", "1"],
  }[query.groupBy];
  const rows = await db.$queryRawUnsafe<Aggregate[]>(
    `SELECT ${keyExpr} AS key, count(*)::int AS calls, sum(u.input_tokens)::bigint AS "inputTokens",
            sum(u.output_tokens)::bigint AS "outputTokens", sum(u.cost_micros)::bigint AS "costMicros"
     FROM usage_entries u
     WHERE u.workspace_id = $1::uuid AND u.created_at >= $2 AND u.created_at < $3
     GROUP BY ${groupExpr} ORDER BY ${groupExpr} NULLS LAST`,
    workspaceId,
    from,
    to,
  );
  if (query.groupBy === "day") {
    // Every day of the range appears (zeros included), so a chart needs no gap filling.
    const byDay = new Map(rows.map((r) => [r.key, r]));
    const out: UsageRow[] = [];
    const first = Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate());
    for (let t = first; t < to.getTime(); t += DAY_MS) {
      const day = new Date(t).toISOString().slice(0, 10);
      out.push(
        present(byDay.get(day) ?? { key: day, calls: 0, inputTokens: 0n, outputTokens: 0n, costMicros: 0n }, day),
      );
    }
    return out;
  }
  if (query.groupBy === "member") {
    const ids = rows.map((r) => r.key).filter((k): k is string => k !== null);
    const users = await db.user.findMany({ where: { id: { in: ids } }, select: { id: true, email: true, name: true } });
    const byId = new Map(users.map((u) => [u.id, u]));
    return rows.map((r) => present(r, r.key ? (byId.get(r.key)?.email ?? r.key) : "(no member: API token or system)"));
  }
  return rows.map((r) => present(r, r.key ?? "(none: tool calls)"));
}

export async function usageReport(db: DbClient, workspaceId: string, query: UsageQuery, now = new Date()) {
  const rows = await usageRows(db, workspaceId, query);
  const sum = (pick: (r: UsageRow) => number) => rows.reduce((total, r) => total + pick(r), 0);
  const costMicros = rows.reduce((total, r) => total + BigInt(r.cost_micros), 0n);
  const quota = await readQuota(db, workspaceId);
  const workspace = await db.workspace.findUniqueOrThrow({ where: { id: workspaceId } });
  const limit = quota.token_limit || Number(workspace.planMonthlyTokens);
  const periodStart = new Date(`${quota.period_start}T00:00:00.000Z`);
  const periodEnd = new Date(Date.UTC(periodStart.getUTCFullYear(), periodStart.getUTCMonth() + 1, 1));
  const elapsed = Math.max(1, now.getTime() - periodStart.getTime());
  const length = periodEnd.getTime() - periodStart.getTime();
  const forecast = Math.round((quota.used_tokens * length) / elapsed);
  const usedRatio = limit > 0 ? quota.used_tokens / limit : 0;
  return {
    from: query.from.toISOString(),
    to: query.to.toISOString(),
    group_by: query.groupBy,
    data: rows,
    totals: {
      calls: sum((r) => r.calls),
      input_tokens: sum((r) => r.input_tokens),
      output_tokens: sum((r) => r.output_tokens),
      total_tokens: sum((r) => r.total_tokens),
      cost_micros: Number(costMicros),
      cost_usd: microsToDecimal(costMicros),
    },
    quota: {
      period_start: periodStart.toISOString(),
      period_end: periodEnd.toISOString(),
      token_limit: limit,
      used_tokens: quota.used_tokens,
      reserved_tokens: quota.reserved_tokens,
      remaining_tokens: Math.max(0, limit - quota.used_tokens - quota.reserved_tokens),
      used_ratio: Math.round(usedRatio * 10_000) / 10_000,
      forecast_tokens: forecast,
      forecast_exceeds_limit: forecast > limit,
      alert: usedRatio >= 0.8,
    },
  };
}

const csvCell = (value: string | number | null) => {
  const text = value === null ? "" : String(value);
  return /[",\n\r]/.test(text) || /^[=+\-@]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

/** The same rows as the JSON report; they sum to the ledger exactly (no total row, so a column sum is the total). */
export function usageCsv(rows: UsageRow[], groupBy: GroupBy): string {
  const header = [
    groupBy,
    "label",
    "calls",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "cost_micros",
    "cost_usd",
  ];
  const lines = rows.map((r) =>
    [r.key, r.label, r.calls, r.input_tokens, r.output_tokens, r.total_tokens, r.cost_micros, r.cost_usd]
      .map(csvCell)
      .join(","),
  );
  return `${[header.join(","), ...lines].join("\r\n")}\r\n`;
}
