import "server-only";
import { RUN_STATUSES } from "@/lib/agents/schemas";
import type { DbClient } from "@/lib/db";
import { histogramSamples, type MetricFamily, type Sample } from "./prometheus";

/** Request counts and the latency histogram cover the requests logged in this many trailing seconds. */
export const REQUEST_WINDOW_SECONDS = 300;
/** Latency histogram bounds, in milliseconds. */
export const LATENCY_BUCKETS_MS = [5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000] as const;
/** The step latency histogram covers the agent steps recorded in this many trailing seconds. */
export const STEP_WINDOW_SECONDS = 3600;
/** Step latency histogram bounds, in milliseconds (model turns and tool calls run far longer than requests). */
export const STEP_BUCKETS_MS = [10, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 120000] as const;
const GENERATION_STATUSES = ["queued", "running", "succeeded", "failed", "canceled", "timed_out"] as const;
const STEP_KINDS = ["model", "tool"] as const;
const ENGINE_RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;

const num = (value: bigint | number | null | undefined) => Number(value ?? 0);

/**
 * One scrape: every metric read from the database as it is now (nothing is kept in the process, so any number
 * of web servers answer the same). `stuckAfterSeconds`: a running generation with no new chunk for this long.
 */
export async function collectMetrics(db: DbClient, options: { stuckAfterSeconds: number }): Promise<MetricFamily[]> {
  const started = performance.now();
  const [generations, stuck, usage, idempotency, requests, outbox, engine, agents] = await Promise.all([
    db.$queryRaw<{ status: string; n: bigint; retried: bigint; retries: bigint }[]>`
      SELECT status::text AS status, count(*)::bigint AS n, count(*) FILTER (WHERE attempts > 1)::bigint AS retried,
             coalesce(sum(attempts - 1) FILTER (WHERE attempts > 1), 0)::bigint AS retries
      FROM generations GROUP BY status`,
    db.$queryRaw<{ n: bigint }[]>`
      SELECT count(*)::bigint AS n FROM generations g
      WHERE g.status = 'running'
        AND coalesce(
          (SELECT max(c.created_at) FROM generation_chunks c WHERE c.generation_id = g.id),
          g.started_at, g.updated_at
        ) < now() - make_interval(secs => ${options.stuckAfterSeconds})`,
    db.$queryRaw<{ workspace: string; cost: bigint; input: bigint; output: bigint; entries: bigint }[]>`
      SELECT w.slug AS workspace, sum(u.cost_micros)::bigint AS cost, sum(u.input_tokens)::bigint AS input,
             sum(u.output_tokens)::bigint AS output, count(*)::bigint AS entries
      FROM usage_entries u JOIN workspaces w ON w.id = u.workspace_id
      GROUP BY w.slug ORDER BY w.slug`,
    db.$queryRaw<{ state: string; n: bigint }[]>`
      SELECT CASE WHEN completed_at IS NULL THEN 'in_progress' ELSE 'completed' END AS state, count(*)::bigint AS n
      FROM idempotency_records GROUP BY 1`,
    db.$queryRaw<{ class: string; bucket: number; n: bigint; total_ms: bigint }[]>`
      SELECT (status / 100)::text || 'xx' AS class,
             width_bucket(duration_ms, ${LATENCY_BUCKETS_MS.map((bound) => bound + 1)}::int[]) AS bucket,
             count(*)::bigint AS n, sum(duration_ms)::bigint AS total_ms
      FROM request_logs
      WHERE created_at > now() - make_interval(secs => ${REQUEST_WINDOW_SECONDS})
      GROUP BY 1, 2`,
    db.$queryRaw<{ n: bigint; oldest_seconds: number | null }[]>`
      SELECT count(*)::bigint AS n, extract(epoch FROM now() - min(created_at))::float8 AS oldest_seconds
      FROM event_outbox WHERE sent_at IS NULL`,
    readEngine(db),
    agentFamilies(db, options.stuckAfterSeconds),
  ]);

  const families: MetricFamily[] = [
    {
      name: "holdfast_generations",
      help: "Chat generations by status (all time).",
      type: "gauge",
      samples: GENERATION_STATUSES.map((status) => ({
        labels: { status },
        value: num(generations.find((row) => row.status === status)?.n),
      })),
    },
    {
      name: "holdfast_generations_retried",
      help: "Chat generations that took more than one attempt (all time).",
      type: "gauge",
      samples: [{ value: generations.reduce((sum, row) => sum + num(row.retried), 0) }],
    },
    {
      name: "holdfast_generation_retries",
      help: "Generation attempts beyond the first (all time).",
      type: "counter",
      samples: [{ suffix: "_total", value: generations.reduce((sum, row) => sum + num(row.retries), 0) }],
    },
    ...agents,
    {
      name: "holdfast_generations_stuck",
      help: `Running generations with no new stream chunk for ${options.stuckAfterSeconds} s or more.`,
      type: "gauge",
      samples: [{ value: num(stuck[0]?.n) }],
    },
    {
      name: "holdfast_usage_cost_micros",
      help: "Model usage cost recorded in the ledger per workspace, in micro-dollars (all time).",
      type: "counter",
      samples: usage.map((row) => ({ suffix: "_total", labels: { workspace: row.workspace }, value: row.cost })),
    },
    {
      name: "holdfast_usage_tokens",
      help: "Model tokens recorded in the ledger per workspace and direction (all time).",
      type: "counter",
      samples: usage.flatMap((row): Sample[] => [
        { suffix: "_total", labels: { workspace: row.workspace, direction: "input" }, value: row.input },
        { suffix: "_total", labels: { workspace: row.workspace, direction: "output" }, value: row.output },
      ]),
    },
    {
      name: "holdfast_usage_entries",
      help: "Usage ledger rows per workspace (all time).",
      type: "counter",
      samples: usage.map((row) => ({ suffix: "_total", labels: { workspace: row.workspace }, value: row.entries })),
    },
    {
      name: "holdfast_idempotency_records",
      help: "Stored idempotency keys: completed (replayable) or in_progress (executing, or abandoned by a crash).",
      type: "gauge",
      samples: ["completed", "in_progress"].map((state) => ({
        labels: { state },
        value: num(idempotency.find((row) => row.state === state)?.n),
      })),
    },
    ...requestFamilies(requests),
    {
      name: "holdfast_outbox_unsent",
      help: "Events in event_outbox not yet relayed to the engine.",
      type: "gauge",
      samples: [{ value: num(outbox[0]?.n) }],
    },
    {
      name: "holdfast_outbox_oldest_unsent_age_seconds",
      help: "Age of the oldest unsent event_outbox row (0 when none).",
      type: "gauge",
      samples: [{ value: Math.max(0, Math.round(outbox[0]?.oldest_seconds ?? 0)) }],
    },
    ...engine,
    {
      name: "holdfast_metrics_scrape_duration_seconds",
      help: "Time this scrape spent reading the database.",
      type: "gauge",
      samples: [{ value: Math.round(performance.now() - started) / 1000 }],
    },
  ];
  return families;
}

