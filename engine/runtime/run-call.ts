import { withTx } from "../db.ts";
import { parseDurationMs } from "../protocol/durations.ts";
import { buildCallRequest, sendCall } from "./call-function.ts";
import { extendLease } from "./claim.ts";
import type { EngineContext } from "./context.ts";
import { applyOutcome } from "./handle-outcome.ts";
import { cancelRun, canonical, failRun, isTerminal, type LeasedItem, lockRun } from "./run-state.ts";
import { tracedCall } from "./trace-call.ts";

/** Executes one leased call/step item: the HTTP call to the SDK, heartbeating the lease meanwhile. */
export async function runCall(ctx: EngineContext, item: LeasedItem): Promise<LeasedItem | undefined> {
  const fn = ctx.registry.get(item.function_id);
  if (!fn) {
    await endWith(ctx, item, "fail", `function "${item.function_id}" is not synced with this engine`);
    return undefined;
  }
  // Without timeouts, starting the run is a plain status change made by the statement that reads it.
  const plainStart = !fn.timeouts.start && !fn.timeouts.finish;
  const request = await buildCallRequest(ctx, item, fn.url, plainStart);
  if (!request || isTerminal(request.runStatus)) return undefined;
  if (!request.started && !plainStart) {
    const late = await markStarted(ctx, item, fn.timeouts.start, fn.timeouts.finish);
    if (late) return undefined;
  }
  const heartbeat = setInterval(
    () => extendLease(ctx, item).catch((error) => ctx.log.warn("lease heartbeat failed", { error })),
    Math.max(50, Math.floor(ctx.config.leaseMs / 3)),
  );
  const startedAt = new Date(ctx.now());
  try {
    const outcome = await tracedCall(item, request, () => sendCall(ctx, request, item.run_id));
    if (outcome.kind === "error") {
      ctx.log.debug("call failed", {
        runId: item.run_id,
        stepId: item.step_id,
        attempt: item.attempt,
        status: outcome.status,
      });
    }
    return await applyOutcome(ctx, item, outcome, startedAt);
  } finally {
    clearInterval(heartbeat);
  }
}

/** First call of a run: marks it running, enforces `timeouts.start`, schedules `timeouts.finish`. */
async function markStarted(
  ctx: EngineContext,
  item: LeasedItem,
  startTimeout: string | undefined,
  finishTimeout: string | undefined,
): Promise<boolean> {
  const startMs = startTimeout ? parseDurationMs(startTimeout) : null;
  const finishMs = finishTimeout ? parseDurationMs(finishTimeout) : null;
  return withTx(ctx.db, async (tx) => {
    const run = await lockRun(tx, item.run_id);
    if (!run || isTerminal(run.status)) return true;
    const { rows } = await tx.query<{ late: boolean }>(
      `UPDATE engine.runs SET status = 'running', started_at = clock_timestamp()
        WHERE id = $1 AND started_at IS NULL
        RETURNING ($2::bigint IS NOT NULL AND created_at + $2 * interval '1 millisecond' < clock_timestamp()) AS late`,
      [item.run_id, startMs],
    );
    if (rows[0]?.late) {
      await cancelRun(ctx, tx, run, "the run did not start within timeouts.start");
      return true;
    }
    if (rows[0] && finishMs !== null) {
      await tx.query(
        `INSERT INTO engine.queue (run_id, function_id, kind, step_id, run_at)
         VALUES ($1, $2, 'timeout', '__timeouts.finish', now() + $3 * interval '1 millisecond')
         ON CONFLICT (run_id, step_id) DO NOTHING`,
        [run.id, run.function_id, finishMs],
      );
    }
    return false;
  });
}

async function endWith(ctx: EngineContext, item: LeasedItem, how: "fail", message: string): Promise<void> {
  await withTx(ctx.db, async (tx) => {
    const run = await lockRun(tx, item.run_id);
    if (!run || isTerminal(run.status)) return;
    if (how === "fail") await failRun(ctx, tx, run, canonical({ name: "EngineError", message }));
  });
}
