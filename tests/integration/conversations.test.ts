import { randomInt } from "node:crypto";
import { beforeAll, describe, expect, test } from "vitest";
import { CONTEXT_BUDGET_TOKENS, MAX_OUTPUT_TOKENS } from "@/lib/conversations/context";
import { db } from "@/lib/db";
import { appUrl, createPersona, tokenFetch, uniqueSlug } from "../helpers/fixtures";
import { readSse, type SseEvent } from "../helpers/sse";

type Api = ReturnType<typeof tokenFetch>;
let api: Api;
let ws: string;
let token: string;

beforeAll(async () => {
  ws = uniqueSlug("chat");
  const persona = await createPersona({ workspace: ws, roles: ["member", "admin"], withToken: true });
  token = persona.token as string;
  api = tokenFetch(token);
});

async function newConversation(settings: Record<string, unknown> = {}): Promise<string> {
  const response = await api(`/api/v1/workspaces/${ws}/conversations`, {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ title: "Test", settings }),
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { conversation: { id: string } }).conversation.id;
}

function send(conversationId: string, content: string, key: string = crypto.randomUUID()) {
  return api(`/api/v1/workspaces/${ws}/conversations/${conversationId}/messages`, {
    method: "POST",
    headers: { "Idempotency-Key": key },
    body: JSON.stringify({ content }),
  });
}

const streamUrl = (generationId: string) => `${appUrl()}/api/v1/workspaces/${ws}/generations/${generationId}/stream`;
const auth = () => ({ authorization: `Bearer ${token}` });

describe("sending messages", () => {
  test("50 concurrent sends with one Idempotency-Key create one message and one generation", async () => {
    const conversationId = await newConversation();
    const key = crypto.randomUUID();
    const responses = await Promise.all(Array.from({ length: 50 }, () => send(conversationId, "Hello there", key)));
    const bodies = await Promise.all(responses.map((r) => r.text()));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(202));
    expect(new Set(bodies).size).toBe(1);
    expect(await db().message.count({ where: { conversationId } })).toBeLessThanOrEqual(2); // user + (maybe) answer
    expect(await db().message.count({ where: { conversationId, role: "user" } })).toBe(1);
    expect(await db().generation.count({ where: { conversationId } })).toBe(1);
  });

  test("a stream cut at random points and resumed 20 times yields the whole answer exactly once", async () => {
    const conversationId = await newConversation();
    const sent = (await (await send(conversationId, "Tell me about durable execution please")).json()) as {
      generation: { id: string };
    };
    const received: SseEvent[] = [];
    let last = 0;
    for (let cut = 0; cut < 20; cut++) {
      const { events, ended } = await readSse(streamUrl(sent.generation.id), {
        headers: auth(),
        afterSeq: last,
        stopAfter: randomInt(1, 3),
      });
      received.push(...events);
      last = events.at(-1)?.id ?? last;
      if (ended) break;
    }
    const rest = await readSse(streamUrl(sent.generation.id), { headers: auth(), afterSeq: last });
    received.push(...rest.events);
    expect(received.at(-1)?.event).toBe("end");
    expect(received.map((e) => e.id)).toEqual(received.map((_, index) => index + 1)); // no gap, no duplicate
    const text = received
      .filter((e) => e.event === "delta")
      .map((e) => (e.data as { text: string }).text)
      .join("");
    const answer = await db().message.findFirstOrThrow({ where: { conversationId, role: "assistant" } });
    expect(text).toBe(answer.content);
    expect(text.length).toBeGreaterThan(20);
  });

  test("the assistant message carries its version stamp and the exact context it was built from", async () => {
    const conversationId = await newConversation({ temperature: 0, seed: 7 });
    const sent = (await (await send(conversationId, "My name is Ada. Hello!")).json()) as {
      generation: { id: string };
    };
    await readSse(streamUrl(sent.generation.id), { headers: auth() });
    const messages = (await (
      await api(`/api/v1/workspaces/${ws}/conversations/${conversationId}/messages`)
    ).json()) as {
      data: Record<string, unknown>[];
    };
    const assistant = messages.data.find((m) => m.role === "assistant") as Record<string, unknown>;
    expect(assistant).toMatchObject({ model: "holdfast-offline-1", params: { temperature: 0, seed: 7 } });
    expect(assistant.context_build_id).toEqual(expect.any(String));
    const build = await db().contextBuild.findUniqueOrThrow({ where: { id: assistant.context_build_id as string } });
    expect(JSON.stringify(build.messages)).toContain("My name is Ada");
    const usage = await db().usageEntry.findFirstOrThrow({ where: { generationId: sent.generation.id } });
    expect(usage.outputTokens).toBeGreaterThan(0);
    const conversation = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(JSON.stringify(conversation.snapshot)).toContain("Ada");
  });

  test("concurrent sends never overspend the workspace's monthly token limit", async () => {
    const slug = uniqueSlug("quota");
    const persona = await createPersona({ workspace: slug, roles: ["member"], withToken: true });
    const perSend = CONTEXT_BUDGET_TOKENS + MAX_OUTPUT_TOKENS;
    await db().workspace.update({ where: { slug }, data: { planMonthlyTokens: BigInt(perSend * 5) } });
    const quotaApi = tokenFetch(persona.token as string);
    const created = await quotaApi(`/api/v1/workspaces/${slug}/conversations`, {
      method: "POST",
      headers: { "Idempotency-Key": crypto.randomUUID() },
      body: "{}",
    });
    const conversationId = ((await created.json()) as { conversation: { id: string } }).conversation.id;
    const responses = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        quotaApi(`/api/v1/workspaces/${slug}/conversations/${conversationId}/messages`, {
          method: "POST",
          headers: { "Idempotency-Key": `q-${i}` },
          body: JSON.stringify({ content: `message ${i}` }),
        }),
      ),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 202)).toHaveLength(5);
    expect(statuses.filter((s) => s === 402)).toHaveLength(15);
    const refused = (await responses[statuses.indexOf(402)]?.json()) as { error: { type: string } };
    expect(refused.error.type).toBe("quota_exceeded");
    const workspace = await db().workspace.findUniqueOrThrow({ where: { slug } });
    const period = await db().quotaPeriod.findFirstOrThrow({ where: { workspaceId: workspace.id } });
    expect(period.usedTokens + period.reservedTokens).toBeLessThanOrEqual(period.tokenLimit);
    expect(await db().message.count({ where: { conversationId, role: "user" } })).toBe(5);
  });
});