function requestFamilies(rows: { class: string; bucket: number; n: bigint; total_ms: bigint }[]): MetricFamily[] {
  const classes = [...new Set(["2xx", "4xx", "5xx", ...rows.map((row) => row.class)])].sort();
  const window = `in the last ${REQUEST_WINDOW_SECONDS} s (request_logs)`;
  return [
    {
      name: "holdfast_http_requests",
      help: `API requests by status class ${window}.`,
      type: "gauge",
      samples: classes.map((statusClass) => ({
        labels: { status_class: statusClass },
        value: rows.filter((row) => row.class === statusClass).reduce((sum, row) => sum + num(row.n), 0),
      })),
    },
    {
      name: "holdfast_http_request_duration_ms",
      help: `API request latency in milliseconds by status class ${window}; a window snapshot, not a running total.`,
      type: "histogram",
      samples: classes.flatMap((statusClass) =>
        bucketSamples(
          LATENCY_BUCKETS_MS,
          rows.filter((row) => row.class === statusClass),
          { status_class: statusClass },
        ),
      ),
    },
  ];
}

/** Histogram samples from `width_bucket` rows (bucket index, count, summed milliseconds) of one label set. */
function bucketSamples(
  bounds: readonly number[],
  rows: { bucket: number; n: bigint; total_ms: bigint }[],
  labels: Record<string, string>,
): Sample[] {
  const counts = new Array<number>(bounds.length + 1).fill(0);
  let sum = 0;
  for (const row of rows) {
    counts[row.bucket] = (counts[row.bucket] ?? 0) + num(row.n);
    sum += num(row.total_ms);
  }
  return histogramSamples(bounds, counts, sum, labels);
}

/**
 * Agent runs by status with their retries and stuck ones (one pass over agent_runs), and the step latency
 * histogram of the trailing `STEP_WINDOW_SECONDS` by step kind (agent_steps.duration_ms).
 * Stuck: queued or running with no update (a step, a status change) for `stuckAfterSeconds`; a run waiting for an
 * approval is not stuck, it waits for a person.
 */
