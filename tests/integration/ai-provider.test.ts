import { generateText, jsonSchema } from "ai";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, test } from "vitest";
import { z } from "zod";
import { computeBackoffMs, ProviderError, retryProviderCall } from "@/lib/ai/errors";
import { OFFLINE_MODEL_ID } from "@/lib/ai/models";
import { defaultModelId, listAvailableModels, resolveModel } from "@/lib/ai/providers";
import { type GenerationEvent, type GenerationInput, runGeneration, streamGeneration } from "@/lib/ai/stream";
import { type FakeOpenAI, splitInto, startFakeOpenAI } from "@/tests/fakes/openai-server";

// The real provider layer pointed at a real HTTP fake of OpenAI, through the same env vars a user sets.
let fake: FakeOpenAI;
const savedEnv = { ...process.env };

beforeAll(async () => {
  fake = await startFakeOpenAI();
});

afterAll(async () => {
  await fake.close();
});

beforeEach(() => {
  fake.reset();
  process.env.OPENAI_API_KEY = "sk-test-holdfast";
  process.env.OPENAI_BASE_URL = fake.url;
  delete process.env.HOLDFAST_AI_PROVIDER;
  delete process.env.HOLDFAST_DEFAULT_MODEL;
});

afterEach(() => {
  for (const key of ["OPENAI_API_KEY", "OPENAI_BASE_URL", "HOLDFAST_AI_PROVIDER", "HOLDFAST_DEFAULT_MODEL"]) {
    if (savedEnv[key] === undefined) delete process.env[key];
    else process.env[key] = savedEnv[key];
  }
});

const ask = (text: string, extra: Partial<GenerationInput> = {}): GenerationInput => ({
  modelId: "gpt-4o-mini",
  messages: [{ role: "user", content: text }],
  ...extra,
});

async function collect(input: GenerationInput): Promise<GenerationEvent[]> {
  const events: GenerationEvent[] = [];
  for await (const event of streamGeneration(input)) events.push(event);
  return events;
}

async function failureOf(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(ProviderError);
    return error as ProviderError;
  }
  throw new Error("expected the generation to fail");
}

describe("resolveModel", () => {
  test("uses the OpenAI-compatible endpoint when a key is set, and stamps the version", () => {
    const resolved = resolveModel("gpt-4o-mini");
    expect(resolved.offline).toBe(false);
    expect(resolved.stamp).toMatchObject({
      modelId: "gpt-4o-mini",
      provider: "openai-compatible",
      endpoint: new URL(fake.url).host,
    });
    expect(resolved.stamp.providerVersion).toMatch(/^@ai-sdk\/openai@\d+\.\d+\.\d+/);
    expect(defaultModelId()).toBe("gpt-4o-mini");
    process.env.HOLDFAST_DEFAULT_MODEL = "llama3.1";
    expect(defaultModelId()).toBe("llama3.1");
    expect(resolveModel().info).toMatchObject({ id: "llama3.1", custom: true, price: { inputPerMillion: 0 } });
  });

  test("falls back to the offline model without a key, or when forced offline", () => {
    delete process.env.OPENAI_API_KEY;
    const resolved = resolveModel("gpt-4o-mini");
    expect(resolved.offline).toBe(true);
    expect(resolved.stamp).toMatchObject({
      modelId: OFFLINE_MODEL_ID,
      provider: "offline",
      requestedModelId: "gpt-4o-mini",
    });
    expect(defaultModelId()).toBe(OFFLINE_MODEL_ID);
    expect(
      listAvailableModels()
        .filter((model) => model.available)
        .map((model) => model.id),
    ).toEqual([OFFLINE_MODEL_ID]);

    process.env.OPENAI_API_KEY = "sk-test-holdfast";
    process.env.HOLDFAST_AI_PROVIDER = "offline";
    expect(resolveModel("gpt-4o").offline).toBe(true);
  });
});

