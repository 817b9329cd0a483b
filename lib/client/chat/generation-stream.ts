import { type ApiFailure, goToSignIn, isErrorEnvelope } from "../api";
import { readSse } from "./sse";
import type { ErrorInfo, GenerationStatus } from "./types";

/** A stream event in seq order: only ever the next seq after the last one applied. */
export type GenerationEvent =
  | { seq: number; kind: "status"; data: { status: string; reason?: string; model?: string } }
  | { seq: number; kind: "delta"; data: { text: string } }
  | { seq: number; kind: "tool"; data: unknown }
  | { seq: number; kind: "end"; data: { status: GenerationStatus; error?: ErrorInfo } };

/**
 * `connecting`: first request in flight; `live`: events flowing; `reconnecting`: the connection dropped (or the
 * browser is offline) and it will resume after the last applied seq; `ended`: the `end` event was applied;
 * `failed`: the server refused the stream (404, 403…) and no retry can help.
 */
export type StreamConnection = "connecting" | "live" | "reconnecting" | "ended" | "failed";

/** The rule of SPEC §3: apply only the next expected seq — drop repeats, refuse jumps. */
export class SeqGate {
  constructor(public applied: number) {}

  offer(seq: number): "apply" | "duplicate" | "gap" {
    if (seq <= this.applied) return "duplicate";
    if (seq !== this.applied + 1) return "gap";
    this.applied = seq;
    return "apply";
  }
}

export type FollowOptions = {
  /** `…/generations/{id}/stream` */
  url: string;
  /** The last seq already applied (0 to replay the generation from its start). */
  afterSeq: number;
  onEvent: (event: GenerationEvent) => void;
  onConnection?: (state: StreamConnection) => void;
  onFailure?: (failure: ApiFailure) => void;
};

export type GenerationFollower = {
  close: () => void;
  /** The last seq applied so far. */
  appliedSeq: () => number;
};

const BACKOFF_MS = [250, 500, 1_000, 2_000, 4_000, 5_000];
/** The server writes a keep-alive every 15 s when idle; silence for longer means the connection is dead. */
const SILENCE_MS = 35_000;
/** `navigator.onLine` can be wrong (captive portals, VPNs): while "offline" we still try this often. */
const OFFLINE_PROBE_MS = 15_000;

/**
 * Follows a generation's SSE stream with `fetch` and resumes it until its `end` event: after a dropped
 * connection, a server restart, going offline (resumes at once when back online) or a detected gap, it
 * reconnects with `?after_seq=<last applied seq>` (the API's equivalent of `Last-Event-ID`), so the caller sees
 * every seq exactly once, in order. Watching never starts or restarts a generation.
 */
export function followGeneration(options: FollowOptions): GenerationFollower {
  const gate = new SeqGate(options.afterSeq);
  let closed = false;
  let connection: AbortController | null = null;
  let wake: (() => void) | null = null;
  let state: StreamConnection | null = null;

  const setState = (next: StreamConnection) => {
    if (next === state) return;
    state = next;
    options.onConnection?.(next);
  };

  const onOffline = () => {
    // The open response is dead (or about to be): say so now instead of waiting for a timeout.
    if (state === "live" || state === "connecting") setState("reconnecting");
    connection?.abort();
  };
  const onOnline = () => wake?.();
  window.addEventListener("offline", onOffline);
  window.addEventListener("online", onOnline);

  const finish = (final: StreamConnection | null) => {
    closed = true;
    if (final) setState(final);
    window.removeEventListener("offline", onOffline);
    window.removeEventListener("online", onOnline);
    connection?.abort();
    wake?.();
  };

  const pause = (ms: number) =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        wake = null;
        resolve();
      }
      wake = done;
    });

  let heardEvents = false;

  /** One connection: resolves "gap" to reconnect at once, "retry" to back off first, "done" when finished. */
  const connect = async (): Promise<"gap" | "retry" | "done"> => {
    heardEvents = false;
    const controller = new AbortController();
    connection = controller;
    let silence: ReturnType<typeof setTimeout> | undefined;
    const heard = () => {
      clearTimeout(silence);
      silence = setTimeout(() => controller.abort(), SILENCE_MS);
    };
    try {
      heard();
      const response = await fetch(`${options.url}?after_seq=${gate.applied}`, {
        headers: { accept: "text/event-stream" },
        credentials: "same-origin",
        cache: "no-store",
        signal: controller.signal,
      });
      if (!response.ok || !response.body) {
        const failure = await failureOf(response);
        if (isRetriable(response.status)) return "retry";
        if (response.status === 401) goToSignIn();
        options.onFailure?.(failure);
        finish("failed");
        return "done";
      }
      for await (const event of readSse(response.body, controller.signal, heard)) {
        const seq = Number(event.id);
        if (event.id === null || !Number.isInteger(seq)) continue;
        const verdict = gate.offer(seq);
        if (verdict === "duplicate") continue;
        if (verdict === "gap") return "gap";
        heardEvents = true;
        setState("live");
        const parsed = parseEvent(seq, event.event, event.data);
        if (parsed) options.onEvent(parsed);
        if (parsed?.kind === "end") {
          finish("ended");
          return "done";
        }
      }
      return "retry"; // the body ended without `end`: the server went away mid-stream
    } catch {
      return "retry"; // network error, offline, or our own abort (silence, offline, close)
    } finally {
      clearTimeout(silence);
      controller.abort();
      if (connection === controller) connection = null;
    }
  };

  void (async () => {
    setState("connecting");
    let failures = 0;
    while (!closed) {
      const outcome = await connect();
      if (closed || outcome === "done") return;
      if (outcome === "gap") continue; // straight back, from the last applied seq
      setState("reconnecting");
      if (heardEvents) failures = 0;
      const base = BACKOFF_MS[Math.min(failures, BACKOFF_MS.length - 1)] ?? 5_000;
      failures += 1;
      const jittered = base * (0.8 + Math.random() * 0.4);
      await pause(navigator.onLine === false ? OFFLINE_PROBE_MS : jittered);
    }
  })();

  return {
    close: () => {
      if (!closed) finish(null);
    },
    appliedSeq: () => gate.applied,
  };
}

function parseEvent(seq: number, kind: string, raw: string): GenerationEvent | null {
  let data: unknown;
  try {
    data = raw ? JSON.parse(raw) : {};
  } catch {
    data = {};
  }
  const record = (typeof data === "object" && data !== null ? data : {}) as Record<string, unknown>;
  switch (kind) {
    case "delta":
      return { seq, kind, data: { text: typeof record.text === "string" ? record.text : "" } };
    case "status":
      return { seq, kind, data: record as { status: string } };
    case "end":
      return { seq, kind, data: record as { status: GenerationStatus; error?: ErrorInfo } };
    default:
      return { seq, kind: "tool", data };
  }
}

const isRetriable = (status: number) => status === 0 || status === 408 || status === 429 || status >= 500;

async function failureOf(response: Response): Promise<ApiFailure> {
  const text = await response.text().catch(() => "");
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  const envelope = isErrorEnvelope(body) ? body.error : null;
  return {
    ok: false,
    status: response.status,
    type: envelope?.type ?? "unknown",
    code: envelope?.code ?? `http_${response.status}`,
    message: envelope?.message ?? `the server answered ${response.status}`,
    requestId: envelope?.request_id ?? response.headers.get("x-request-id"),
    retryAfterSeconds: null,
    body,
    etag: null,
  };
}
