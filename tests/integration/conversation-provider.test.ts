import { randomInt } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, beforeEach, expect, inject, test } from "vitest";
import { type FakeOpenAI, startFakeOpenAI } from "@/tests/fakes/openai-server";
import { createTestDatabase } from "../helpers/database";
import { type Product, seedWithCli, startProduct } from "../helpers/product";
import { readSse, type SseEvent } from "../helpers/sse";

// Holdfast pointed at a real HTTP fake of the OpenAI API through OPENAI_BASE_URL, exactly as a user would
// configure it: streaming, resume, cancel (the fake sees the disconnect), retries and the degraded mode.

let fake: FakeOpenAI;
let product: Product;
let pool: pg.Pool;
let token: string;
const ws = "provider-chat";

beforeAll(async () => {
  fake = await startFakeOpenAI();
  const databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "conversation_provider");
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  token = (await seedWithCli(databaseUrl, { email: "provider@example.test", workspace: ws })).token;
  product = await startProduct({
    databaseUrl,
    env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: fake.url, HOLDFAST_DEFAULT_MODEL: "gpt-4o-mini" },
  });
});

afterAll(async () => {
  await product?.stop();
  await fake?.close();
  await pool?.end();
});

beforeEach(() => fake.reset());

async function api(path: string, init: RequestInit = {}) {
  return fetch(`${product.url}/api/v1/workspaces/${ws}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers as object) },
  });
}

async function ask(content: string): Promise<{ conversationId: string; generationId: string }> {
  const created = await api("/conversations", {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: "{}",
  });
  const conversationId = ((await created.json()) as { conversation: { id: string } }).conversation.id;
  const sent = await api(`/conversations/${conversationId}/messages`, {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ content }),
  });
  expect(sent.status).toBe(202);
  return { conversationId, generationId: ((await sent.json()) as { generation: { id: string } }).generation.id };
}

const stream = (generationId: string, options: { afterSeq?: number; stopAfter?: number } = {}) =>
  readSse(`${product.url}/api/v1/workspaces/${ws}/generations/${generationId}/stream`, {
    headers: { authorization: `Bearer ${token}` },
    ...options,
  });

const textOf = (events: SseEvent[]) =>
  events
    .filter((e) => e.event === "delta")
    .map((e) => (e.data as { text: string }).text)
    .join("");

async function assistantMessage(generationId: string) {
  const { rows } = await pool.query(
    "SELECT content, status, model, provider_version FROM messages WHERE generation_id = $1 AND role = 'assistant'",
    [generationId],
  );
  return rows[0] as { content: string; status: string; model: string; provider_version: string } | undefined;
}

test("a provider stream cut at random points and resumed 20 times yields exactly the provider's text", async () => {
  // Long enough (about 4 s) that 20 cuts land before the end, whatever the batching of deltas.
  const words = Array.from({ length: 400 }, (_, i) => `word${i}`).join(" ");
  fake.script({ type: "text", text: words, chunks: 200, chunkDelayMs: 20 });
  const { generationId } = await ask("Count for me");
  const received: SseEvent[] = [];
  let resumes = 0;
  let last = 0;
  while (resumes < 20) {
    const { events, ended } = await stream(generationId, { afterSeq: last, stopAfter: randomInt(1, 3) });
    received.push(...events);
    last = events.at(-1)?.id ?? last;
    if (ended) break;
    resumes++;
  }
  const rest = await stream(generationId, { afterSeq: last });
  received.push(...rest.events);
  expect(resumes).toBe(20);
  expect(received.map((e) => e.id)).toEqual(received.map((_, index) => index + 1));
  expect(received.at(-1)).toMatchObject({ event: "end", data: { status: "succeeded" } });
  expect(textOf(received)).toBe(words);
  expect((await assistantMessage(generationId))?.content).toBe(words);
});

test("cancel mid-stream ends the generation within 1 s, aborts the provider request and keeps the partial text", async () => {
  fake.script({ type: "text", text: "x".repeat(400), chunks: 200, chunkDelayMs: 50 });
  const { generationId } = await ask("Write a long essay");
  const before = await stream(generationId, { stopAfter: 5 });
  const canceledAt = Date.now();
  const cancel = await api(`/generations/${generationId}/cancel`, { method: "POST" });
  expect(cancel.status).toBe(202);
  const rest = await stream(generationId, { afterSeq: before.events.at(-1)?.id ?? 0 });
  const elapsed = Date.now() - canceledAt;
  expect(rest.events.at(-1)).toMatchObject({ event: "end", data: { status: "canceled" } });
  expect(elapsed).toBeLessThan(1_000);
  const aborted = await fake.waitForDisconnect();
  expect(aborted.completed).toBe(false);
  const partial = textOf([...before.events, ...rest.events]);
  expect(partial.length).toBeGreaterThan(0);
  expect(partial.length).toBeLessThan(400);
  expect(await assistantMessage(generationId)).toMatchObject({ content: partial, status: "canceled" });
});

test("a 429 with Retry-After is retried and the answer still arrives once", async () => {
  fake.script({ type: "error", status: 429, retryAfter: 1 }, { type: "text", text: "after the storm", chunks: 3 });
  const { generationId } = await ask("hello");
  const { events } = await stream(generationId);
  expect(events.at(-1)).toMatchObject({ event: "end", data: { status: "succeeded" } });
  expect(textOf(events)).toBe("after the storm");
  expect(fake.completions).toHaveLength(2);
  const retryGap = (fake.completions[1]?.startedAt ?? 0) - (fake.completions[0]?.startedAt ?? 0);
  expect(retryGap).toBeGreaterThanOrEqual(900); // Retry-After: 1 s honoured (timer granularity allowed)
});

test("a provider that keeps failing is replaced by the offline model, and the answer says so", async () => {
  fake.setDefault({ type: "error", status: 500, message: "upstream exploded" });
  const { generationId } = await ask("Are you there?");
  const { events } = await stream(generationId);
  expect(events.at(-1)).toMatchObject({ event: "end", data: { status: "succeeded" } });
  expect(events.some((e) => e.event === "status" && (e.data as { status: string }).status === "degraded")).toBe(true);
  const message = await assistantMessage(generationId);
  expect(message).toMatchObject({ model: "holdfast-offline-1", status: "completed" });
  expect(message?.content).toBe(textOf(events));
  const generation = (await (await api(`/generations/${generationId}`)).json()) as {
    generation: { status: string; degraded: string; conversation_id: string };
  };
  expect(generation).toMatchObject({ generation: { status: "succeeded", degraded: "offline_model" } });
  const listed = (await (await api(`/conversations/${generation.generation.conversation_id}/messages`)).json()) as {
    data: { role: string; degraded?: boolean }[];
  };
  expect(listed.data.find((m) => m.role === "assistant")?.degraded).toBe(true);
  expect(fake.completions.length).toBeGreaterThanOrEqual(2);
});

test("a request the provider rejects fails at once with a normalized reason, and releases the reserved quota", async () => {
  fake.script({ type: "error", status: 400, message: "bad request from the model's point of view" });
  const { generationId } = await ask("this will be refused");
  const { events } = await stream(generationId);
  expect(events.at(-1)).toMatchObject({
    event: "end",
    data: { status: "failed", error: { type: "validation", code: "provider_rejected_request" } },
  });
  expect(fake.completions).toHaveLength(1);
  const { rows } = await pool.query(
    "SELECT reserved_tokens FROM quota_periods q JOIN workspaces w ON w.id = q.workspace_id WHERE w.slug = $1",
    [ws],
  );
  expect(Number(rows[0]?.reserved_tokens)).toBe(0);
});
