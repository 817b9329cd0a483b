import type { Tx } from "../db.ts";
import { matches } from "../protocol/cel.ts";
import { newUlid, seededUlid } from "../protocol/ids.ts";
import type { EngineContext } from "./context.ts";
import { type LocalStarts, withLocalStarts } from "./local-starts.ts";
import { cancelRun, canonical, continueRun, createRun, isTerminal, lockRun, memoizeStep } from "./run-state.ts";

export type IncomingEvent = {
  name: string;
  data?: Record<string, unknown>;
  id?: string;
  ts?: number;
  v?: string;
  user?: Record<string, unknown>;
};

export type PreparedEvent = {
  id: string;
  dedupKey: string;
  name: string;
  payload: Record<string, unknown>;
  text: string;
};

/** Gives each event its engine id (seeded by the SDK so retried sends repeat it) and its canonical text. */
export function prepareEvents(events: IncomingEvent[], seed: string | undefined, now: number): PreparedEvent[] {
  return events.map((event, index) => {
    const id = (seed && seededUlid(seed, index)) || newUlid(now);
    const payload: Record<string, unknown> = {
      name: event.name,
      data: event.data ?? {},
      id,
      ts: event.ts ?? now,
      ...(event.v !== undefined ? { v: event.v } : {}),
      ...(event.user !== undefined ? { user: event.user } : {}),
    };
    return {
      id,
      dedupKey: event.id ? `user:${event.id}` : `id:${id}`,
      name: event.name,
      payload,
      text: canonical(payload),
    };
  });
}

/**
 * Stores events (deduplicated for 24 h), starts triggered runs, resolves matching waits and cancellations. New
 * runs are leased to this process when it has free workers, and their first call starts on commit.
 */
export async function ingestEvents(ctx: EngineContext, prepared: PreparedEvent[]): Promise<string[]> {
  const { ids, wake } = await withLocalStarts(ctx, (tx, local) => ingestInTx(ctx, tx, prepared, local));
  if (wake) ctx.wake();
  return ids;
}

type WaitRow = {
  id: string;
  run_id: string;
  step_id: string;
  kind: "wait" | "cancel";
  event_name: string;
  expression: string | null;
  run_event: string;
};

export async function ingestInTx(
  ctx: EngineContext,
  tx: Tx,
  prepared: PreparedEvent[],
  local?: LocalStarts,
): Promise<{ ids: string[]; wake: boolean }> {
  // Stored in name order (locks taken in one order cannot deadlock), each with its name's lock; see `storeEvent`.
  const byName = prepared.map((event, index) => ({ event, index }));
  byName.sort((a, b) => (a.event.name < b.event.name ? -1 : a.event.name > b.event.name ? 1 : a.index - b.index));
  const ids: string[] = [];
  const freshAt: number[] = [];
  for (const { event, index } of byName) {
    const stored = await storeEvent(tx, event);
    ids[index] = stored.id;
    if (stored.fresh) freshAt.push(index);
  }
  const fresh = freshAt.sort((a, b) => a - b).map((index) => prepared[index] as PreparedEvent);
  let wake = false;
  for (const event of fresh) {
    for (const { fn, expression } of ctx.registry.triggeredBy(event.name)) {
      if (!matches(expression, { event: event.payload })) continue;
      const input = { fn, event: event.payload, eventText: event.text, eventId: event.id, local };
      const runId = await createRun(ctx, tx, input);
      if (runId && !local?.holds(runId)) wake = true;
    }
  }
  if (fresh.length > 0 && (await resolveWaits(ctx, tx, fresh, local))) wake = true;
  return { ids, wake };
}

/**
 * Claims the event's dedup key, stores the event and takes its name's lock, in one statement; a key seen in the
 * last 24 h returns the event id it was first stored under. The lock is the one a wait being stored takes: held
 * from here to the commit, it makes the waits read that follows (a later statement, so a later snapshot) see any
 * wait stored meanwhile, and a wait stored after it see this event. (The fallback read covers a duplicate whose
 * first copy committed while this statement waited for its key.)
 */
