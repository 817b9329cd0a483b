import { type Tx, withTx } from "../db.ts";
import type { EngineContext } from "./context.ts";
import type { LeasedItem } from "./run-state.ts";

/**
 * Calls leased to this process by the transaction that queued them (the first call of a run it created, the
 * next call of a run an event resumed), started as soon as that transaction commits: no wake-up, no claim round
 * trip. Each needs a free local worker slot; without one the call is queued for any engine as usual. If this
 * process dies after the commit, the lease expires and any engine picks the call up.
 */
export class LocalStarts {
  private reserved = 0;
  private items: LeasedItem[] = [];

  constructor(private readonly ctx: EngineContext) {}

  /** Takes a worker slot for one more run; false when all are busy. */
  reserve(): boolean {
    if (!this.ctx.slots.reserve()) return false;
    this.reserved++;
    return true;
  }

  add(item: LeasedItem): void {
    this.items.push(item);
  }

  /** Whether a call of the run is leased to this process (then no other worker needs waking for it). */
  holds(runId: string): boolean {
    return this.items.some((item) => item.run_id === runId);
  }

  /** The transaction rolled back (or is retried): nothing was leased, the slots go back. */
  reset(): void {
    for (; this.reserved > 0; this.reserved--) this.ctx.slots.release();
    this.items = [];
  }

  /** The transaction committed: run what it leased to us, give back the slots it did not use. */
  start(): void {
    const items = this.items;
    this.items = [];
    for (; this.reserved > items.length; this.reserved--) this.ctx.slots.release();
    this.reserved = 0;
    for (const item of items) this.ctx.slots.start(item);
  }
}

/** Runs `work` in one transaction (retried as `withTx` does); the runs it leased to this process start on commit. */
export async function withLocalStarts<T>(
  ctx: EngineContext,
  work: (tx: Tx, local: LocalStarts) => Promise<T>,
): Promise<T> {
  const local = new LocalStarts(ctx);
  try {
    const result = await withTx(ctx.db, (tx) => {
      local.reset(); // a retried transaction starts over
      return work(tx, local);
    });
    local.start();
    return result;
  } catch (error) {
    local.reset();
    throw error;
  }
}
