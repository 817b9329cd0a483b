export type SseEvent = { id: number; event: string; data: unknown };

/**
 * Reads a text/event-stream, resuming after `afterSeq` with Last-Event-ID. With `stopAfter`, the client cuts the
 * connection after that many events (a network loss); otherwise it reads to the end of the stream.
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
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const events: SseEvent[] = [];
  let buffer = "";
  try {
    while (true) {
      const { value, done } = await reader.read();
      if (done) return { events, ended: events.at(-1)?.event === "end" };
      buffer += value;
      let boundary = buffer.indexOf("\n\n");
      while (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf("\n\n");
        const event = parseBlock(block);
        if (!event) continue;
        events.push(event);
        if (event.event === "end") return { events, ended: true };
        if (options.stopAfter !== undefined && events.length >= options.stopAfter) return { events, ended: false };
      }
    }
  } finally {
    abort.abort();
  }
}

function parseBlock(block: string): SseEvent | null {
  let id: number | null = null;
  let event = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("id: ")) id = Number(line.slice(4));
    else if (line.startsWith("event: ")) event = line.slice(7);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  if (id === null) return null; // comments, retry hints
  return { id, event, data: JSON.parse(data.join("\n")) };
}
