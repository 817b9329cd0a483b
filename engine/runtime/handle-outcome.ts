import type { Tx } from "../db.ts";
import { Rollback, withTx } from "../db.ts";
import { checkExpression, matches } from "../protocol/cel.ts";
import { resolveDeadline } from "../protocol/durations.ts";
import { hashStepId } from "../protocol/ids.ts";
import { retryDelayMs } from "./backoff.ts";
import type { CallOutcome, Op } from "./call-function.ts";
import type { EngineContext } from "./context.ts";
import {
  canonical,
  completeRun,
  continueRun,
  createRun,
  failRun,
  isTerminal,
  type LeasedItem,
  memoizeStep,
  RUN_COLUMNS,
  type RunRow,
} from "./run-state.ts";

// Applies the answer of one call to the run, in one transaction that first proves the lease is still ours.

const COMPLETE_ID = hashStepId("complete");
const ASYNC_OPS = new Set(["StepPlanned", "Sleep", "WaitForEvent", "InvokeFunction"]);

type Applied = { leased?: LeasedItem; wake: boolean };

export async function applyOutcome(
  ctx: EngineContext,
  item: LeasedItem,
  outcome: CallOutcome,
  startedAt: Date,
): Promise<LeasedItem | undefined> {
  const waitNames =
    outcome.kind === "ops"
      ? [
          ...new Set(outcome.ops.filter((op) => op.op === "WaitForEvent" && op.name).map((op) => op.name as string)),
        ].sort()
      : [];
  try {
    const applied = await withTx(ctx.db, async (tx) => {
      // Wait names are locked before the run, as event ingestion does, so the two cannot deadlock.
      for (const name of waitNames)
        await tx.query("SELECT pg_advisory_xact_lock(hashtext('engine.event:' || $1))", [name]);
      const { run, taken } = await lockRunAndTakeItem(tx, item, outcome, startedAt);
      if (!run || isTerminal(run.status)) throw new Rollback("run ended");
      if (!taken) throw new Rollback("stale lease");
      const state: OpState = { wake: false, windowStart: taken.started_at ?? startedAt };
      if (outcome.kind === "completed") {
        await completeRun(ctx, tx, run, canonical(outcome.output));
        return state;
      }
      if (outcome.kind === "error" && outcome.unreachable) {
        // No HTTP answer: the app is down or restarting. The function did not answer, so no attempt is spent.
        const unreachable = taken.unreachable + 1;
        const delay = retryDelayMs(unreachable, undefined, {
          baseMs: ctx.config.retryBaseMs,
          capMs: ctx.config.retryCapMs,
          now: ctx.now(),
        });
        await tx.query(
          `INSERT INTO engine.queue (run_id, function_id, kind, step_id, attempt, unreachable, run_at, concurrency_keys,
                                     concurrency_limits)
           VALUES ($1, $2, $3, $4, $5, $6, now() + $7 * interval '1 millisecond', $8, $9)`,
          [
            run.id,
            run.function_id,
            taken.kind,
            item.step_id,
            item.attempt,
            unreachable,
            delay,
            run.concurrency_keys,
            run.concurrency_limits,
          ],
        );
        if (unreachable === 1 || unreachable % 20 === 0) {
          ctx.log.warn("app unreachable; retrying without spending an attempt", {
            runId: run.id,
            unreachable,
            delayMs: delay,
          });
        }
        return state;
      }
      if (outcome.kind === "error") {
        await retryOrFail(
          ctx,
          tx,
          run,
          item,
          item.step_id,
          outcome.retriable,
          outcome.error,
          outcome.retryAfter,
          state,
        );
        return state;
      }
      await applyOps(ctx, tx, run, item, outcome.ops, outcome.retryAfter, state);
      if (!isTerminal(run.status) && !state.rescheduled) {
        const next = await continueRun(ctx, tx, run, ctx.owner);
        state.leased = next.leased;
        if (next.wake) state.wake = true;
      }
      return state;
    });
    if (applied.wake) ctx.wake();
    return applied.leased;
  } catch (error) {
    if (error instanceof Rollback) {
      ctx.log.debug("call result discarded", { runId: item.run_id, reason: error.reason });
      return undefined;
    }
    throw error;
  }
}

