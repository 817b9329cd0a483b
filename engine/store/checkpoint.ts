import type { Db } from "../db.ts";
import { canonical } from "../runtime/run-state.ts";

export type CheckpointStep = { id: string; op: string; name?: string; displayName?: string; data?: unknown };

/**
 * Memoizes checkpointed steps in one statement (all steps of one POST in one INSERT), only while the sender's
 * lease (`qi_id` = item.generation) is current: the item's row lock makes a concurrent claim skip the item until
 * this commits, or this statement see the new generation. The lease is extended at the same time once half of it
 * is spent. The statement is named, so it is planned once per connection (planning it cost about as much as the
 * commit). The commit is synchronous: the 200 that follows is the acknowledgement. False = stale dispatch (409).
 */
export async function saveCheckpoint(
  db: Db,
  runId: string,
  queueItem: string,
  steps: CheckpointStep[],
  leaseMs: number,
): Promise<boolean> {
  const match = /^(\d+)\.(\d+)$/.exec(queueItem);
  if (!match) return false;
  const { rows } = await db.query<{ ok: boolean }>({
    name: "engine.checkpoint",
    text: `WITH item AS (
             SELECT id FROM engine.queue WHERE id = $1 AND lease_gen = $2 AND run_id = $3 FOR UPDATE),
           saved AS (
             INSERT INTO engine.steps (run_id, step_id, op, result, name)
             SELECT $3, s.step_id, 'StepRun', s.result::json, s.name
               FROM item, unnest($4::text[], $5::text[], $6::text[]) WITH ORDINALITY AS s(step_id, result, name, ord)
              ORDER BY s.ord
             ON CONFLICT (run_id, step_id) DO NOTHING),
           touched AS (
             UPDATE engine.queue q SET lease_expires_at = now() + $7 * interval '1 millisecond'
               FROM item WHERE q.id = item.id AND q.lease_expires_at < now() + $7 * interval '500 microseconds'
               RETURNING q.id)
           SELECT EXISTS (SELECT 1 FROM item) AS ok`,
    values: [
      match[1],
      Number(match[2]),
      runId,
      steps.map((s) => s.id),
      steps.map((s) => `{"data":${canonical(s.data ?? null)}}`),
      steps.map((s) => s.displayName ?? s.name ?? null),
      leaseMs,
    ],
  });
  return rows[0]?.ok === true;
}
