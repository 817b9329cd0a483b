import type { ApiFailure } from "../api";
import type { GenerationEvent, StreamConnection } from "./generation-stream";
import type { StoredSend } from "./local-store";
import {
  type ErrorInfo,
  type Generation,
  type GenerationStatus,
  isTerminalStatus,
  type Message,
  type SendResult,
} from "./types";

/** An optimistic send: `pending` until the server confirms it (then it is a message of the log) or it `failed`. */
export type PendingSend = StoredSend;

/** An answer being generated (or one that ended without an assistant message: failed, timed out, canceled early). */
export type LiveAnswer = {
  generationId: string;
  status: GenerationStatus | "canceling";
  text: string;
  /** The last stream seq applied; the follower resumes after it. */
  lastSeq: number;
  model: string | null;
  connection: StreamConnection | "idle";
  error?: ErrorInfo;
  /** Answers still ahead of this one when it was sent (the `enqueue` busy policy). */
  queuedBehind: number;
  /** The stream was refused (404…): nothing more will come. */
  lost?: ApiFailure;
};

export type ChatState = {
  /** The log as the server has it, in seq order, each message once. */
  messages: Message[];
  pending: PendingSend[];
  live: Record<string, LiveAnswer>;
  /** Generations answered in degraded mode (the offline model stood in for the provider). */
  degraded: Record<string, true>;
  /** For answers streamed in this page: did the streamed text equal the stored message exactly? */
  streamCheck: Record<string, "exact" | "mismatch">;
};

export const initialChatState: ChatState = { messages: [], pending: [], live: {}, degraded: {}, streamCheck: {} };

export type ChatAction =
  | { type: "messages"; messages: Message[] }
  | { type: "pending/add"; item: PendingSend }
  | { type: "pending/update"; localId: string; patch: Partial<PendingSend> }
  | { type: "pending/remove"; localId: string }
  | { type: "pending/confirmed"; localId: string; result: SendResult }
  | { type: "live/track"; generation: Generation; queuedBehind?: number }
  | { type: "live/event"; generationId: string; event: GenerationEvent }
  | { type: "live/connection"; generationId: string; connection: StreamConnection }
  | { type: "live/lost"; generationId: string; failure: ApiFailure }
  | { type: "live/canceling"; generationId: string };

function mergeMessages(current: Message[], incoming: Message[]): Message[] {
  if (incoming.length === 0) return current;
  const byId = new Map(current.map((message) => [message.id, message]));
  for (const message of incoming) byId.set(message.id, message);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}

/** Live answers whose assistant message is now in the log are done: the log is the truth from here on. */
function settle(state: ChatState): ChatState {
  const answered = new Map(
    state.messages.flatMap((m) => (m.role === "assistant" && m.generation_id ? [[m.generation_id, m] as const] : [])),
  );
  let live = state.live;
  let streamCheck = state.streamCheck;
  for (const [generationId, answer] of Object.entries(state.live)) {
    const message = answered.get(generationId);
    if (!message) continue;
    if (live === state.live) live = { ...state.live };
    delete live[generationId];
    if (answer.connection === "ended") {
      streamCheck = { ...streamCheck, [generationId]: answer.text === message.content ? "exact" : "mismatch" };
    }
  }
  return live === state.live ? state : { ...state, live, streamCheck };
}