type OpState = Applied & { windowStart: Date; rescheduled?: boolean };

/**
 * Locks the run, then deletes our item while its lease is still ours and the run has not ended (else `taken` is
 * null) and records the attempt: one statement, the locks taken in the usual order (run, then queue row).
 */
async function lockRunAndTakeItem(
  tx: Tx,
  item: LeasedItem,
  outcome: CallOutcome,
  startedAt: Date,
): Promise<{ run: RunRow | null; taken: { started_at: Date | null; unreachable: number; kind: string } | null }> {
  const summary =
    outcome.kind === "completed"
      ? "completed"
      : outcome.kind === "ops"
        ? outcome.ops.map((op) => op.op).join(",")
        : outcome.unreachable
          ? "unreachable"
          : outcome.retriable
            ? "error"
            : "failed";
  const error = outcome.kind === "error" ? canonical(outcome.error) : null;
  const status = outcome.kind === "completed" ? 200 : outcome.kind === "ops" ? 206 : (outcome.status ?? null);
  const { rows } = await tx.query<
    RunRow & { item_started_at: Date | null; item_unreachable: number | null; item_kind: string | null }
  >({
    name: "engine.take-item",
    text: `WITH run AS (SELECT ${RUN_COLUMNS} FROM engine.runs WHERE id = $3 FOR UPDATE),
           item AS (
             DELETE FROM engine.queue WHERE id = $1 AND lease_gen = $2
                AND (SELECT status FROM run) NOT IN ('completed', 'failed', 'cancelled')
             RETURNING started_at, unreachable, kind),
           attempt AS (
             INSERT INTO engine.attempts (run_id, step_id, attempt, started_at, status_code, outcome, error)
             SELECT $3::text, $4::text, $5::int, $6::timestamptz, $7::int, $8::text, $9::json FROM item)
           SELECT run.*, item.started_at AS item_started_at, item.unreachable AS item_unreachable,
                  item.kind AS item_kind
             FROM run LEFT JOIN item ON true`,
    values: [
      item.id,
      item.lease_gen,
      item.run_id,
      item.step_id,
      item.attempt,
      startedAt,
      status,
      summary.slice(0, 200),
      error,
    ],
  });
  const row = rows[0];
  if (!row) return { run: null, taken: null };
  const { item_started_at, item_unreachable, item_kind, ...run } = row;
  return {
    run,
    taken: item_kind ? { started_at: item_started_at, unreachable: item_unreachable ?? 0, kind: item_kind } : null,
  };
}

/** Retries the item (same step, next attempt, after backoff) or, when attempts are spent, fails the run. */
async function retryOrFail(
  ctx: EngineContext,
  tx: Tx,
  run: RunRow,
  item: LeasedItem,
  stepId: string,
  retriable: boolean,
  error: unknown,
  retryAfter: string | undefined,
  state: OpState,
): Promise<void> {
  const nextAttempt = item.attempt + 1;
  if (!retriable || nextAttempt >= run.max_attempts) {
    await failRun(ctx, tx, run, canonical(error));
    return;
  }
  const delay = retryDelayMs(nextAttempt, retryAfter, {
    baseMs: ctx.config.retryBaseMs,
    capMs: ctx.config.retryCapMs,
    now: ctx.now(),
  });
  const kind = stepId === "step" ? "call" : "step";
  await tx.query(
    `INSERT INTO engine.queue (run_id, function_id, kind, step_id, attempt, run_at, concurrency_keys, concurrency_limits)
     VALUES ($1, $2, $3, $4, $5, now() + $6 * interval '1 millisecond', $7, $8)
     ON CONFLICT (run_id, step_id) DO NOTHING`,
    [run.id, run.function_id, kind, stepId, nextAttempt, delay, run.concurrency_keys, run.concurrency_limits],
  );
  state.rescheduled = true;
  if (delay === 0) state.wake = true;
  ctx.log.debug("retry scheduled", { runId: run.id, stepId, attempt: nextAttempt, delayMs: delay });
}

