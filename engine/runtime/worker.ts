import { claimItems } from "./claim.ts";
import type { EngineContext } from "./context.ts";
import { fireDueCrons } from "./cron-scheduler.ts";
import { fireTimer } from "./fire-timer.ts";
import { drainOutbox } from "./outbox.ts";
import { runCall } from "./run-call.ts";
import type { LeasedItem } from "./run-state.ts";

/**
 * The claim loop: keeps up to `workers` items in flight. Woken by NOTIFY (any process enqueued work), by local
 * progress, or by the poll interval (timers coming due).
 */
export class Worker {
  private inFlight = 0;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private pending = false;
  private loop: Promise<void> | null = null;
  private lastHousekeeping = 0;

  constructor(private readonly ctx: EngineContext) {}

  start(): void {
    this.loop = this.run();
  }

  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wakeUp?.();
    await this.loop;
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async run(): Promise<void> {
    const { ctx } = this;
    while (!this.stopped) {
      this.pending = false;
      let claimed = 0;
      try {
        await this.housekeeping();
        const free = ctx.config.workers - this.inFlight;
        if (free > 0) {
          const items = await claimItems(ctx, free);
          claimed = items.length;
          for (const item of items) this.launch(item);
        }
      } catch (error) {
        ctx.log.error("claim loop error", { error });
      }
      if (this.stopped) break;
      if (claimed > 0 && this.inFlight < ctx.config.workers) continue;
      if (this.pending) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ctx.config.pollMs);
        this.wakeUp = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wakeUp = null;
    }
  }

  private async housekeeping(): Promise<void> {
    const now = Date.now();
    if (now - this.lastHousekeeping < this.ctx.config.pollMs) return;
    this.lastHousekeeping = now;
    await fireDueCrons(this.ctx);
    await drainOutbox(this.ctx);
  }

  private launch(first: LeasedItem): void {
    this.inFlight++;
    const work = async () => {
      let item: LeasedItem | undefined = first;
      // A run that continues right away keeps its worker slot: no claim round trip between calls.
      while (item && !this.stopped) {
        item =
          item.kind === "call" || item.kind === "step"
            ? await runCall(this.ctx, item)
            : await fireTimer(this.ctx, item);
      }
    };
    work()
      .catch((error) => this.ctx.log.error("item failed", { runId: first.run_id, kind: first.kind, error }))
      .finally(() => {
        this.inFlight--;
        this.wake();
      });
  }
}
