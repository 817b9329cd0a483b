/** A persisted stream event: `id: <seq>`, `event: <kind>`, `data: <json>`. */
export type PersistedEvent = { seq: number; kind: string; data: unknown };

const HEARTBEAT_MS = 15_000;

/**
 * SSE over events persisted with a per-stream seq (API.md "Streams"): replays those after `afterSeq`, then
 * follows new ones (the watch wakes it when some may have arrived, or after a poll interval) until an `end` event,
 * or until `isFinished(after)` says nothing more will come. Watching never starts or restarts any work.
 */
export function persistedEventStream(input: {
  afterSeq: number;
  signal: AbortSignal;
  read: (afterSeq: number) => Promise<PersistedEvent[]>;
  pageSize: number;
  isFinished: (afterSeq: number) => Promise<boolean>;
  /** Opened before the first read, so that an event appended between a read and the wait is never missed. */
  watch: () => { wait: (signal: AbortSignal) => Promise<void>; close: () => void };
}): Response {
  const encoder = new TextEncoder();
  const abort = new AbortController();
  input.signal.addEventListener("abort", () => abort.abort(), { once: true });
  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let after = input.afterSeq;
      let lastWrite = Date.now();
      const write = (text: string) => {
        controller.enqueue(encoder.encode(text));
        lastWrite = Date.now();
      };
      const watch = input.watch();
      try {
        write("retry: 1000\n\n");
        while (!abort.signal.aborted) {
          const events = await input.read(after);
          for (const event of events) {
            write(`id: ${event.seq}\nevent: ${event.kind}\ndata: ${JSON.stringify(event.data)}\n\n`);
            after = event.seq;
            if (event.kind === "end") return;
          }
          if (events.length === input.pageSize) continue;
          if (await input.isFinished(after)) return;
          await watch.wait(abort.signal);
          if (Date.now() - lastWrite > HEARTBEAT_MS) write(": keep-alive\n\n");
        }
      } catch (error) {
        if (!abort.signal.aborted) controller.error(error);
        return;
      } finally {
        watch.close();
        try {
          controller.close();
        } catch {
          // already closed or errored
        }
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
}