describe("conversation settings and policies", () => {
  test("title edits need If-Match: 428 without, 412 with the current object when stale", async () => {
    const conversationId = await newConversation();
    const path = `/api/v1/workspaces/${ws}/conversations/${conversationId}`;
    const read = await api(path);
    const etag = read.headers.get("etag") as string;
    expect(etag).toBe('"1"');
    expect((await api(path, { method: "PATCH", body: JSON.stringify({ title: "A" }) })).status).toBe(428);
    const first = await api(path, {
      method: "PATCH",
      headers: { "If-Match": etag },
      body: JSON.stringify({ title: "A" }),
    });
    expect(first.status).toBe(200);
    const stale = await api(path, {
      method: "PATCH",
      headers: { "If-Match": etag },
      body: JSON.stringify({ title: "B" }),
    });
    expect(stale.status).toBe(412);
    expect(stale.headers.get("etag")).toBe('"2"');
    expect(((await stale.json()) as { conversation: { title: string } }).conversation.title).toBe("A");
  });

  test("the reject policy refuses a second message while an answer is being generated", async () => {
    const conversationId = await newConversation({ busy_policy: "reject" });
    expect((await send(conversationId, "first")).status).toBe(202);
    const second = await send(conversationId, "second");
    // The first answer may already be done on a fast machine; then the second is accepted like any message.
    const generations = await db().generation.findMany({ where: { conversationId }, orderBy: { createdAt: "asc" } });
    if (second.status === 409) {
      expect(((await second.json()) as { error: { code: string } }).error.code).toBe("generation_in_progress");
      expect(generations).toHaveLength(1);
    } else {
      expect(second.status).toBe(202);
      expect(generations[0]?.finishedAt?.getTime()).toBeLessThanOrEqual(generations[1]?.createdAt.getTime() ?? 0);
    }
  });

  test("cancel of a finished generation is a no-op; an unknown one is a 404", async () => {
    const conversationId = await newConversation();
    const sent = (await (await send(conversationId, "hi")).json()) as { generation: { id: string } };
    const { events } = await readSse(streamUrl(sent.generation.id), { headers: auth() });
    const cancel = await api(`/api/v1/workspaces/${ws}/generations/${sent.generation.id}/cancel`, { method: "POST" });
    expect(cancel.status).toBe(202);
    const finalStatus = (events.at(-1)?.data as { status: string } | undefined)?.status;
    expect(((await cancel.json()) as { generation: { status: string } }).generation.status).toBe(finalStatus);
    const missing = await api(`/api/v1/workspaces/${ws}/generations/${crypto.randomUUID()}/cancel`, { method: "POST" });
    expect(missing.status).toBe(404);
  });
});