export function chatReducer(state: ChatState, action: ChatAction): ChatState {
  switch (action.type) {
    case "messages":
      return settle({ ...state, messages: mergeMessages(state.messages, action.messages) });
    case "pending/add":
      return state.pending.some((item) => item.localId === action.item.localId)
        ? state
        : { ...state, pending: [...state.pending, action.item] };
    case "pending/update":
      return {
        ...state,
        pending: state.pending.map((item) => (item.localId === action.localId ? { ...item, ...action.patch } : item)),
      };
    case "pending/remove":
      return { ...state, pending: state.pending.filter((item) => item.localId !== action.localId) };
    case "pending/confirmed": {
      const { message, generation, policy } = action.result;
      const next: ChatState = {
        ...state,
        pending: state.pending.filter((item) => item.localId !== action.localId),
        messages: mergeMessages(state.messages, [message]),
      };
      return chatReducer(next, { type: "live/track", generation, queuedBehind: policy.active_before });
    }
    case "live/track": {
      const { generation } = action;
      const answered = state.messages.some((m) => m.role === "assistant" && m.generation_id === generation.id);
      if (answered || state.live[generation.id]) return state;
      return {
        ...state,
        live: {
          ...state.live,
          [generation.id]: {
            generationId: generation.id,
            status: generation.status,
            text: "",
            lastSeq: 0,
            model: generation.model,
            connection: "idle",
            error: generation.error,
            queuedBehind: action.queuedBehind ?? 0,
          },
        },
        degraded: generation.degraded ? { ...state.degraded, [generation.id]: true } : state.degraded,
      };
    }
    case "live/event": {
      const answer = state.live[action.generationId];
      const { event } = action;
      // The follower already enforces it; the reducer holds the same line (a second follower cannot double text).
      if (!answer || event.seq !== answer.lastSeq + 1) return state;
      const next: LiveAnswer = { ...answer, lastSeq: event.seq };
      let degraded = state.degraded;
      if (event.kind === "delta") {
        next.text = answer.text + event.data.text;
        if (next.status === "queued") next.status = "running";
      } else if (event.kind === "status") {
        const status = event.data.status;
        if (status === "degraded") {
          degraded = { ...degraded, [answer.generationId]: true };
          if (event.data.model) next.model = event.data.model;
        } else if (status === "queued" || status === "running" || status === "canceling") {
          // A cancel already asked for stays "canceling" until the end event.
          if (!(answer.status === "canceling" && status === "running")) next.status = status;
        }
      } else if (event.kind === "end") {
        next.status = event.data.status;
        next.error = event.data.error;
        next.connection = "ended";
      }
      return { ...state, live: { ...state.live, [answer.generationId]: next }, degraded };
    }
    case "live/connection": {
      const answer = state.live[action.generationId];
      if (!answer || answer.connection === action.connection) return state;
      return {
        ...state,
        live: { ...state.live, [answer.generationId]: { ...answer, connection: action.connection } },
      };
    }
    case "live/lost": {
      const answer = state.live[action.generationId];
      if (!answer) return state;
      return {
        ...state,
        live: { ...state.live, [answer.generationId]: { ...answer, connection: "failed", lost: action.failure } },
      };
    }
    case "live/canceling": {
      const answer = state.live[action.generationId];
      if (!answer || isTerminalStatus(answer.status)) return state;
      return { ...state, live: { ...state.live, [answer.generationId]: { ...answer, status: "canceling" } } };
    }
  }
}

/** A live answer still on its way (the stop button applies to these). */
export const isActive = (answer: LiveAnswer) => !isTerminalStatus(answer.status) && answer.connection !== "failed";

/** Whether a failed send may be retried under the same key: only when the request may not have run at all. */
export function isRetriableSendFailure(failure: ApiFailure): boolean {
  if (failure.status === 0 || failure.status >= 500 || failure.status === 429 || failure.status === 408) return true;
  return failure.status === 409 && failure.code === "idempotency_in_progress";
}

export type Turn = { kind: "message"; message: Message; answer?: AnswerView } | { kind: "pending"; item: PendingSend };

export type AnswerView =
  | { kind: "message"; message: Extract<Message, { role: "assistant" }> }
  | { kind: "live"; answer: LiveAnswer };

/**
 * What the page renders: each user message followed by its answer (matched by generation id, so an answer
 * stays under its question even when a later question got an earlier seq), then the optimistic sends.
 */
export function toTurns(state: ChatState): Turn[] {
  const answers = new Map<string, Extract<Message, { role: "assistant" }>>();
  for (const message of state.messages) {
    if (message.role === "assistant" && message.generation_id) answers.set(message.generation_id, message);
  }
  const askedFor = new Set(
    state.messages.flatMap((m) => (m.role === "user" && m.generation_id ? [m.generation_id] : [])),
  );
  const turns: Turn[] = [];
  for (const message of state.messages) {
    if (message.role === "assistant" && message.generation_id && askedFor.has(message.generation_id)) continue;
    if (message.role !== "user" || !message.generation_id) {
      turns.push({ kind: "message", message });
      continue;
    }
    const stored = answers.get(message.generation_id);
    const live = state.live[message.generation_id];
    turns.push({
      kind: "message",
      message,
      answer: stored ? { kind: "message", message: stored } : live ? { kind: "live", answer: live } : undefined,
    });
  }
  for (const item of state.pending) turns.push({ kind: "pending", item });
  return turns;
}