async function applyOps(
  ctx: EngineContext,
  tx: Tx,
  run: RunRow,
  item: LeasedItem,
  ops: Op[],
  retryAfter: string | undefined,
  state: OpState,
): Promise<void> {
  // Two or more pending ops at once are parallel steps: from now on the SDK must not run steps immediately.
  if (ops.filter((op) => ASYNC_OPS.has(op.op)).length > 1 && !run.disable_immediate) {
    await tx.query("UPDATE engine.runs SET disable_immediate = true WHERE id = $1", [run.id]);
    run.disable_immediate = true;
  }
  for (const op of ops) {
    if (isTerminal(run.status)) return;
    switch (op.op) {
      case "StepRun":
        await memoizeStep(tx, run.id, op.id, "StepRun", `{"data":${canonical(op.data ?? null)}}`, {
          name: op.displayName ?? op.name,
          attempt: item.attempt,
        });
        break;
      case "StepFailed":
        if (op.id === COMPLETE_ID) {
          await failRun(ctx, tx, run, canonical(op.error));
          return;
        }
        await memoizeStep(tx, run.id, op.id, "StepFailed", `{"error":${canonical(op.error ?? null)}}`, {
          name: op.displayName ?? op.name,
          attempt: item.attempt,
        });
        break;
      case "StepError":
        // A retriable step error: run that step again at the next attempt (a run-level error when id = "complete").
        await retryOrFail(
          ctx,
          tx,
          run,
          item,
          op.id === COMPLETE_ID ? "step" : op.id,
          true,
          op.error,
          retryAfter,
          state,
        );
        if (op.id !== COMPLETE_ID && isTerminal(run.status)) return;
        break;
      case "StepPlanned":
        await planStep(tx, run, op.id, state);
        break;
      case "Sleep":
        await scheduleSleep(ctx, tx, run, op);
        break;
      case "WaitForEvent":
        await storeWait(ctx, tx, run, op, state);
        break;
      case "InvokeFunction":
        await startInvoke(ctx, tx, run, op, state);
        break;
      case "RunComplete":
        await completeRun(ctx, tx, run, canonical(op.data ?? null));
        return;
      case "DiscoveryRequest":
      case "StepNotFound":
        break;
      default:
        await failRun(
          ctx,
          tx,
          run,
          canonical({ name: "UnsupportedOpError", message: `the Holdfast engine does not support the ${op.op} op` }),
        );
        return;
    }
  }
}

async function planStep(tx: Tx, run: RunRow, stepId: string, state: OpState): Promise<void> {
  // Never twice: not if memoized, not if already queued.
  const inserted = await tx.query(
    `INSERT INTO engine.queue (run_id, function_id, kind, step_id, concurrency_keys, concurrency_limits)
     SELECT $1, $2, 'step', $3, $4, $5
      WHERE NOT EXISTS (SELECT 1 FROM engine.steps WHERE run_id = $1 AND step_id = $3)
     ON CONFLICT (run_id, step_id) DO NOTHING`,
    [run.id, run.function_id, stepId, run.concurrency_keys, run.concurrency_limits],
  );
  if ((inserted.rowCount ?? 0) > 0) state.wake = true;
}

async function scheduleSleep(ctx: EngineContext, tx: Tx, run: RunRow, op: Op): Promise<void> {
  const until = resolveDeadline(op.name ?? "", ctx.now());
  if (!until) {
    await failRun(ctx, tx, run, canonical({ name: "InvalidSleepError", message: `cannot parse sleep "${op.name}"` }));
    return;
  }
  await tx.query(
    `INSERT INTO engine.queue (run_id, function_id, kind, step_id, run_at) VALUES ($1, $2, 'sleep', $3, $4)
     ON CONFLICT (run_id, step_id) DO NOTHING`,
    [run.id, run.function_id, op.id, until],
  );
}

