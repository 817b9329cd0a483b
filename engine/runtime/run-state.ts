import canonicalize from "canonicalize";
import type { Tx } from "../db.ts";
import { evaluateKey } from "../protocol/cel.ts";
import { parseDurationMs } from "../protocol/durations.ts";
import { newUlid } from "../protocol/ids.ts";
import type { EngineContext } from "./context.ts";
import type { FunctionDef } from "./function-config.ts";
import type { LocalStarts } from "./local-starts.ts";

// Transitions of a run. Every function here runs inside a transaction that holds the run's row lock
// (`lockRun`), which serialises all writers of one run across engine processes. Statements on the hot path are
// named (prepared once per connection): planning the larger ones on every call cost about as much as their
// commit.

export type RunRow = {
  id: string;
  function_id: string;
  status: string;
  event: string;
  max_attempts: number;
  concurrency_keys: string[];
  concurrency_limits: number[];
  disable_immediate: boolean;
  parent_run_id: string | null;
  parent_step_id: string | null;
};

export type LeasedItem = {
  id: string;
  run_id: string;
  function_id: string;
  lease_gen: number;
  step_id: string;
  kind: string;
  attempt: number;
  /** Set on the first call of a run this process just created: its request needs nothing from the database. */
  created?: { event: string; maxAttempts: number };
};

const TERMINAL = new Set(["completed", "failed", "cancelled"]);
export const isTerminal = (status: string) => TERMINAL.has(status);
export const PENDING_KINDS = ["step", "sleep", "wait", "invoke"];

export function canonical(value: unknown): string {
  return canonicalize(value ?? null) ?? "null";
}

/** What every statement that leases a queue item returns. */
export const LEASED_COLUMNS = "id::text AS id, run_id, function_id, lease_gen, step_id, kind, attempt";

/** The columns of a `RunRow`. */
export const RUN_COLUMNS = `id, function_id, status, event, max_attempts, concurrency_keys, concurrency_limits,
  disable_immediate, parent_run_id, parent_step_id`;

export async function lockRun(tx: Tx, runId: string): Promise<RunRow | null> {
  const { rows } = await tx.query<RunRow>({
    name: "engine.lock-run",
    text: `SELECT ${RUN_COLUMNS} FROM engine.runs WHERE id = $1 FOR UPDATE`,
    values: [runId],
  });
  return rows[0] ?? null;
}

/** Stores a step result unless one is already stored; the first acknowledged result is final. */
export async function memoizeStep(
  tx: Tx,
  runId: string,
  stepId: string,
  op: string,
  result: string,
  opts: { name?: string | null; attempt?: number } = {},
): Promise<void> {
  await tx.query({
    name: "engine.memoize-step",
    text: `INSERT INTO engine.steps (run_id, step_id, op, result, name, attempt) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (run_id, step_id) DO NOTHING`,
    values: [runId, stepId, op, result, opts.name ?? null, opts.attempt ?? 0],
  });
}

export type Continuation = { leased?: LeasedItem; wake: boolean };

/**
 * Queues the next discovery call once nothing else of the run is pending (planned steps, sleeps, waits, invokes).
 * With `leaseTo`, the new item is leased to the caller at once (no claim round trip) when no concurrency applies.
 */
export async function continueRun(ctx: EngineContext, tx: Tx, run: RunRow, leaseTo?: string): Promise<Continuation> {
  const selfLease = leaseTo !== undefined && run.concurrency_keys.length === 0;
  const { rows } = await tx.query<LeasedItem>({
    name: "engine.continue-run",
    text: `INSERT INTO engine.queue (run_id, function_id, kind, step_id, concurrency_keys, concurrency_limits,
                                     lease_owner, lease_gen, lease_expires_at, started_at)
           SELECT $1, $2, 'call', 'step', $3, $4, $5, CASE WHEN $5::text IS NULL THEN 0 ELSE 1 END,
                  CASE WHEN $5::text IS NULL THEN NULL ELSE now() + $6 * interval '1 millisecond' END,
                  CASE WHEN $5::text IS NULL THEN NULL ELSE clock_timestamp() END
            WHERE NOT EXISTS (SELECT 1 FROM engine.queue WHERE run_id = $1 AND kind = ANY($7))
           ON CONFLICT (run_id, step_id) DO NOTHING
           RETURNING ${LEASED_COLUMNS}`,
    values: [
      run.id,
      run.function_id,
      run.concurrency_keys,
      run.concurrency_limits,
      selfLease ? leaseTo : null,
      ctx.config.leaseMs,
      PENDING_KINDS,
    ],
  });
  const item = rows[0];
  if (!item) return { wake: false };
  return selfLease ? { leased: item, wake: false } : { wake: true };
}

