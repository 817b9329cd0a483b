import type { Tx } from "../db.ts";
import { withTx } from "../db.ts";
import { matches } from "../protocol/cel.ts";
import { newUlid, seededUlid } from "../protocol/ids.ts";
import type { EngineContext } from "./context.ts";
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

/** Stores events (deduplicated for 24 h), starts triggered runs, resolves matching waits and cancellations. */
export async function ingestEvents(ctx: EngineContext, prepared: PreparedEvent[]): Promise<string[]> {
  const { ids, wake } = await withTx(ctx.db, (tx) => ingestInTx(ctx, tx, prepared));
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
): Promise<{ ids: string[]; wake: boolean }> {
  const names = [...new Set(prepared.map((e) => e.name))].sort();
  // Same lock as a wait being stored for these names: one of the two transactions sees the other's row.
  for (const name of names) await tx.query("SELECT pg_advisory_xact_lock(hashtext('engine.event:' || $1))", [name]);
  const ids: string[] = [];
  const fresh: PreparedEvent[] = [];
  for (const event of prepared) {
    const claimed = await tx.query<{ event_id: string }>(
      `INSERT INTO engine.event_keys (key, event_id, expires_at) VALUES ($1, $2, now() + interval '24 hours')
       ON CONFLICT (key) DO UPDATE SET event_id = excluded.event_id, expires_at = excluded.expires_at
         WHERE engine.event_keys.expires_at < now()
       RETURNING event_id`,
      [event.dedupKey, event.id],
    );
    if (claimed.rowCount === 0) {
      const existing = await tx.query<{ event_id: string }>("SELECT event_id FROM engine.event_keys WHERE key = $1", [
        event.dedupKey,
      ]);
      ids.push(existing.rows[0]?.event_id ?? event.id);
      continue;
    }
    await tx.query("INSERT INTO engine.events (id, name, payload) VALUES ($1, $2, $3)", [
      event.id,
      event.name,
      event.text,
    ]);
    ids.push(event.id);
    fresh.push(event);
  }
  let wake = false;
  for (const event of fresh) {
    for (const { fn, expression } of ctx.registry.triggeredBy(event.name)) {
      if (!matches(expression, { event: event.payload })) continue;
      const runId = await createRun(ctx, tx, { fn, event: event.payload, eventText: event.text, eventId: event.id });
      if (runId) wake = true;
    }
  }
  if (fresh.length > 0 && (await resolveWaits(ctx, tx, fresh))) wake = true;
  return { ids, wake };
}

async function resolveWaits(ctx: EngineContext, tx: Tx, fresh: PreparedEvent[]): Promise<boolean> {
  const names = [...new Set(fresh.map((e) => e.name))];
  const { rows } = await tx.query<WaitRow>(
    `SELECT w.id, w.run_id, w.step_id, w.kind, w.event_name, w.expression, r.event AS run_event
       FROM engine.waits w JOIN engine.runs r ON r.id = w.run_id
      WHERE w.event_name = ANY($1) AND (w.expires_at IS NULL OR w.expires_at > now())`,
    [names],
  );
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
    if ((await continueRun(ctx, tx, run)).wake) wake = true;
  }
  return wake;
}