/**
 * Stores the wait in this transaction, then looks for a matching event that arrived since the call began: the
 * event name lock taken at the start makes an event committed concurrently visible to one side or the other.
 */
async function storeWait(ctx: EngineContext, tx: Tx, run: RunRow, op: Op, state: OpState): Promise<void> {
  const eventName = op.name;
  const timeout = typeof op.opts?.timeout === "string" ? op.opts.timeout : "";
  const expression = typeof op.opts?.if === "string" ? op.opts.if : null;
  const until = resolveDeadline(timeout, ctx.now());
  const problem = expression ? checkExpression(expression) : null;
  if (!eventName || !until || problem) {
    const message = !eventName
      ? "waitForEvent without an event name"
      : !until
        ? `cannot parse waitForEvent timeout "${timeout}"`
        : `waitForEvent if-expression "${expression}" does not parse: ${problem}`;
    await failRun(ctx, tx, run, canonical({ name: "InvalidWaitError", message }));
    return;
  }
  const { rows } = await tx.query<{ payload: string }>(
    "SELECT payload FROM engine.events WHERE name = $1 AND received_at >= $2 ORDER BY received_at, id",
    [eventName, state.windowStart],
  );
  const runEvent = JSON.parse(run.event) as unknown;
  const hit = rows.find((row) => matches(expression, { event: runEvent, async: JSON.parse(row.payload) }));
  if (hit) {
    await memoizeStep(tx, run.id, op.id, "WaitForEvent", `{"data":${hit.payload}}`);
    return;
  }
  await tx.query(
    `INSERT INTO engine.waits (run_id, step_id, kind, event_name, expression, expires_at)
     VALUES ($1, $2, 'wait', $3, $4, $5) ON CONFLICT (run_id, step_id) DO NOTHING`,
    [run.id, op.id, eventName, expression, until],
  );
  await tx.query(
    `INSERT INTO engine.queue (run_id, function_id, kind, step_id, run_at) VALUES ($1, $2, 'wait', $3, $4)
     ON CONFLICT (run_id, step_id) DO NOTHING`,
    [run.id, run.function_id, op.id, until],
  );
}

async function startInvoke(ctx: EngineContext, tx: Tx, run: RunRow, op: Op, state: OpState): Promise<void> {
  const functionId = typeof op.opts?.function_id === "string" ? op.opts.function_id : "";
  const fn = ctx.registry.get(functionId);
  if (!fn) {
    const error = { name: "InvokeError", message: `function "${functionId}" is not synced with this engine` };
    await memoizeStep(tx, run.id, op.id, "InvokeFunction", `{"error":${canonical(error)}}`);
    return;
  }
  const timeoutText = typeof op.opts?.timeout === "string" ? op.opts.timeout : undefined;
  const until = timeoutText ? resolveDeadline(timeoutText, ctx.now()) : null;
  const payload = (op.opts?.payload ?? {}) as { data?: Record<string, unknown>; v?: string };
  const source = JSON.parse(run.event) as { id?: string };
  const event: Record<string, unknown> = {
    name: "inngest/function.invoked",
    data: {
      ...(payload.data ?? {}),
      _inngest: { source_fn_id: run.function_id, source_run_id: run.id, source_event_id: source.id ?? null },
    },
    id: `invoke-${run.id}-${op.id}`,
    ts: ctx.now(),
    ...(payload.v ? { v: payload.v } : {}),
  };
  // The parent's pending marker; it expires at the invoke timeout (never without one).
  const marker = await tx.query(
    `INSERT INTO engine.queue (run_id, function_id, kind, step_id, run_at)
     VALUES ($1, $2, 'invoke', $3, coalesce($4::timestamptz, 'infinity')) ON CONFLICT (run_id, step_id) DO NOTHING`,
    [run.id, run.function_id, op.id, until],
  );
  if (marker.rowCount === 0) return;
  await createRun(ctx, tx, { fn, event, eventText: canonical(event), parent: { runId: run.id, stepId: op.id } });
  state.wake = true;
}