async function agentFamilies(db: DbClient, stuckAfterSeconds: number): Promise<MetricFamily[]> {
  const [runs, steps] = await Promise.all([
    db.$queryRaw<{ status: string; n: bigint; retried: bigint; retries: bigint; stuck: bigint }[]>`
      SELECT status::text AS status, count(*)::bigint AS n, count(*) FILTER (WHERE attempts > 1)::bigint AS retried,
             coalesce(sum(attempts - 1) FILTER (WHERE attempts > 1), 0)::bigint AS retries,
             count(*) FILTER (
               WHERE status IN ('queued', 'running') AND updated_at < now() - make_interval(secs => ${stuckAfterSeconds})
             )::bigint AS stuck
      FROM agent_runs GROUP BY status`,
    db.$queryRaw<{ kind: string; bucket: number; n: bigint; total_ms: bigint }[]>`
      SELECT kind, width_bucket(duration_ms, ${STEP_BUCKETS_MS.map((bound) => bound + 1)}::int[]) AS bucket,
             count(*)::bigint AS n, sum(duration_ms)::bigint AS total_ms
      FROM agent_steps
      WHERE created_at > now() - make_interval(secs => ${STEP_WINDOW_SECONDS})
      GROUP BY 1, 2`,
  ]);
  const byStatus = (status: string) => runs.find((row) => row.status === status);
  const kinds = [...new Set([...STEP_KINDS, ...steps.map((row) => row.kind)])].sort();
  return [
    {
      name: "holdfast_agent_runs",
      help: "Agent runs by status (all time).",
      type: "gauge",
      samples: RUN_STATUSES.map((status) => ({ labels: { status }, value: num(byStatus(status)?.n) })),
    },
    {
      name: "holdfast_agent_runs_retried",
      help: "Agent runs that took more than one engine attempt, by status (all time).",
      type: "gauge",
      samples: RUN_STATUSES.map((status) => ({ labels: { status }, value: num(byStatus(status)?.retried) })),
    },
    {
      name: "holdfast_agent_run_retries",
      help: "Agent run engine attempts beyond the first (all time).",
      type: "counter",
      samples: [{ suffix: "_total", value: runs.reduce((sum, row) => sum + num(row.retries), 0) }],
    },
    {
      name: "holdfast_agent_runs_stuck",
      help: `Queued or running agent runs with no update for ${stuckAfterSeconds} s or more.`,
      type: "gauge",
      samples: ["queued", "running"].map((status) => ({ labels: { status }, value: num(byStatus(status)?.stuck) })),
    },
    {
      name: "holdfast_agent_step_duration_ms",
      help: `Agent step latency in milliseconds by kind, steps recorded in the last ${STEP_WINDOW_SECONDS} s; a window snapshot.`,
      type: "histogram",
      samples: kinds.flatMap((kind) =>
        bucketSamples(
          STEP_BUCKETS_MS,
          steps.filter((row) => row.kind === kind),
          { kind },
        ),
      ),
    },
  ];
}

/** The engine's own tables (docs/engine.md), read-only; absent (another database, not migrated) → `up 0`. */
async function readEngine(db: DbClient): Promise<MetricFamily[]> {
  const [present] = await db.$queryRaw<{ ok: boolean }[]>`
    SELECT to_regclass('engine.runs') IS NOT NULL AND to_regclass('engine.queue') IS NOT NULL AS ok`;
  const up: MetricFamily = {
    name: "holdfast_engine_tables_up",
    help: "1 when the engine schema's runs and queue tables are readable from the app database.",
    type: "gauge",
    samples: [{ value: present?.ok ? 1 : 0 }],
  };
  if (!present?.ok) return [up];
  const [runs, queue] = await Promise.all([
    db.$queryRaw<
      { status: string; n: bigint }[]
    >`SELECT status, count(*)::bigint AS n FROM engine.runs GROUP BY status`,
    db.$queryRaw<{ state: string; n: bigint }[]>`
      SELECT CASE
               WHEN lease_owner IS NOT NULL AND lease_expires_at > now() THEN 'leased'
               WHEN run_at <= now() THEN 'due'
               ELSE 'scheduled'
             END AS state, count(*)::bigint AS n
      FROM engine.queue GROUP BY 1`,
  ]);
  return [
    up,
    {
      name: "holdfast_engine_runs",
      help: "Engine function runs by status (all time, engine.runs).",
      type: "gauge",
      samples: ENGINE_RUN_STATUSES.map((status) => ({
        labels: { status },
        value: num(runs.find((row) => row.status === status)?.n),
      })),
    },
    {
      name: "holdfast_engine_queue_depth",
      help: "Engine work items (engine.queue): due (runnable now), leased (being executed), scheduled (later).",
      type: "gauge",
      samples: ["due", "leased", "scheduled"].map((state) => ({
        labels: { state },
        value: num(queue.find((row) => row.state === state)?.n),
      })),
    },
  ];
}
