import type { Db } from "../db.ts";
import { canonical } from "../runtime/run-state.ts";

export type CheckpointStep = { id: string; op: string; name?: string; displayName?: string; data?: unknown };

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
 * second statement tell the two apart. The lease itself is kept alive by the calling engine's heartbeat
 * (run-call.ts), not here: a call whose engine died is re-dispatched when its lease runs out, however busy its
 * SDK still is checkpointing.
 */
export async function saveCheckpoint(
  db: Db,
  runId: string,
  queueItem: string,
  steps: CheckpointStep[],
): Promise<boolean> {
  const match = /^(\d+)\.(\d+)$/.exec(queueItem);
  if (!match) return false;
  const lease = [match[1], Number(match[2]), runId];
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
