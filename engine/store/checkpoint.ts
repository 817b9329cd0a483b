import type { Db } from "../db.ts";
import { extendLease } from "../runtime/claim.ts";
import type { EngineContext } from "../runtime/context.ts";
import { canonical } from "../runtime/run-state.ts";

export type CheckpointStep = { id: string; op: string; name?: string; displayName?: string; data?: unknown };

/** The SDK's `qi_id`, "<queue item id>.<lease generation>". */
function leasedItemOf(queueItem: string): { id: string; lease_gen: number } | null {
  const match = /^(\d+)\.(\d+)$/.exec(queueItem);
  return match ? { id: match[1] as string, lease_gen: Number(match[2]) } : null;
}

/** The sender's queue item, locked, if its lease is still current: a checkpoint stores nothing otherwise. */
const LEASED_ITEM = "SELECT id FROM engine.queue WHERE id = $1 AND lease_gen = $2 AND run_id = $3 FOR UPDATE";

/** The usual checkpoint: one step, just run. Without `unnest` and its sort it costs PostgreSQL ~25 µs less. */
const SAVE_ONE_STEP = `INSERT INTO engine.steps (run_id, step_id, op, result, name)
  SELECT $3, $4, 'StepRun', $5::json, $6 FROM (${LEASED_ITEM}) AS item
  ON CONFLICT (run_id, step_id) DO NOTHING`;

/** Several steps of one POST, stored in their order. */
const SAVE_STEPS = `INSERT INTO engine.steps (run_id, step_id, op, result, name)
  SELECT $3, s.step_id, 'StepRun', s.result::json, s.name
    FROM (${LEASED_ITEM}) AS item,
         unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS s(step_id, result, name, ord)
   ORDER BY s.ord
  ON CONFLICT (run_id, step_id) DO NOTHING`;

/**
 * Memoizes checkpointed steps (all steps of one POST in one INSERT), only while the sender's lease
 * (`qi_id` = item.generation) is current: the item's row lock makes a concurrent claim skip the item until this
 * commits, or this statement see the new generation. The commit is synchronous: the 200 that follows is the
 * acknowledgement. False = stale dispatch (409).
 *
 * Kept to one plain INSERT on the hot path because it is on every step's critical path (docs/engine.md, "Where
 * a checkpoint's time goes"): named, so it is planned once per connection, and returning no rows. Only when it
 * stores nothing — a retried checkpoint whose steps are all stored already, or a lease that is not ours — does a
 * second statement tell the two apart. The lease is kept alive apart from it, by `leaseKeeper`.
 */
export async function saveCheckpoint(
  db: Db,
  runId: string,
  queueItem: string,
  steps: CheckpointStep[],
): Promise<boolean> {
  const item = leasedItemOf(queueItem);
  if (!item) return false;
  const lease = [item.id, item.lease_gen, runId];
  const result = (step: CheckpointStep) => `{"data":${canonical(step.data ?? null)}}`;
  const name = (step: CheckpointStep) => step.displayName ?? step.name ?? null;
  const [only] = steps;
  const saved = await db.query(
    steps.length === 1 && only
      ? { name: "engine.checkpoint-step", text: SAVE_ONE_STEP, values: [...lease, only.id, result(only), name(only)] }
      : {
          name: "engine.checkpoint",
          text: SAVE_STEPS,
          values: [...lease, steps.map((s) => s.id), steps.map(result), steps.map(name)],
        },
  );
  if ((saved.rowCount ?? 0) > 0) return true;
  const { rows } = await db.query<{ ok: boolean }>({
    name: "engine.checkpoint-lease",
    text: "SELECT EXISTS (SELECT 1 FROM engine.queue WHERE id = $1 AND lease_gen = $2 AND run_id = $3) AS ok",
    values: lease,
  });
  return rows[0]?.ok === true;
}

/**
 * Keeps the lease of a call that checkpoints. The calling engine's heartbeat (run-call.ts) does that while the
 * engine lives, but an SDK call outlives a crashed engine and goes on checkpointing to its successor: if its lease
 * ran out meanwhile, the item would be dispatched again while that call still runs its steps, and a step body
 * would run twice at once (a chaos test caught agent steps colliding that way). A checkpoint is proof the call is
 * alive, so it extends the lease: on the first checkpoint this engine sees of an item, then at most once a third
 * of the lease, after the answer, so that the checkpoint itself stays one statement on the step's critical path.
 */
export function leaseKeeper(ctx: EngineContext): (queueItem: string) => Promise<void> {
  const extendedAt = new Map<string, number>();
  return async (queueItem) => {
    const item = leasedItemOf(queueItem);
    const now = Date.now();
    if (!item || now - (extendedAt.get(queueItem) ?? Number.NEGATIVE_INFINITY) < ctx.config.leaseMs / 3) return;
    if (extendedAt.size >= 10_000) {
      for (const [item, at] of extendedAt) if (now - at >= ctx.config.leaseMs) extendedAt.delete(item);
    }
    extendedAt.set(queueItem, now);
    await extendLease(ctx, item);
  };
}