/** Ends the run and drops everything still pending for it, in one statement. */
async function endRun(tx: Tx, run: RunRow, status: string, column: "output" | "error", value: string): Promise<void> {
  await tx.query({
    name: `engine.end-run-${column}`,
    text: `WITH ended AS (
             UPDATE engine.runs SET status = $2, ${column} = $3, ended_at = clock_timestamp() WHERE id = $1),
           pending AS (DELETE FROM engine.queue WHERE run_id = $1),
           waits AS (DELETE FROM engine.waits WHERE run_id = $1)
           SELECT 1`,
    values: [run.id, status, value],
  });
  run.status = status;
}

export async function completeRun(ctx: EngineContext, tx: Tx, run: RunRow, output: string): Promise<void> {
  await endRun(tx, run, "completed", "output", output);
  await resolveParent(ctx, tx, run, `{"data":${output}}`);
  ctx.log.debug("run completed", { runId: run.id, functionId: run.function_id });
}

export async function failRun(ctx: EngineContext, tx: Tx, run: RunRow, error: string): Promise<void> {
  await endRun(tx, run, "failed", "error", error);
  await resolveParent(ctx, tx, run, `{"error":${error}}`);
  // onFailure handlers run from this event; the outbox makes it part of this transaction.
  const failed = `{"data":{"error":${error},"event":${run.event},"function_id":${JSON.stringify(run.function_id)},"run_id":${JSON.stringify(run.id)}},"name":"inngest/function.failed"}`;
  await tx.query("INSERT INTO engine.outbox (payload) VALUES ($1)", [failed]);
  ctx.log.info("run failed", { runId: run.id, functionId: run.function_id, error: safeMessage(error) });
}

export async function cancelRun(ctx: EngineContext, tx: Tx, run: RunRow, reason: string): Promise<void> {
  const error = canonical({ name: "RunCancelled", message: reason });
  await endRun(tx, run, "cancelled", "error", error);
  await resolveParent(ctx, tx, run, `{"error":${error}}`);
  ctx.log.info("run cancelled", { runId: run.id, functionId: run.function_id, reason });
}

/** An invoked run hands its result to the waiting `step.invoke` of its parent. */
async function resolveParent(ctx: EngineContext, tx: Tx, run: RunRow, result: string): Promise<void> {
  if (!run.parent_run_id || !run.parent_step_id) return;
  const parent = await lockRun(tx, run.parent_run_id);
  if (!parent || isTerminal(parent.status)) return;
  const waiting = await tx.query(
    "DELETE FROM engine.queue WHERE run_id = $1 AND step_id = $2 AND kind = 'invoke' RETURNING id",
    [parent.id, run.parent_step_id],
  );
  if (waiting.rowCount === 0) return; // the invoke timed out already
  await memoizeStep(tx, parent.id, run.parent_step_id, "InvokeFunction", result);
  const next = await continueRun(ctx, tx, parent);
  if (next.wake) ctx.wake();
}

function safeMessage(errorJson: string): string {
  try {
    const parsed = JSON.parse(errorJson) as { message?: unknown };
    return typeof parsed.message === "string" ? parsed.message : errorJson.slice(0, 200);
  } catch {
    return errorJson.slice(0, 200);
  }
}

