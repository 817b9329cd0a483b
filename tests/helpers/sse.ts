import { readSse as parseSse } from "@/lib/client/chat/sse";

export type SseEvent = { id: number; event: string; data: unknown };

/**
 * Reads a generation's text/event-stream with the browser client's own parser, resuming after `afterSeq` with
 * Last-Event-ID. With `stopAfter`, the client cuts the connection after that many events (a network loss);
 * otherwise it reads to the `end` event or the end of the stream.
 */
export async function readSse(
  url: string,
  options: { headers?: Record<string, string>; afterSeq?: number; stopAfter?: number } = {},
): Promise<{ events: SseEvent[]; ended: boolean }> {
  const abort = new AbortController();
  const response = await fetch(url, {
    headers: { ...options.headers, ...(options.afterSeq ? { "Last-Event-ID": String(options.afterSeq) } : {}) },
    signal: abort.signal,
  });
  if (!response.ok || !response.body) throw new Error(`stream answered ${response.status}: ${await response.text()}`);
  const events: SseEvent[] = [];
  try {
    for await (const raw of parseSse(response.body, abort.signal)) {
      if (raw.id === null) continue;
      const event = { id: Number(raw.id), event: raw.event, data: JSON.parse(raw.data) as unknown };
      events.push(event);
      if (event.event === "end") return { events, ended: true };
      if (options.stopAfter !== undefined && events.length >= options.stopAfter) return { events, ended: false };
    }
    return { events, ended: false };
  } finally {
    abort.abort();
  }
}
