import pg from "pg";
import { databaseEnv } from "@/lib/env";
import { log } from "@/lib/log";
import { CHUNK_CHANNEL } from "./generations";

type Waiter = () => void;

/** A subscription to one stream's notifications, opened before its first read so none can slip between. */
export type StreamWatch = {
  /** Returns at once if a notification came since the last call; otherwise on the next one, or after `timeoutMs`. */
  wait: (timeoutMs: number, signal: AbortSignal) => Promise<void>;
  close: () => void;
};

/**
 * One LISTEN connection per web process, fanned out to every stream watching a generation or a run. A missed
 * notification only delays a reader until its poll timeout: the database, not this listener, is the truth.
 */
class ChunkListener {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private readonly waiters = new Map<string, Set<Waiter>>();

  watch(key: string): StreamWatch {
    let notified = false;
    let wake: (() => void) | null = null;
    const onNotify: Waiter = () => {
      notified = true;
      wake?.();
    };
    const set = this.waiters.get(key) ?? new Set<Waiter>();
    set.add(onNotify);
    this.waiters.set(key, set);
    const connected = this.connect().catch((error: unknown) => log("warn", "chunk_listener.connect_failed", { error }));
    return {
      wait: async (timeoutMs, signal) => {
        await connected;
        if (notified || signal.aborted) {
          notified = false;
          return;
        }
        await new Promise<void>((resolve) => {
          const done = () => {
            clearTimeout(timer);
            signal.removeEventListener("abort", done);
            wake = null;
            resolve();
          };
          const timer = setTimeout(done, timeoutMs);
          signal.addEventListener("abort", done, { once: true });
          wake = done;
        });
        notified = false;
      },
      close: () => {
        set.delete(onNotify);
        if (set.size === 0) this.waiters.delete(key);
      },
    };
  }

  private connect(): Promise<void> {
    if (this.client) return Promise.resolve();
    this.connecting ??= (async () => {
      const client = new pg.Client({ connectionString: databaseEnv().DATABASE_URL });
      client.on("notification", (message) => {
        for (const wake of [...(this.waiters.get(message.payload ?? "") ?? [])]) wake();
      });
      client.on("error", (error) => {
        log("warn", "chunk_listener.lost", { error });
        this.client = null;
        client.end().catch(() => {});
        this.wakeAll(); // readers re-check the database and wait again on a new connection
      });
      await client.connect();
      await client.query(`LISTEN ${CHUNK_CHANNEL}`);
      this.client = client;
    })().finally(() => {
      this.connecting = null;
    });
    return this.connecting;
  }

  private wakeAll() {
    for (const set of this.waiters.values()) for (const wake of [...set]) wake();
  }
}

const globalForListener = globalThis as unknown as { holdfastChunkListener?: ChunkListener };

export function chunkListener(): ChunkListener {
  globalForListener.holdfastChunkListener ??= new ChunkListener();
  return globalForListener.holdfastChunkListener;
}