async function storeEvent(tx: Tx, event: PreparedEvent): Promise<{ id: string; fresh: boolean }> {
  const { rows } = await tx.query<{ claimed: string | null; existing: string | null }>({
    name: "engine.store-event",
    text: `WITH claimed AS (
             INSERT INTO engine.event_keys (key, event_id, expires_at) VALUES ($1, $2, now() + interval '24 hours')
             ON CONFLICT (key) DO UPDATE SET event_id = excluded.event_id, expires_at = excluded.expires_at
               WHERE engine.event_keys.expires_at < now()
             RETURNING event_id),
           stored AS (INSERT INTO engine.events (id, name, payload) SELECT $2, $3::text, $4::json FROM claimed)
           SELECT pg_advisory_xact_lock(hashtext('engine.event:' || $3)) AS locked,
                  (SELECT event_id FROM claimed) AS claimed,
                  (SELECT event_id FROM engine.event_keys WHERE key = $1) AS existing`,
    values: [event.dedupKey, event.id, event.name, event.text],
  });
  const row = rows[0];
  if (row?.claimed) return { id: row.claimed, fresh: true };
  if (row?.existing) return { id: row.existing, fresh: false };
  const later = await tx.query<{ event_id: string }>("SELECT event_id FROM engine.event_keys WHERE key = $1", [
    event.dedupKey,
  ]);
  return { id: later.rows[0]?.event_id ?? event.id, fresh: false };
}

async function resolveWaits(
  ctx: EngineContext,
  tx: Tx,
  fresh: PreparedEvent[],
  local: LocalStarts | undefined,
): Promise<boolean> {
  const names = [...new Set(fresh.map((e) => e.name))];
  const { rows } = await tx.query<WaitRow>({
    name: "engine.waits-for-events",
    text: `SELECT w.id, w.run_id, w.step_id, w.kind, w.event_name, w.expression, r.event AS run_event
             FROM engine.waits w JOIN engine.runs r ON r.id = w.run_id
            WHERE w.event_name = ANY($1) AND (w.expires_at IS NULL OR w.expires_at > now())`,
    values: [names],
  });
  const hits: Array<{ wait: WaitRow; event: PreparedEvent }> = [];
  for (const wait of rows) {
    const runEvent = JSON.parse(wait.run_event) as unknown;
    const event = fresh.find(
      (e) => e.name === wait.event_name && matches(wait.expression, { event: runEvent, async: e.payload }),
    );
    if (event) hits.push({ wait, event });
  }
  // Lock runs in one order so concurrent ingestions cannot deadlock each other.
  hits.sort((a, b) => (a.wait.run_id < b.wait.run_id ? -1 : a.wait.run_id > b.wait.run_id ? 1 : 0));
  let wake = false;
  for (const { wait, event } of hits) {
    const run = await lockRun(tx, wait.run_id);
    if (!run || isTerminal(run.status)) continue;
    if (wait.kind === "cancel") {
      await cancelRun(ctx, tx, run, `cancelled by event ${event.name} (${event.id})`);
      continue;
    }
    const removed = await tx.query("DELETE FROM engine.waits WHERE id = $1", [wait.id]);
    if (removed.rowCount === 0) continue;
    await tx.query("DELETE FROM engine.queue WHERE run_id = $1 AND step_id = $2 AND kind = 'wait'", [
      run.id,
      wait.step_id,
    ]);
    await memoizeStep(tx, run.id, wait.step_id, "WaitForEvent", `{"data":${event.text}}`);
    // The run resumes in this process when a worker slot is free (no claim), else on any engine.
    const next = await continueRun(ctx, tx, run, local?.reserve() ? ctx.owner : undefined);
    if (next.leased) local?.add(next.leased);
    if (next.wake) wake = true;
  }
  return wake;
}
