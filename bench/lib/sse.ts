// Timed stream readers for the conversations benchmark: Holdfast's SSE (`id:`/`event:`/`data:` blocks) and an
// OpenAI-style chat completion stream (`data: {chunk}` … `data: [DONE]`). Times are epoch milliseconds with
// sub-millisecond precision (`clock()`), comparable with Date.now() and database timestamps on the same machine.

/** Epoch milliseconds, sub-millisecond precision. */
export const clock = (): number => performance.timeOrigin + performance.now();

export type StreamStats = {
  url: string;
  /** HTTP status (0 when the request failed before an answer). */
  status: number;
  startedAt: number;
  headersAt?: number;
  firstEventAt?: number;
  firstEventId?: number;
  firstDeltaAt?: number;
  lastDeltaAt?: number;
  endAt?: number;
  /** `status` of the `end` event. */
  endStatus?: string;
  events: number;
  deltas: number;
  text: string;
  /** Raw bytes of the response body received. */
  bytes: number;
  /** Every event id was the previous one + 1, starting right after the resume point. */
  contiguous: boolean;
  lastId: number;
  error?: string;
};

/**
 * Reads a Holdfast generation stream, resuming after `lastEventId` when given. Stops at the `end` event, after
 * `stopAfter` events (then it hangs up, as a client that goes away), or at `timeoutMs`. Never throws: a failure is
 * reported in `error`.
 */
export async function readGenerationStream(
  url: string,
  options: {
    token: string;
    lastEventId?: number;
    stopAfter?: number;
    timeoutMs?: number;
    onEvent?: (id: number, kind: string, at: number) => void;
  },
): Promise<StreamStats> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error("timeout")), options.timeoutMs ?? 60_000);
  const stats: StreamStats = {
    url,
    status: 0,
    startedAt: clock(),
    events: 0,
    deltas: 0,
    text: "",
    bytes: 0,
    contiguous: true,
    lastId: options.lastEventId ?? 0,
  };
  try {
    const response = await fetch(url, {
      headers: {
        authorization: `Bearer ${options.token}`,
        accept: "text/event-stream",
        ...(options.lastEventId !== undefined ? { "Last-Event-ID": String(options.lastEventId) } : {}),
      },
      signal: abort.signal,
    });
    stats.status = response.status;
    stats.headersAt = clock();
    if (!response.ok || !response.body) {
      stats.error = `HTTP ${response.status}: ${(await response.text()).slice(0, 200)}`;
      return stats;
    }
    const decoder = new TextDecoder();
    const reader = response.body.getReader();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) {
        if (stats.endAt === undefined) stats.error = "the stream closed before its end event";
        return stats;
      }
      const at = clock();
      stats.bytes += value.byteLength;
      buffer += decoder.decode(value, { stream: true });
      let boundary = buffer.indexOf("\n\n");
      while (boundary >= 0) {
        const block = buffer.slice(0, boundary);
        buffer = buffer.slice(boundary + 2);
        boundary = buffer.indexOf("\n\n");
        const event = parseBlock(block);
        if (!event) continue;
        stats.events++;
        if (event.id !== stats.lastId + 1) stats.contiguous = false;
        stats.lastId = event.id;
        if (stats.firstEventAt === undefined) {
          stats.firstEventAt = at;
          stats.firstEventId = event.id;
        }
        options.onEvent?.(event.id, event.kind, at);
        if (event.kind === "delta") {
          stats.deltas++;
          stats.firstDeltaAt ??= at;
          stats.lastDeltaAt = at;
          stats.text += (JSON.parse(event.data) as { text: string }).text;
        } else if (event.kind === "end") {
          stats.endAt = at;
          stats.endStatus = (JSON.parse(event.data) as { status: string }).status;
          return stats;
        }
        if (options.stopAfter !== undefined && stats.events >= options.stopAfter) return stats;
      }
    }
  } catch (error) {
    stats.error = abort.signal.aborted ? "timed out" : (error as Error).message;
    return stats;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

function parseBlock(block: string): { id: number; kind: string; data: string } | null {
  let id: number | null = null;
  let kind = "message";
  const data: string[] = [];
  for (const line of block.split("\n")) {
    if (line.startsWith("id: ")) id = Number(line.slice(4));
    else if (line.startsWith("event: ")) kind = line.slice(7);
    else if (line.startsWith("data: ")) data.push(line.slice(6));
  }
  return id === null ? null : { id, kind, data: data.join("\n") };
}

export type ProviderStreamStats = {
  startedAt: number;
  headersAt: number;
  /** The first chunk that carries text (what a user would see first). */
  firstContentAt: number;
  doneAt: number;
  contentChunks: number;
  chars: number;
  bytes: number;
};

/** Streams one chat completion straight from an OpenAI-compatible endpoint, timing it like the SSE reader above. */
export async function readProviderStream(
  url: string,
  body: Record<string, unknown>,
  apiKey: string,
): Promise<ProviderStreamStats> {
  const startedAt = clock();
  const response = await fetch(url, {
    method: "POST",
    headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
    body: JSON.stringify({ ...body, stream: true }),
  });
  const headersAt = clock();
  if (!response.ok || !response.body) throw new Error(`provider answered ${response.status}`);
  const stats: ProviderStreamStats = {
    startedAt,
    headersAt,
    firstContentAt: Number.NaN,
    doneAt: Number.NaN,
    contentChunks: 0,
    chars: 0,
    bytes: 0,
  };
  const decoder = new TextDecoder();
  const reader = response.body.getReader();
  let buffer = "";
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    const at = clock();
    stats.bytes += value.byteLength;
    buffer += decoder.decode(value, { stream: true });
    let boundary = buffer.indexOf("\n\n");
    while (boundary >= 0) {
      const line = buffer.slice(0, boundary).trim();
      buffer = buffer.slice(boundary + 2);
      boundary = buffer.indexOf("\n\n");
      if (!line.startsWith("data: ")) continue;
      const payload = line.slice(6);
      if (payload === "[DONE]") {
        stats.doneAt = at;
        continue;
      }
      const chunk = JSON.parse(payload) as { choices?: Array<{ delta?: { content?: string } }> };
      const content = chunk.choices?.[0]?.delta?.content;
      if (content) {
        if (Number.isNaN(stats.firstContentAt)) stats.firstContentAt = at;
        stats.contentChunks++;
        stats.chars += content.length;
      }
    }
  }
  if (Number.isNaN(stats.doneAt)) throw new Error("the provider stream ended without [DONE]");
  return stats;
}
