/** One server-sent event as parsed from the wire (the `id`, `event` and `data` fields of the SSE format). */
export type SseEvent = { id: string | null; event: string; data: string };

/**
 * Parses a `text/event-stream` body incrementally (WHATWG rules: CR, LF or CRLF line ends; a blank line
 * dispatches; `:` lines are comments; multi-line data is joined with newlines). Yields events as they complete;
 * a trailing event without its blank line is dropped, as a browser's EventSource does.
 */
export async function* readSse(
  body: ReadableStream<Uint8Array>,
  signal: AbortSignal,
  /** Called on every received byte batch, comments (keep-alives) included. */
  onActivity?: () => void,
): AsyncGenerator<SseEvent> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  const abort = () => void reader.cancel().catch(() => {});
  signal.addEventListener("abort", abort, { once: true });
  let buffer = "";
  let id: string | null = null;
  let event = "";
  let data: string[] = [];
  try {
    while (!signal.aborted) {
      const { value, done } = await reader.read();
      if (done) return;
      onActivity?.();
      buffer += decoder.decode(value, { stream: true });
      // A CR at the very end may be the first half of a CRLF: keep it for the next read.
      let start = 0;
      for (;;) {
        const match = /\r\n|\r|\n/g;
        match.lastIndex = start;
        const found = match.exec(buffer);
        if (!found || (found[0] === "\r" && found.index === buffer.length - 1)) break;
        const line = buffer.slice(start, found.index);
        start = found.index + found[0].length;
        if (line === "") {
          if (data.length > 0 || id !== null) yield { id, event: event || "message", data: data.join("\n") };
          id = null;
          event = "";
          data = [];
          continue;
        }
        if (line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon === -1 ? line : line.slice(0, colon);
        let value = colon === -1 ? "" : line.slice(colon + 1);
        if (value.startsWith(" ")) value = value.slice(1);
        if (field === "id") id = value;
        else if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      buffer = buffer.slice(start);
    }
  } finally {
    signal.removeEventListener("abort", abort);
    try {
      reader.releaseLock();
    } catch {
      // a read still pending on an aborted stream
    }
  }
}
