import http, { type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A real HTTP fake of the OpenAI API (chat completions, streamed and not, tool calls, models), on 127.0.0.1 and
 * a random port. Point the product at it exactly as a user would: OPENAI_BASE_URL=<fake.url>, OPENAI_API_KEY=any.
 *
 *   const fake = await startFakeOpenAI();
 *   fake.script({ type: "text", text: "Hello there", chunks: 4, chunkDelayMs: 20 }, { type: "error", status: 429, retryAfter: 2 });
 *   ... // the next two chat completion requests get these replies, in order; later ones get the default
 *   await fake.waitForDisconnect(0); // the client hung up before the end of request 0
 *   await fake.close();
 */

export type FakeToolCall = {
  name: string;
  /** An object (serialized for you) or a raw string (sent as is, e.g. deliberately invalid JSON). */
  arguments: unknown;
  id?: string;
};

export type FakeUsage = { promptTokens: number; completionTokens: number };

type StreamShape = {
  /** Stream: wait this long before the first chunk (time to first byte). */
  firstChunkDelayMs?: number;
  /** Stream: wait this long before every content/argument chunk after the first ("slow tokens"). */
  chunkDelayMs?: number;
  /** The `model` field of the response (default: the requested model). */
  model?: string;
  usage?: FakeUsage;
};

export type FakeReply =
  /** Plain text, streamed in `chunks` pieces (default 4). */
  | ({ type: "text"; text: string; chunks?: number; finishReason?: string } & StreamShape)
  /** Tool calls (optionally after some text), arguments streamed in `argumentChunks` pieces (default 3). */
  | ({ type: "tool-calls"; calls: FakeToolCall[]; text?: string; argumentChunks?: number } & StreamShape)
  /** An HTTP error with OpenAI's error body; `retryAfter` (seconds) / `retryAfterMs` set those headers. */
  | {
      type: "error";
      status: number;
      message?: string;
      code?: string | null;
      errorType?: string;
      retryAfter?: number | string;
      retryAfterMs?: number;
      headers?: Record<string, string>;
    }
  /**
   * Never finishes. Without `afterChunks` nothing at all is sent (not even headers); with it, the stream
   * sends that many chunks of `text` and then goes silent. Only the client hanging up (or close()) ends it.
   */
  | { type: "hang"; afterChunks?: number; text?: string; chunks?: number }
  /** Destroys the connection (a network failure), before anything or after `afterChunks` chunks. */
  | { type: "drop"; afterChunks?: number; text?: string; chunks?: number }
  /** A 200 stream that carries an OpenAI in-stream error object after `afterChunks` text chunks. */
  | {
      type: "stream-error";
      afterChunks?: number;
      text?: string;
      chunks?: number;
      message?: string;
      errorType?: string;
    };

export type ReplyFactory = (request: RecordedRequest) => FakeReply;

export type ChatMessage = { role: string; content?: unknown; tool_calls?: unknown; tool_call_id?: string };
export type ChatCompletionBody = {
  model?: string;
  messages?: ChatMessage[];
  stream?: boolean;
  stream_options?: { include_usage?: boolean };
  tools?: Array<{ type: string; function: { name: string; description?: string; parameters?: unknown } }>;
  tool_choice?: unknown;
  temperature?: number;
  seed?: number;
  max_tokens?: number;
  max_completion_tokens?: number;
  [key: string]: unknown;
};

export type RecordedRequest = {
  index: number;
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body (undefined for GET or a non-JSON body). */
  body: ChatCompletionBody | undefined;
  stream: boolean;
  reply?: FakeReply["type"];
  startedAt: number;
  /** When the first response bytes went out (headers of an error, or the first SSE chunk): the fake's own TTFB. */
  firstByteAt?: number;
  endedAt?: number;
  /** The response was written to its end. */
  completed: boolean;
  /** The client hung up before the response ended (an aborted provider request). */
  disconnected: boolean;
};

export type FakeOpenAI = {
  /** Base URL including `/v1`: the value for OPENAI_BASE_URL. */
  url: string;
  origin: string;
  /** Queues replies for the next chat completion requests, in order. */
  script: (...replies: Array<FakeReply | ReplyFactory>) => void;
  /** The reply when the queue is empty (default: a short text echoing the last user message). */
  setDefault: (reply: FakeReply | ReplyFactory) => void;
  /** Every request received, oldest first (live array). */
  requests: RecordedRequest[];
  /** Requests whose client disconnected before the end (live view). */
  readonly disconnects: RecordedRequest[];
  /** Chat completion requests only. */
  readonly completions: RecordedRequest[];
  pending: () => number;
  waitFor: (predicate: () => boolean, timeoutMs?: number) => Promise<void>;
  /** Resolves when request `index` (default: the latest chat completion) saw its client disconnect. */
  waitForDisconnect: (index?: number, timeoutMs?: number) => Promise<RecordedRequest>;
  /** Forgets queued replies and recorded requests. */
  reset: () => void;
  close: () => Promise<void>;
};

export type FakeOpenAIOptions = {
  /** When set, any other bearer token gets 401 `invalid_api_key`; otherwise any bearer token is accepted. */
  apiKey?: string;
  /** Models listed by GET /v1/models. */
  models?: string[];
};

const DEFAULT_MODELS = ["gpt-4o-mini", "gpt-4o", "gpt-4.1-mini", "gpt-4.1", "fake-local-model"];

export async function startFakeOpenAI(options: FakeOpenAIOptions = {}): Promise<FakeOpenAI> {
  const queue: Array<FakeReply | ReplyFactory> = [];
  const requests: RecordedRequest[] = [];
  let fallback: FakeReply | ReplyFactory = echoReply;
  let closed = false;
  // Connections the fake cut on purpose ("drop"): not the client hanging up.
  const dropped = new WeakSet<RecordedRequest>();

  const server = http.createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, { error: { message: String(error), type: "server_error" } });
      else res.destroy();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const raw = await readBody(req);
    const path = new URL(req.url ?? "/", "http://fake").pathname;
    let body: ChatCompletionBody | undefined;
    try {
      body = raw ? (JSON.parse(raw) as ChatCompletionBody) : undefined;
    } catch {
      body = undefined;
    }
    const record: RecordedRequest = {
      index: requests.length,
      method: req.method ?? "GET",
      path,
      headers: req.headers,
      body,
      stream: body?.stream === true,
      startedAt: Date.now(),
      completed: false,
      disconnected: false,
    };
    requests.push(record);
    recordOf.set(res, record);
    res.on("close", () => {
      record.endedAt = Date.now();
      if (res.writableFinished) record.completed = true;
      else if (!dropped.has(record) && !closed) record.disconnected = true;
    });

    const auth = req.headers.authorization;
    if (!auth?.startsWith("Bearer ") || (options.apiKey !== undefined && auth !== `Bearer ${options.apiKey}`)) {
      return sendJson(res, 401, {
        error: {
          message: "Incorrect API key provided.",
          type: "invalid_request_error",
          param: null,
          code: "invalid_api_key",
        },
      });
    }
    if (req.method === "GET" && path === "/v1/models") {
      return sendJson(res, 200, {
        object: "list",
        data: (options.models ?? DEFAULT_MODELS).map((id) => ({
          id,
          object: "model",
          created: 1_700_000_000,
          owned_by: "holdfast-fake",
        })),
      });
    }
    if (req.method === "POST" && path === "/v1/chat/completions") {
      if (!body || !Array.isArray(body.messages)) {
        return sendJson(res, 400, {
          error: { message: "'messages' is required", type: "invalid_request_error", param: "messages", code: null },
        });
      }
      const next = queue.shift() ?? fallback;
      const reply = typeof next === "function" ? next(record) : next;
      record.reply = reply.type;
      return respond(reply, record, body, req, res);
    }
    return sendJson(res, 404, {
      error: { message: `Unknown request URL: ${req.method} ${path}`, type: "invalid_request_error", code: null },
    });
  }

  async function respond(
    reply: FakeReply,
    record: RecordedRequest,
    body: ChatCompletionBody,
    req: IncomingMessage,
    res: ServerResponse,
  ) {
    const gone = () => closed || record.disconnected || res.destroyed;
    const id = `chatcmpl-fake-${record.index}`;
    const created = Math.floor(Date.now() / 1000);

    if (reply.type === "error") {
      const headers: Record<string, string> = { ...reply.headers };
      if (reply.retryAfter !== undefined) headers["retry-after"] = String(reply.retryAfter);
      if (reply.retryAfterMs !== undefined) headers["retry-after-ms"] = String(reply.retryAfterMs);
      return sendJson(
        res,
        reply.status,
        {
          error: {
            message: reply.message ?? `Fake error ${reply.status}`,
            type: reply.errorType ?? defaultErrorType(reply.status),
            param: null,
            code: reply.code ?? (reply.status === 429 ? "rate_limit_exceeded" : null),
          },
        },
        headers,
      );
    }

    if (reply.type === "hang" && reply.afterChunks === undefined) {
      // Keep the socket open and say nothing; the client's timeout or abort is what ends this.
      return;
    }
    if (reply.type === "drop" && reply.afterChunks === undefined) {
      dropped.add(record);
      req.socket.destroy();
      return;
    }

    const model = ("model" in reply && reply.model) || body.model || "fake-model";
    const promptTokens =
      ("usage" in reply && reply.usage?.promptTokens) || Math.ceil(JSON.stringify(body.messages ?? []).length / 4);

    if (reply.type === "hang" || reply.type === "drop" || reply.type === "stream-error") {
      const pieces = splitInto(reply.text ?? "partial answer ", reply.chunks ?? 4).slice(0, reply.afterChunks);
      if (!record.stream) {
        if (reply.type === "hang") return;
        if (reply.type === "stream-error")
          return sendJson(res, 500, {
            error: { message: reply.message ?? "server error", type: "server_error", param: null, code: null },
          });
        dropped.add(record);
        req.socket.destroy();
        return;
      }
      startStream(res);
      writeChunk(res, chunkOf(id, created, model, { role: "assistant", content: "" }, null, body));
      for (const piece of pieces) writeChunk(res, chunkOf(id, created, model, { content: piece }, null, body));
      if (reply.type === "drop") {
        dropped.add(record);
        req.socket.destroy();
      } else if (reply.type === "stream-error") {
        writeChunk(res, {
          error: {
            message: reply.message ?? "The server had an error while processing your request.",
            type: reply.errorType ?? "server_error",
            param: null,
            code: null,
          },
        });
        res.end();
      }
      return;
    }

    const text = reply.type === "text" ? reply.text : (reply.text ?? "");
    const calls = reply.type === "tool-calls" ? reply.calls : [];
    const toolCalls = calls.map((call, index) => ({
      id: call.id ?? `call_fake_${record.index}_${index}`,
      name: call.name,
      arguments: typeof call.arguments === "string" ? call.arguments : JSON.stringify(call.arguments ?? {}),
    }));
    const finishReason =
      reply.type === "text" ? (reply.finishReason ?? "stop") : toolCalls.length > 0 ? "tool_calls" : "stop";
    const completionTokens =
      reply.usage?.completionTokens ??
      Math.ceil((text.length + toolCalls.reduce((sum, call) => sum + call.arguments.length, 0)) / 4);
    const usage = {
      prompt_tokens: promptTokens,
      completion_tokens: completionTokens,
      total_tokens: promptTokens + completionTokens,
    };

    if (!record.stream) {
      if (reply.firstChunkDelayMs) await delay(reply.firstChunkDelayMs);
      if (gone()) return;
      return sendJson(res, 200, {
        id,
        object: "chat.completion",
        created,
        model,
        system_fingerprint: "fp_holdfast_fake",
        choices: [
          {
            index: 0,
            message: {
              role: "assistant",
              content: text || (toolCalls.length > 0 ? null : ""),
              refusal: null,
              ...(toolCalls.length > 0
                ? {
                    tool_calls: toolCalls.map((call) => ({
                      id: call.id,
                      type: "function",
                      function: { name: call.name, arguments: call.arguments },
                    })),
                  }
                : {}),
            },
            logprobs: null,
            finish_reason: finishReason,
          },
        ],
        usage,
      });
    }

    startStream(res);
    if (reply.firstChunkDelayMs) await delay(reply.firstChunkDelayMs);
    if (gone()) return;
    writeChunk(res, chunkOf(id, created, model, { role: "assistant", content: "", refusal: null }, null, body));
    let first = true;
    const pace = async () => {
      if (!first && reply.chunkDelayMs) await delay(reply.chunkDelayMs);
      first = false;
      return !gone();
    };
    if (text) {
      for (const piece of splitInto(text, reply.type === "text" ? (reply.chunks ?? 4) : 2)) {
        if (!(await pace())) return;
        writeChunk(res, chunkOf(id, created, model, { content: piece }, null, body));
      }
    }
    for (const [index, call] of toolCalls.entries()) {
      if (!(await pace())) return;
      writeChunk(
        res,
        chunkOf(
          id,
          created,
          model,
          {
            tool_calls: [{ index, id: call.id, type: "function", function: { name: call.name, arguments: "" } }],
          },
          null,
          body,
        ),
      );
      const pieces = reply.type === "tool-calls" ? (reply.argumentChunks ?? 3) : 1;
      for (const piece of splitInto(call.arguments, pieces)) {
        if (!(await pace())) return;
        writeChunk(
          res,
          chunkOf(id, created, model, { tool_calls: [{ index, function: { arguments: piece } }] }, null, body),
        );
      }
    }
    if (gone()) return;
    writeChunk(res, chunkOf(id, created, model, {}, finishReason, body));
    if (body.stream_options?.include_usage) {
      writeChunk(res, {
        id,
        object: "chat.completion.chunk",
        created,
        model,
        system_fingerprint: "fp_holdfast_fake",
        choices: [],
        usage,
      });
    }
    res.write("data: [DONE]\n\n");
    res.end();
  }

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  const waitFor = async (predicate: () => boolean, timeoutMs = 5_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`fake OpenAI: condition not met within ${timeoutMs} ms`);
      await delay(5);
    }
  };

  return {
    url: `${origin}/v1`,
    origin,
    script: (...replies) => {
      queue.push(...replies);
    },
    setDefault: (reply) => {
      fallback = reply;
    },
    requests,
    get disconnects() {
      return requests.filter((request) => request.disconnected);
    },
    get completions() {
      return requests.filter((request) => request.path === "/v1/chat/completions");
    },
    pending: () => queue.length,
    waitFor,
    waitForDisconnect: async (index, timeoutMs = 5_000) => {
      const pick = () =>
        index === undefined
          ? requests.filter((request) => request.path === "/v1/chat/completions").at(-1)
          : requests[index];
      await waitFor(() => pick()?.disconnected === true, timeoutMs);
      return pick() as RecordedRequest;
    },
    reset: () => {
      queue.length = 0;
      requests.length = 0;
      fallback = echoReply;
    },
    close: async () => {
      closed = true;
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** The default reply: echoes the last user message, so concurrent callers can tell their answers apart. */
function echoReply(request: RecordedRequest): FakeReply {
  const messages = request.body?.messages ?? [];
  const lastUser = [...messages].reverse().find((message) => message.role === "user");
  return { type: "text", text: `Fake reply to: ${contentText(lastUser?.content)}`, chunks: 4 };
}

function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (Array.isArray(content)) {
    return content
      .map((part) => (part && typeof part === "object" && "text" in part ? String(part.text) : ""))
      .join("");
  }
  return "";
}

function defaultErrorType(status: number): string {
  if (status === 429) return "requests";
  if (status >= 500) return "server_error";
  return "invalid_request_error";
}

function chunkOf(
  id: string,
  created: number,
  model: string,
  delta: Record<string, unknown>,
  finishReason: string | null,
  body: ChatCompletionBody,
) {
  return {
    id,
    object: "chat.completion.chunk",
    created,
    model,
    system_fingerprint: "fp_holdfast_fake",
    choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
    // OpenAI sends `usage: null` on every chunk but the last when usage was requested.
    ...(body.stream_options?.include_usage ? { usage: null } : {}),
  };
}

function startStream(res: ServerResponse) {
  res.writeHead(200, {
    "content-type": "text/event-stream; charset=utf-8",
    "cache-control": "no-cache",
    connection: "keep-alive",
    "x-request-id": `req_fake_${Date.now()}`,
  });
  res.flushHeaders();
}

// Which recorded request a response belongs to, so the writers below can stamp the fake's own first byte.
const recordOf = new WeakMap<ServerResponse, RecordedRequest>();

function markFirstByte(res: ServerResponse) {
  const record = recordOf.get(res);
  if (record) record.firstByteAt ??= Date.now();
}

function writeChunk(res: ServerResponse, chunk: unknown) {
  if (res.destroyed) return;
  markFirstByte(res);
  res.write(`data: ${JSON.stringify(chunk)}\n\n`);
}

function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  if (res.destroyed) return;
  markFirstByte(res);
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(text)),
    "x-request-id": `req_fake_${Date.now()}`,
    ...headers,
  });
  res.end(text);
}

/** Splits `text` into exactly `count` pieces (fewer only if it is shorter), by code points; joined they give `text`. */
export function splitInto(text: string, count: number): string[] {
  const characters = Array.from(text);
  if (characters.length === 0) return [];
  const pieces = Math.max(1, Math.min(count, characters.length));
  const base = Math.floor(characters.length / pieces);
  const extra = characters.length % pieces;
  const result: string[] = [];
  let at = 0;
  for (let index = 0; index < pieces; index++) {
    const size = base + (index < extra ? 1 : 0);
    result.push(characters.slice(at, at + size).join(""));
    at += size;
  }
  return result;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
