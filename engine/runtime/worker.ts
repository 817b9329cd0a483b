import { claimItems } from "./claim.ts";
import type { EngineContext } from "./context.ts";
import { fireDueCrons } from "./cron-scheduler.ts";
import { fireTimer } from "./fire-timer.ts";
import { drainOutbox } from "./outbox.ts";
import { runCall } from "./run-call.ts";
import type { LeasedItem } from "./run-state.ts";

/**
 * The claim loop: keeps up to `workers` items in flight. Woken by local progress, by NOTIFY (another process
 * enqueued work) or by the poll interval (timers coming due). Housekeeping (crons, outbox) runs on its own timer
 * so that it never sits between a wake and the claim.
 */
export class Worker {
  private inFlight = 0;
  private stopped = false;
  private wakeUp: (() => void) | null = null;
  private pending = false;
  /** All slots were taken when work was last offered, so due items may be waiting for a free slot. */
  private saturated = false;
  private loop: Promise<void> | null = null;
  private housekeeping: Promise<void> | null = null;
  private housekeepingTimer: NodeJS.Timeout | null = null;

  constructor(private readonly ctx: EngineContext) {}

  start(): void {
    this.loop = this.run();
    this.scheduleHousekeeping();
  }

  wake(): void {
    this.pending = true;
    this.wakeUp?.();
  }

  /** Takes a slot for an item this process leases to itself while creating it; false when all are busy. */
  reserve(): boolean {
    if (this.stopped || this.inFlight >= this.ctx.config.workers) {
      this.saturated = true;
      return false;
    }
    this.inFlight++;
    return true;
  }

  /** Gives back a reserved slot that was not used. */
  release(): void {
    this.freeSlot();
  }

  /** Runs an item leased to this process in a slot taken with `reserve`. */
  startReserved(item: LeasedItem): void {
    this.execute(item);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.housekeepingTimer) clearTimeout(this.housekeepingTimer);
    this.wakeUp?.();
    await this.loop;
    await this.housekeeping;
    while (this.inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 20));
  }

  private async run(): Promise<void> {
    const { ctx } = this;
    while (!this.stopped) {
      this.pending = false;
      let claimed = 0;
      try {
        const free = ctx.config.workers - this.inFlight;
        if (free > 0) {
          const items = await claimItems(ctx, free);
          claimed = items.length;
          for (const item of items) {
            this.inFlight++;
            this.execute(item);
          }
        }
        this.saturated = claimed >= free;
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

  private scheduleHousekeeping(): void {
    if (this.stopped) return;
    this.housekeepingTimer = setTimeout(() => {
      this.housekeeping = (async () => {
        try {
          await fireDueCrons(this.ctx);
          await drainOutbox(this.ctx);
        } catch (error) {
          this.ctx.log.error("housekeeping error", { error });
        }
      })().finally(() => this.scheduleHousekeeping());
    }, this.ctx.config.pollMs);
  }

  /** Runs an item in a slot already counted in `inFlight`. */
  private execute(first: LeasedItem): void {
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
      .finally(() => this.freeSlot());
  }

  /** A slot is free again: claim at once only if work may have been left waiting for one. */
  private freeSlot(): void {
    this.inFlight--;
    if (this.saturated) this.wake();
  }
}