export type NewRun = {
  fn: FunctionDef;
  event: Record<string, unknown>;
  eventText: string;
  eventId?: string;
  parent?: { runId: string; stepId: string };
  /** Lease the first call to this process when a worker slot is free (see `LocalStarts`). */
  local?: LocalStarts;
};

/** Creates a run and its first queue item; returns null when the idempotency key was seen in the last 24 h. */
export async function createRun(ctx: EngineContext, tx: Tx, input: NewRun): Promise<string | null> {
  const { fn, event } = input;
  const vars = { event };
  const runId = newUlid(ctx.now());
  if (fn.idempotency) {
    const key = evaluateKey(fn.idempotency, vars);
    const claimed = await tx.query(
      `INSERT INTO engine.idempotency (function_id, key, run_id, expires_at) VALUES ($1, $2, $3, now() + interval '24 hours')
       ON CONFLICT (function_id, key) DO UPDATE SET run_id = excluded.run_id, expires_at = excluded.expires_at
         WHERE engine.idempotency.expires_at < now()
       RETURNING run_id`,
      [fn.id, key, runId],
    );
    if (claimed.rowCount === 0) return null;
  }
  const keys: string[] = [];
  const limits: number[] = [];
  for (const rule of fn.concurrency) {
    const value = rule.key ? evaluateKey(rule.key, vars) : "";
    keys.push(rule.scope === "fn" ? `fn:${fn.id}:${rule.key ?? ""}:${value}` : `env:${rule.key}:${value}`);
    limits.push(rule.limit);
  }
  // Concurrency limits need the claim's live-lease count; start timeouts are measured up to the claim.
  const leaseTo =
    input.local && keys.length === 0 && !fn.timeouts.start && !fn.timeouts.finish && input.local.reserve()
      ? ctx.owner
      : null;
  // A run leased here starts right after the commit, so it is created running.
  const { rows } = await tx.query<LeasedItem>({
    name: "engine.create-run",
    text: `WITH run AS (
             INSERT INTO engine.runs (id, function_id, status, event_id, event, max_attempts, concurrency_keys,
                                      concurrency_limits, parent_run_id, parent_step_id, started_at)
             VALUES ($1, $2, CASE WHEN $10::text IS NULL THEN 'queued' ELSE 'running' END, $3, $4, $5, $6, $7, $8, $9,
                     CASE WHEN $10::text IS NULL THEN NULL ELSE clock_timestamp() END)
             RETURNING id)
           INSERT INTO engine.queue (run_id, function_id, kind, step_id, concurrency_keys, concurrency_limits,
                                     lease_owner, lease_gen, lease_expires_at, started_at)
           SELECT run.id, $2, 'call', 'step', $6, $7, $10, CASE WHEN $10::text IS NULL THEN 0 ELSE 1 END,
                  CASE WHEN $10::text IS NULL THEN NULL ELSE now() + $11 * interval '1 millisecond' END,
                  CASE WHEN $10::text IS NULL THEN NULL ELSE clock_timestamp() END
             FROM run
           RETURNING ${LEASED_COLUMNS}`,
    values: [
      runId,
      fn.id,
      input.eventId ?? null,
      input.eventText,
      fn.maxAttempts,
      keys,
      limits,
      input.parent?.runId ?? null,
      input.parent?.stepId ?? null,
      leaseTo,
      ctx.config.leaseMs,
    ],
  });
  const item = rows[0];
  if (leaseTo && item) input.local?.add({ ...item, created: { event: input.eventText, maxAttempts: fn.maxAttempts } });
  for (const [index, cancel] of fn.cancel.entries()) {
    const ttl = cancel.timeout ? parseDurationMs(cancel.timeout) : null;
    await tx.query(
      `INSERT INTO engine.waits (run_id, step_id, kind, event_name, expression, expires_at)
       VALUES ($1, $2, 'cancel', $3, $4, CASE WHEN $5::bigint IS NULL THEN NULL ELSE now() + $5 * interval '1 millisecond' END)`,
      [runId, `cancel:${index}`, cancel.event, cancel.if ?? null, ttl],
    );
  }
  return runId;
}
