import { Rollback, withTx } from "../db.ts";
import type { EngineContext } from "./context.ts";
import { cancelRun, canonical, continueRun, isTerminal, type LeasedItem, lockRun, memoizeStep } from "./run-state.ts";

// A due sleep, wait timeout, invoke timeout or run timeout: resolved in the database, no call to the SDK.
export async function fireTimer(ctx: EngineContext, item: LeasedItem): Promise<LeasedItem | undefined> {
  try {
    const result = await withTx(ctx.db, async (tx) => {
      const run = await lockRun(tx, item.run_id);
      if (!run || isTerminal(run.status)) throw new Rollback("run ended");
      const current = await tx.query("DELETE FROM engine.queue WHERE id = $1 AND lease_gen = $2", [
        item.id,
        item.lease_gen,
      ]);
      if (current.rowCount === 0) throw new Rollback("stale lease");
      switch (item.kind) {
        case "sleep":
          await memoizeStep(tx, run.id, item.step_id, "Sleep", '{"data":null}');
          break;
        case "wait":
          await tx.query("DELETE FROM engine.waits WHERE run_id = $1 AND step_id = $2", [run.id, item.step_id]);
          await memoizeStep(tx, run.id, item.step_id, "WaitForEvent", '{"data":null}');
          break;
        case "invoke": {
          const error = {
            name: "InngestInvokeTimeoutError",
            message: "Timed out waiting for invoked function to complete",
          };
          await memoizeStep(tx, run.id, item.step_id, "InvokeFunction", `{"error":${canonical(error)}}`);
          break;
        }
        case "timeout":
          await cancelRun(ctx, tx, run, "the run exceeded timeouts.finish");
          return { wake: false };
        default:
          throw new Error(`unknown timer kind ${item.kind}`);
      }
      return continueRun(ctx, tx, run, ctx.owner);
    });
    if (result.wake) ctx.wake();
    return "leased" in result ? result.leased : undefined;
  } catch (error) {
    if (error instanceof Rollback) return undefined;
    throw error;
  }
}
