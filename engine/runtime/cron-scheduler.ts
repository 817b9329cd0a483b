import type { Tx } from "../db.ts";
import { withTx } from "../db.ts";
import { nextCronTime, parseCron } from "../protocol/cron.ts";
import { newUlid } from "../protocol/ids.ts";
import type { EngineContext } from "./context.ts";
import type { FunctionDef } from "./function-config.ts";
import { canonical, createRun } from "./run-state.ts";

/** Starts one run per due cron tick; the tick advances in the same transaction, so a tick fires once. */
export async function fireDueCrons(ctx: EngineContext): Promise<void> {
  const started = await withTx(ctx.db, async (tx) => {
    const { rows } = await tx.query<{ function_id: string; expression: string; next_at: Date }>(
      `SELECT function_id, expression, next_at FROM engine.crons WHERE next_at <= now()
        ORDER BY next_at LIMIT 20 FOR UPDATE SKIP LOCKED`,
    );
    let count = 0;
    for (const row of rows) {
      const fn = ctx.registry.get(row.function_id);
      const schedule = parseCron(row.expression);
      // Missed ticks (engine down) collapse into one run, like Inngest.
      const next = nextCronTime(schedule, new Date(Math.max(ctx.now(), row.next_at.getTime())));
      await tx.query("UPDATE engine.crons SET next_at = $3 WHERE function_id = $1 AND expression = $2", [
        row.function_id,
        row.expression,
        next,
      ]);
      if (!fn) continue;
      const event = {
        name: "inngest/scheduled.timer",
        data: { cron: row.expression },
        id: newUlid(row.next_at.getTime()),
        ts: row.next_at.getTime(),
      };
      const text = canonical(event);
      await tx.query("INSERT INTO engine.events (id, name, payload) VALUES ($1, $2, $3)", [event.id, event.name, text]);
      if (await createRun(ctx, tx, { fn, event, eventText: text, eventId: event.id })) count++;
    }
    return count;
  });
  if (started > 0) ctx.wake();
}

/** Keeps `engine.crons` in step with the synced functions (called inside the sync transaction). */
export async function scheduleCrons(tx: Tx, fns: FunctionDef[], appId: string, now: Date): Promise<void> {
  const wanted = fns.flatMap((fn) => fn.triggers.flatMap((t) => ("cron" in t ? [{ fn: fn.id, cron: t.cron }] : [])));
  await tx.query(
    `DELETE FROM engine.crons c USING engine.functions f
      WHERE c.function_id = f.id AND f.app_id = $1
        AND NOT (c.function_id || E'\\n' || c.expression = ANY($2))`,
    [appId, wanted.map((w) => `${w.fn}\n${w.cron}`)],
  );
  for (const w of wanted) {
    await tx.query(
      `INSERT INTO engine.crons (function_id, expression, next_at) VALUES ($1, $2, $3)
       ON CONFLICT (function_id, expression) DO NOTHING`,
      [w.fn, w.cron, nextCronTime(parseCron(w.cron), now)],
    );
  }
}
