import type pg from "pg";

// Read side for operators and the admin console: the HTTP read API and `holdfast runs` share these queries.

export const RUN_STATUSES = ["queued", "running", "completed", "failed", "cancelled"] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

type Queryable = Pick<pg.Pool, "query">;

export type RunSummary = {
  id: string;
  functionId: string;
  status: RunStatus;
  eventName: string | null;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  durationMs: number | null;
  steps: number;
  attempts: number;
};

export type RunDetail = RunSummary & {
  event: unknown;
  output: unknown;
  error: unknown;
  parentRunId: string | null;
  stepList: Array<{ id: string; name: string | null; op: string; result: unknown; attempt: number; at: string }>;
  attemptList: Array<{
    stepId: string;
    attempt: number;
    startedAt: string;
    endedAt: string;
    durationMs: number;
    statusCode: number | null;
    outcome: string;
    error: unknown;
  }>;
  pending: Array<{ kind: string; stepId: string; attempt: number; runAt: string }>;
};

type SummaryRow = {
  id: string;
  function_id: string;
  status: RunStatus;
  event: unknown;
  created_at: Date;
  started_at: Date | null;
  ended_at: Date | null;
  steps: string;
  attempts: string;
};

const parse = (value: unknown): unknown => (typeof value === "string" ? JSON.parse(value) : value);
const iso = (d: Date | null) => (d ? d.toISOString() : null);

function toSummary(row: SummaryRow): RunSummary {
  const event = parse(row.event) as { name?: string } | null;
  return {
    id: row.id,
    functionId: row.function_id,
    status: row.status,
    eventName: event?.name ?? null,
    createdAt: row.created_at.toISOString(),
    startedAt: iso(row.started_at),
    endedAt: iso(row.ended_at),
    durationMs: row.started_at && row.ended_at ? row.ended_at.getTime() - row.started_at.getTime() : null,
    steps: Number(row.steps),
    attempts: Number(row.attempts),
  };
}

const SUMMARY = `SELECT r.id, r.function_id, r.status, r.event, r.created_at, r.started_at, r.ended_at,
  (SELECT count(*) FROM engine.steps s WHERE s.run_id = r.id) AS steps,
  (SELECT count(*) FROM engine.attempts a WHERE a.run_id = r.id) AS attempts
  FROM engine.runs r`;

export async function listRuns(
  db: Queryable,
  filter: {
    statuses?: RunStatus[];
    functionId?: string;
    limit?: number;
    before?: string;
    /** Runs whose triggering event's `data` contains this JSON object (jsonb `@>`), e.g. `{"runId": "…"}`. */
    eventData?: Record<string, unknown>;
  },
): Promise<RunSummary[]> {
  const { rows } = await db.query<SummaryRow>(
    `${SUMMARY}
      WHERE ($1::text[] IS NULL OR r.status = ANY($1)) AND ($2::text IS NULL OR r.function_id = $2)
        AND ($3::text IS NULL OR r.id < $3)
        AND ($5::jsonb IS NULL OR (r.event::jsonb -> 'data') @> $5::jsonb)
      ORDER BY r.created_at DESC, r.id DESC LIMIT $4`,
    [
      filter.statuses?.length ? filter.statuses : null,
      filter.functionId ?? null,
      filter.before ?? null,
      filter.limit ?? 50,
      filter.eventData ? JSON.stringify(filter.eventData) : null,
    ],
  );
  return rows.map(toSummary);
}

export async function getRun(db: Queryable, runId: string): Promise<RunDetail | null> {
  const run = await db.query<SummaryRow & { output: unknown; error: unknown; parent_run_id: string | null }>(
    `SELECT q.*, r.output, r.error, r.parent_run_id FROM (${SUMMARY} WHERE r.id = $1) q JOIN engine.runs r ON r.id = q.id`,
    [runId],
  );
  const row = run.rows[0];
  if (!row) return null;
  const steps = await db.query<{
    step_id: string;
    name: string | null;
    op: string;
    result: unknown;
    attempt: number;
    created_at: Date;
  }>("SELECT step_id, name, op, result, attempt, created_at FROM engine.steps WHERE run_id = $1 ORDER BY seq", [runId]);
  const attempts = await db.query<{
    step_id: string;
    attempt: number;
    started_at: Date;
    ended_at: Date;
    status_code: number | null;
    outcome: string;
    error: unknown;
  }>(
    "SELECT step_id, attempt, started_at, ended_at, status_code, outcome, error FROM engine.attempts WHERE run_id = $1 ORDER BY id",
    [runId],
  );
  const pending = await db.query<{ kind: string; step_id: string; attempt: number; run_at: Date | number }>(
    "SELECT kind, step_id, attempt, run_at FROM engine.queue WHERE run_id = $1 ORDER BY run_at",
    [runId],
  );
  return {
    ...toSummary(row),
    event: parse(row.event),
    output: parse(row.output),
    error: parse(row.error),
    parentRunId: row.parent_run_id,
    stepList: steps.rows.map((s) => ({
      id: s.step_id,
      name: s.name,
      op: s.op,
      result: parse(s.result),
      attempt: s.attempt,
      at: s.created_at.toISOString(),
    })),
    attemptList: attempts.rows.map((a) => ({
      stepId: a.step_id,
      attempt: a.attempt,
      startedAt: a.started_at.toISOString(),
      endedAt: a.ended_at.toISOString(),
      durationMs: a.ended_at.getTime() - a.started_at.getTime(),
      statusCode: a.status_code,
      outcome: a.outcome,
      error: parse(a.error),
    })),
    pending: pending.rows.map((p) => ({
      kind: p.kind,
      stepId: p.step_id,
      attempt: p.attempt,
      runAt: p.run_at instanceof Date && Number.isFinite(p.run_at.getTime()) ? p.run_at.toISOString() : "never",
    })),
  };
}