describe("streaming through the fake OpenAI server", () => {
  test("streams text in chunks, with usage from the final chunk and the response model in the stamp", async () => {
    fake.script({
      type: "text",
      text: "The quick brown fox jumps over the lazy dog.",
      chunks: 6,
      model: "gpt-4o-mini-2024-07-18",
      usage: { promptTokens: 31, completionTokens: 11 },
    });
    const events = await collect(ask("Tell me about foxes", { temperature: 0, seed: 7 }));
    const deltas = events.filter((event) => event.type === "text-delta");
    expect(deltas.map((event) => event.delta).join("")).toBe("The quick brown fox jumps over the lazy dog.");
    expect(deltas.length).toBe(6);
    const finish = events.at(-1);
    expect(finish).toMatchObject({
      type: "finish",
      finishReason: "stop",
      usage: { inputTokens: 31, outputTokens: 11, totalTokens: 42, estimated: false },
      costMicros: Math.ceil((31 * 150_000 + 11 * 600_000) / 1_000_000),
      stamp: { modelId: "gpt-4o-mini", responseModelId: "gpt-4o-mini-2024-07-18", responseId: "chatcmpl-fake-0" },
    });

    const [request] = fake.completions;
    expect(request?.body).toMatchObject({
      model: "gpt-4o-mini",
      stream: true,
      stream_options: { include_usage: true },
      temperature: 0,
      seed: 7,
      messages: [{ role: "user", content: "Tell me about foxes" }],
    });
    expect(request?.headers.authorization).toBe("Bearer sk-test-holdfast");
    expect(request?.completed).toBe(true);
    expect(request?.firstByteAt).toBeGreaterThanOrEqual(request?.startedAt ?? Infinity);
    expect(fake.disconnects).toHaveLength(0);
  });

  test("streams tool calls with their arguments split across chunks", async () => {
    fake.script({
      type: "tool-calls",
      calls: [{ name: "check_disk", arguments: { server: "web-1", unit: "percent" }, id: "call_abc" }],
      argumentChunks: 4,
    });
    const result = await runGeneration(
      ask("How full is web-1?", {
        tools: {
          check_disk: {
            description: "Disk usage of a server",
            inputSchema: z.object({ server: z.string(), unit: z.enum(["percent", "bytes"]) }),
          },
        },
      }),
    );
    expect(result.finishReason).toBe("tool-calls");
    expect(result.toolCalls).toEqual([
      { toolCallId: "call_abc", toolName: "check_disk", input: { server: "web-1", unit: "percent" } },
    ]);
    const body = fake.completions[0]?.body;
    expect(body?.tools?.[0]).toMatchObject({ type: "function", function: { name: "check_disk" } });
  });

  test("tool arguments that fail the schema come back marked invalid, not thrown", async () => {
    fake.script({ type: "tool-calls", calls: [{ name: "check_disk", arguments: { server: 42 } }] });
    const result = await runGeneration(
      ask("disk?", { tools: { check_disk: { inputSchema: z.object({ server: z.string() }) } } }),
    );
    expect(result.toolCalls[0]).toMatchObject({ toolName: "check_disk", input: { server: 42 }, invalid: true });
    expect(result.toolCalls[0]?.error).toMatch(/server/);
  });

  test("plain JSON schemas work as tool input schemas too", async () => {
    fake.script({ type: "tool-calls", calls: [{ name: "fetch_url", arguments: { url: "https://example.com" } }] });
    const inputSchema = jsonSchema({ type: "object", properties: { url: { type: "string" } }, required: ["url"] });
    const result = await runGeneration(ask("fetch it", { tools: { fetch_url: { inputSchema } } }));
    expect(result.toolCalls).toMatchObject([{ toolName: "fetch_url", input: { url: "https://example.com" } }]);
  });

  test("a non-streaming call through the AI SDK works against the same endpoint", async () => {
    fake.script({ type: "text", text: "plain answer" });
    const { model } = resolveModel("gpt-4o-mini");
    const result = await generateText({ model, prompt: "hi", maxRetries: 0 });
    expect(result.text).toBe("plain answer");
    expect(fake.completions[0]?.stream).toBe(false);
  });

  test("GET /v1/models lists models", async () => {
    const response = await fetch(`${fake.url}/models`, { headers: { authorization: "Bearer x" } });
    const body = (await response.json()) as { data: Array<{ id: string }> };
    expect(body.data.map((model) => model.id)).toContain("gpt-4o-mini");
  });
});

describe("provider errors are classified", () => {
  test("429 with Retry-After → retriable provider_unavailable with the wait", async () => {
    fake.script({ type: "error", status: 429, retryAfter: 2 });
    const error = await failureOf(collect(ask("hi")));
    expect(error).toMatchObject({
      kind: "rate_limited",
      type: "provider_unavailable",
      code: "provider_rate_limited",
      retriable: true,
      retryAfterMs: 2000,
      providerStatus: 429,
      status: 503,
    });
    expect(error.headers["Retry-After"]).toBe("2");
  });

  test("429 insufficient_quota is not retried", async () => {
    fake.script({ type: "error", status: 429, code: "insufficient_quota", errorType: "insufficient_quota" });
    const error = await failureOf(collect(ask("hi")));
    expect(error).toMatchObject({ kind: "quota_exhausted", retriable: false });
  });

  test("500 and 503 → retriable; 400, 401, 404, 422 → not", async () => {
    fake.script({ type: "error", status: 500 }, { type: "error", status: 503, retryAfterMs: 1500 });
    expect(await failureOf(collect(ask("a")))).toMatchObject({ kind: "server_error", retriable: true });
    expect(await failureOf(collect(ask("b")))).toMatchObject({ kind: "server_error", retryAfterMs: 1500 });

    fake.script(
      { type: "error", status: 400, message: "context_length_exceeded" },
      { type: "error", status: 401 },
      { type: "error", status: 404 },
      { type: "error", status: 422 },
    );
    const expected = [
      { kind: "bad_request", type: "unprocessable" },
      { kind: "auth", type: "provider_unavailable", code: "provider_auth_failed" },
      { kind: "not_found", code: "provider_model_not_found" },
      { kind: "bad_request" },
    ];
    for (const shape of expected) {
      expect(await failureOf(collect(ask("c")))).toMatchObject({ ...shape, retriable: false });
    }
  });

  test("an error object inside a 200 stream is classified too", async () => {
    fake.script({ type: "stream-error", afterChunks: 2, text: "partial text here" });
    const error = await failureOf(collect(ask("hi")));
    expect(error).toMatchObject({ kind: "server_error", retriable: true });
  });

  test("a dropped connection is a retriable network failure", async () => {
    fake.script({ type: "drop" });
    expect(await failureOf(collect(ask("hi")))).toMatchObject({ kind: "network", retriable: true });
  });

  test("retryProviderCall retries 429 then succeeds, honouring Retry-After", async () => {
    fake.script({ type: "error", status: 429, retryAfterMs: 50 }, { type: "text", text: "second time lucky" });
    const delays: number[] = [];
    const result = await retryProviderCall(() => runGeneration(ask("hi")), {
      baseMs: 1,
      onRetry: ({ delayMs }) => delays.push(delayMs),
    });
    expect(result.text).toBe("second time lucky");
    expect(delays).toEqual([50]);
    expect(fake.completions).toHaveLength(2);
  });

  test("retryProviderCall gives up at once on a non-retriable error", async () => {
    fake.script({ type: "error", status: 400 }, { type: "text", text: "never reached" });
    const error = await failureOf(retryProviderCall(() => runGeneration(ask("hi")), { baseMs: 1 }));
    expect(error.kind).toBe("bad_request");
    expect(fake.completions).toHaveLength(1);
    expect(computeBackoffMs(1, { retryAfterMs: 500, random: () => 0 })).toBe(500);
  });
});

