import { withTx } from "../db.ts";
import type { EngineContext } from "./context.ts";
import type { LeasedItem } from "./run-state.ts";

// Claims due queue items with an expiring lease. `FOR UPDATE SKIP LOCKED` lets any number of engine processes
// claim concurrently without blocking each other; an item whose lease expired (dead worker) is due again.

const RETURNING = "RETURNING q.id::text AS id, q.run_id, q.function_id, q.lease_gen, q.step_id, q.kind, q.attempt";

export async function claimItems(ctx: EngineContext, limit: number): Promise<LeasedItem[]> {
  const { rows } = await ctx.db.query<LeasedItem>({
    name: "engine.claim",
    text: `WITH due AS (
             SELECT id FROM engine.queue
              WHERE run_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now())
                AND (cardinality(concurrency_keys) = 0 OR kind NOT IN ('call', 'step'))
              ORDER BY run_at LIMIT $1 FOR UPDATE SKIP LOCKED)
           UPDATE engine.queue q
              SET lease_owner = $2, lease_gen = q.lease_gen + 1,
                  lease_expires_at = now() + $3 * interval '1 millisecond', started_at = clock_timestamp()
             FROM due WHERE q.id = due.id
           ${RETURNING}`,
    values: [limit, ctx.owner, ctx.config.leaseMs],
  });
  if (rows.length >= limit || !ctx.registry.hasConcurrency()) return rows;
  return [...rows, ...(await claimLimited(ctx, limit - rows.length))];
}

type Candidate = { id: string; concurrency_keys: string[]; concurrency_limits: number[] };

/**
 * Items under a concurrency limit: per key, an advisory lock serialises the count of live leases and the new
 * lease, across processes. An item over its limit waits a poll interval before it is considered again.
 */
async function claimLimited(ctx: EngineContext, limit: number): Promise<LeasedItem[]> {
  return withTx(ctx.db, async (tx) => {
    const { rows } = await tx.query<Candidate>(
      `SELECT id::text AS id, concurrency_keys, concurrency_limits FROM engine.queue
        WHERE run_at <= now() AND (lease_expires_at IS NULL OR lease_expires_at < now())
          AND cardinality(concurrency_keys) > 0 AND kind IN ('call', 'step')
        ORDER BY run_at LIMIT $1 FOR UPDATE SKIP LOCKED`,
      [limit],
    );
    if (rows.length === 0) return [];
    const keys = [...new Set(rows.flatMap((r) => r.concurrency_keys))].sort();
    for (const key of keys)
      await tx.query("SELECT pg_advisory_xact_lock(hashtext('engine.concurrency:' || $1))", [key]);
    const live = await tx.query<{ key: string; n: string }>(
      `SELECT k AS key, count(*) AS n FROM engine.queue, unnest(concurrency_keys) AS k
        WHERE k = ANY($1) AND lease_expires_at > now() AND kind IN ('call', 'step') GROUP BY k`,
      [keys],
    );
    const used = new Map(live.rows.map((r) => [r.key, Number(r.n)]));
    const granted: string[] = [];
    const blocked: string[] = [];
    for (const row of rows) {
      const fits = row.concurrency_keys.every((key, i) => (used.get(key) ?? 0) < (row.concurrency_limits[i] ?? 1));
      if (!fits) {
        blocked.push(row.id);
        continue;
      }
      for (const key of row.concurrency_keys) used.set(key, (used.get(key) ?? 0) + 1);
      granted.push(row.id);
    }
    if (blocked.length > 0) {
      await tx.query(
        "UPDATE engine.queue SET run_at = now() + $2 * interval '1 millisecond' WHERE id = ANY($1::bigint[])",
        [blocked, ctx.config.pollMs],
      );
    }
    if (granted.length === 0) return [];
    const leased = await tx.query<LeasedItem>(
      `UPDATE engine.queue q
          SET lease_owner = $2, lease_gen = q.lease_gen + 1, lease_expires_at = now() + $3 * interval '1 millisecond',
              started_at = clock_timestamp()
        WHERE q.id = ANY($1::bigint[])
       ${RETURNING}`,
      [granted, ctx.owner, ctx.config.leaseMs],
    );
    return leased.rows;
  });
}

export async function extendLease(ctx: EngineContext, item: Pick<LeasedItem, "id" | "lease_gen">): Promise<void> {
  await ctx.db.query({
    name: "engine.extend-lease",
    text: "UPDATE engine.queue SET lease_expires_at = now() + $3 * interval '1 millisecond' WHERE id = $1 AND lease_gen = $2",
    values: [item.id, item.lease_gen, ctx.config.leaseMs],
  });
}
