import { setTimeout as delay } from "node:timers/promises";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { chaosSeed, seededRandom } from "../engine-support/chaos";
import { createTestDatabase } from "../helpers/database";
import { type Product, seedWithCli, startProduct } from "../helpers/product";
import { readSse, type SseEvent } from "../helpers/sse";

// The web server is `kill -9`ed while it streams an answer; the generation must still end, and a client that
// resumes with Last-Event-ID must see every chunk exactly once and the same text as an uninterrupted answer.

let product: Product;
let pool: pg.Pool;
let token: string;
const ws = "chaos-chat";

beforeAll(async () => {
  const databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "conversation_chaos");
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  token = (await seedWithCli(databaseUrl, { email: "chaos@example.test", workspace: ws })).token;
  // Slow chunks so that a kill lands mid-answer.
  product = await startProduct({ databaseUrl, env: { HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "120" } });
});

afterAll(async () => {
  await product?.stop();
  await pool?.end();
});

async function api(path: string, init: RequestInit = {}) {
  const response = await fetch(`${product.url}/api/v1/workspaces/${ws}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers as object) },
  });
  return response;
}

async function startAnswer(content: string): Promise<string> {
  const created = await api("/conversations", {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: "{}",
  });
  const { conversation } = (await created.json()) as { conversation: { id: string } };
  const sent = await api(`/conversations/${conversation.id}/messages`, {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ content }),
  });
  return ((await sent.json()) as { generation: { id: string } }).generation.id;
}

const streamOf = (generationId: string, afterSeq: number) =>
  readSse(`${product.url}/api/v1/workspaces/${ws}/generations/${generationId}/stream`, {
    headers: { authorization: `Bearer ${token}` },
    afterSeq,
  });

const textOf = (events: SseEvent[]) =>
  events
    .filter((e) => e.event === "delta")
    .map((e) => (e.data as { text: string }).text)
    .join("");

test("a web server killed mid-answer: the generation ends and the resumed stream is exact", async () => {
  const seed = chaosSeed();
  console.log(`[chaos] conversation crash seed=${seed} (rerun with ENGINE_CHAOS_SEED=${seed})`);
  const random = seededRandom(seed);
  const question = "Explain in detail why durable execution matters for agents that send emails";

  const reference = await streamOf(await startAnswer(question), 0);
  expect(reference.ended).toBe(true);
  const expected = textOf(reference.events);

  for (let round = 0; round < 3; round++) {
    const generationId = await startAnswer(question);
    // Read part of the stream, as a browser would, then lose the server.
    const before = await readSse(`${product.url}/api/v1/workspaces/${ws}/generations/${generationId}/stream`, {
      headers: { authorization: `Bearer ${token}` },
      stopAfter: 3 + Math.floor(random() * 4),
    });
    await delay(Math.floor(random() * 300));
    await product.crashAndRestartApp();
    const after = await streamOf(generationId, before.events.at(-1)?.id ?? 0);
    const events = [...before.events, ...after.events];

    expect(after.ended).toBe(true);
    expect(events.map((e) => e.id)).toEqual(events.map((_, index) => index + 1));
    expect(events.at(-1)?.data).toEqual({ status: "succeeded" });
    expect(textOf(events)).toBe(expected);
    const { rows } = await pool.query(
      "SELECT content, status FROM messages WHERE generation_id = $1 AND role = 'assistant'",
      [generationId],
    );
    expect(rows).toEqual([{ content: expected, status: "completed" }]);
  }
});