describe("timeouts and cancellation reach the provider connection", () => {
  test("a provider that never answers hits the idle timeout, and the request is aborted", async () => {
    fake.script({ type: "hang" });
    const startedAt = Date.now();
    const error = await failureOf(collect(ask("hello?", { idleTimeoutMs: 300 })));
    expect(error).toMatchObject({ kind: "timeout", type: "timeout", code: "provider_idle_timeout", retriable: true });
    expect(Date.now() - startedAt).toBeLessThan(2_000);
    await fake.waitForDisconnect(0);
  });

  test("a stream that stalls mid-way hits the idle timeout after the text it did send", async () => {
    fake.script({ type: "hang", afterChunks: 2, text: "one two three four", chunks: 4 });
    const deltas: string[] = [];
    const error = await failureOf(
      (async () => {
        for await (const event of streamGeneration(ask("hi", { idleTimeoutMs: 300 })))
          if (event.type === "text-delta") deltas.push(event.delta);
      })(),
    );
    expect(error.code).toBe("provider_idle_timeout");
    expect(deltas.join("")).toBe(splitInto("one two three four", 4).slice(0, 2).join(""));
    await fake.waitForDisconnect(0);
  });

  test("slow tokens within the idle limit succeed; past the request limit they time out", async () => {
    fake.script({ type: "text", text: "slow but steady wins", chunks: 4, chunkDelayMs: 60 });
    const ok = await runGeneration(ask("hi", { idleTimeoutMs: 500 }));
    expect(ok.text).toBe("slow but steady wins");

    fake.script({ type: "text", text: "this will take far too long", chunks: 10, chunkDelayMs: 100 });
    const error = await failureOf(runGeneration(ask("hi", { idleTimeoutMs: 500, requestTimeoutMs: 350 })));
    expect(error).toMatchObject({ kind: "timeout", code: "provider_timeout" });
    await fake.waitForDisconnect(1);
  });

  test("cancel mid-stream aborts the provider request: the fake sees the client disconnect", async () => {
    fake.script({ type: "text", text: "a b c d e f g h i j k l m n o p", chunks: 16, chunkDelayMs: 100 });
    const controller = new AbortController();
    const deltas: string[] = [];
    let canceledAt = 0;
    const error = await failureOf(
      (async () => {
        for await (const event of streamGeneration(ask("count", { signal: controller.signal }))) {
          if (event.type !== "text-delta") continue;
          deltas.push(event.delta);
          if (deltas.length === 2) {
            canceledAt = Date.now();
            controller.abort();
          }
        }
      })(),
    );
    expect(error).toMatchObject({ kind: "canceled", retriable: false });
    expect(Date.now() - canceledAt).toBeLessThan(1_000);
    expect(deltas).toHaveLength(2);
    const request = await fake.waitForDisconnect(0, 2_000);
    expect(request.completed).toBe(false);
  });

  test("a consumer that stops reading early releases the provider connection", async () => {
    fake.script({ type: "text", text: "0123456789abcdef", chunks: 16, chunkDelayMs: 50 });
    for await (const event of streamGeneration(ask("stop early"))) {
      if (event.type === "text-delta") break;
    }
    await fake.waitForDisconnect(0, 2_000);
  });

  test("an already-aborted signal never reaches the provider", async () => {
    const controller = new AbortController();
    controller.abort();
    expect(await failureOf(collect(ask("hi", { signal: controller.signal })))).toMatchObject({ kind: "canceled" });
    expect(fake.completions).toHaveLength(0);
  });
});
