import { newUlid } from "../protocol/ids.ts";
import type { EngineContext } from "./context.ts";
import { ingestInTx, type PreparedEvent } from "./ingest-events.ts";
import { withLocalStarts } from "./local-starts.ts";
import { canonical } from "./run-state.ts";

/** Ingests internal events written by run transactions; deleting the row in the same transaction = once. */
export async function drainOutbox(ctx: EngineContext): Promise<void> {
  const wake = await withLocalStarts(ctx, async (tx, local) => {
    const { rows } = await tx.query<{ id: string; payload: string }>(
      `DELETE FROM engine.outbox WHERE id IN (
         SELECT id FROM engine.outbox ORDER BY id LIMIT 50 FOR UPDATE SKIP LOCKED)
       RETURNING id::text AS id, payload`,
    );
    if (rows.length === 0) return false;
    const prepared: PreparedEvent[] = rows.map((row) => {
      const payload = JSON.parse(row.payload) as Record<string, unknown> & { name: string };
      const id = newUlid(ctx.now());
      const full = { ...payload, id, ts: ctx.now() };
      return { id, dedupKey: `outbox:${row.id}`, name: payload.name, payload: full, text: canonical(full) };
    });
    return (await ingestInTx(ctx, tx, prepared, local)).wake;
  });
  if (wake) ctx.wake();
}
