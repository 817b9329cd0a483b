// The runs console's server side (issue 6): run and generation lists with filters, stuck detection, sort and
// keyset pagination; the engine's own view of a run; conversation reset; idempotent cancel/retry; agent system
// prompts as prompt versions with their usage.
import { beforeAll, describe, expect, test } from "vitest";
import { db } from "@/lib/db";
import { createPersona, json, tokenFetch, uniqueSlug } from "../helpers/fixtures";

type Api = ReturnType<typeof tokenFetch>;
type Tenant = { ws: string; id: string; admin: Api; adminId: string; member: Api; memberId: string };

async function tenant(prefix: string): Promise<Tenant> {
  const ws = uniqueSlug(prefix);
  const admin = await createPersona({ workspace: ws, roles: ["member", "admin"], withToken: true });
  const member = await createPersona({ workspace: ws, roles: ["member"], withToken: true });
  const { id } = await db().workspace.findUniqueOrThrow({ where: { slug: ws } });
  return {
    ws,
    id,
    admin: tokenFetch(admin.token as string),
    adminId: admin.userId,
    member: tokenFetch(member.token as string),
    memberId: member.userId,
  };
}

const key = () => crypto.randomUUID();

async function get(api: Api, t: Tenant, path: string, status = 200) {
  const response = await api(`/api/v1/workspaces/${t.ws}${path}`);
  const body = await json(response);
  expect(response.status, `${path}: ${JSON.stringify(body)}`).toBe(status);
  return body;
}

async function post(api: Api, t: Tenant, path: string, body: unknown = {}, idem: string = key()) {
  return api(`/api/v1/workspaces/${t.ws}${path}`, {
    method: "POST",
    headers: { "Idempotency-Key": idem },
    body: JSON.stringify(body),
  });
}

/** Every item of a list, walking its cursor `limit` at a time. */
async function walk(t: Tenant, path: string, limit: number) {
  const items: { id: string; created_at: string; updated_at: string }[] = [];
  let cursor: string | null = null;
  for (let page = 0; page < 100; page++) {
    const sep = path.includes("?") ? "&" : "?";
    const body = await get(t.admin, t, `${path}${sep}limit=${limit}${cursor ? `&cursor=${cursor}` : ""}`);
    expect(body.data.length).toBeLessThanOrEqual(limit);
    items.push(...body.data);
    cursor = body.next_cursor;
    if (!cursor) return items;
  }
  throw new Error("the cursor walk did not end");
}

const ids = (items: { id: string }[]) => items.map((item) => item.id);
const sorted = (list: string[]) => [...list].sort();

async function waitForRun(t: Tenant, runId: string, statuses: string[], timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { run } = await get(t.admin, t, `/runs/${runId}`);
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run.status} (${JSON.stringify(run.error)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function startRun(t: Tenant, body: Record<string, unknown>) {
  const response = await post(t.admin, t, "/runs", { goal: "console test", ...body });
  const payload = await json(response);
  expect(response.status, JSON.stringify(payload)).toBe(202);
  return payload.run as { id: string; prompt_version: string; prompt_version_id: string };
}

async function waitGeneration(id: string, statuses: string[]) {
  const deadline = Date.now() + 45_000;
  for (;;) {
    const row = await db().generation.findUniqueOrThrow({ where: { id } });
    if (statuses.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`generation ${id} is ${row.status}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

const HOUR = 3_600_000;

describe("lists over seeded rows of two members", () => {
  let t: Tenant;
  type Seeded = { id: string; status: string; agent: string; member: string; createdAt: Date };
  const runs: Seeded[] = [];
  const generations: Seeded[] = [];
  const base = Date.now() - 10 * 24 * HOUR;
  const RUN_STATUSES = ["queued", "running", "succeeded", "failed", "timed_out", "canceled", "waiting_approval"];
  const AGENTS = ["operations", "support", "research"];
  const GEN_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"];
  let conversationId: string;
  /** One shared updated_at for runs 9–12: the keyset must break the tie on id. */
  const tie = new Date(Date.now() - 2 * HOUR);

  beforeAll(async () => {
    t = await tenant("console");
    for (let i = 0; i < 14; i++) {
      const run = {
        id: crypto.randomUUID(),
        status: RUN_STATUSES[i % RUN_STATUSES.length] as string,
        agent: AGENTS[i % AGENTS.length] as string,
        member: i % 2 === 0 ? t.adminId : t.memberId,
        createdAt: new Date(base + i * 12 * HOUR),
      };
      runs.push(run);
      await db().$executeRaw`
        INSERT INTO agent_runs (id, workspace_id, agent, goal, constraints, budget, state, status, deadline_at, model,
                                prompt_version, temperature, seed, requested_by_id, request_id, created_at, updated_at)
        VALUES (${run.id}::uuid, ${t.id}::uuid, ${run.agent}, 'seeded', '{}', '{}', '{}',
                ${run.status}::"AgentRunStatus", now() + interval '1 day', 'offline', 'agent-operations@1', 0, 42,
                ${run.member}::uuid, ${`req-${i}`}, ${run.createdAt}, ${i >= 9 && i < 13 ? tie : new Date()})`;
    }
    conversationId = (
      await db().conversation.create({ data: { workspaceId: t.id, title: "Seeded chat", createdById: t.adminId } })
    ).id;
    for (let i = 0; i < 10; i++) {
      const generation = {
        id: crypto.randomUUID(),
        status: GEN_STATUSES[i % GEN_STATUSES.length] as string,
        agent: "",
        member: i % 2 === 0 ? t.adminId : t.memberId,
        createdAt: new Date(base + i * 12 * HOUR),
      };
      generations.push(generation);
      await db().$executeRaw`
        INSERT INTO generations (id, workspace_id, conversation_id, user_message_id, requested_by_id, status, model,
                                 prompt_label, reserved_tokens, error_type, error_code, error_message, request_id,
                                 created_at, updated_at)
        VALUES (${generation.id}::uuid, ${t.id}::uuid, ${conversationId}::uuid, gen_random_uuid(),
                ${generation.member}::uuid, ${generation.status}::"GenerationStatus", 'offline', 'production', 0,
                ${generation.status === "failed" ? "provider" : null}, ${generation.status === "failed" ? "boom" : null},
                ${generation.status === "failed" ? "it broke" : null}, ${`greq-${i}`}, ${generation.createdAt}, now())`;
    }
  });

  test("runs: no filter lists all with their requester, request id and stuck flag, newest first", async () => {
    const body = await get(t.member, t, "/runs?limit=100");
    expect(ids(body.data)).toEqual(ids([...runs].reverse()));
    const first = body.data.find((r: { id: string }) => r.id === runs[0]?.id);
    const admin = await db().user.findUniqueOrThrow({ where: { id: t.adminId } });
    expect(first).toMatchObject({
      requested_by: { id: t.adminId, email: admin.email, name: admin.name },
      request_id: "req-0",
      stuck: false,
      agent: "operations",
    });
  });

  test("runs: each filter keeps exactly its rows", async () => {
    const expectIds = async (query: string, want: Seeded[]) => {
      const body = await get(t.admin, t, `/runs?limit=100&${query}`);
      expect(sorted(ids(body.data)), query).toEqual(sorted(ids(want)));
      expect(want.length, `${query} keeps something`).toBeGreaterThan(0);
      expect(want.length, `${query} drops something`).toBeLessThan(runs.length);
    };
    await expectIds(
      "status=failed",
      runs.filter((r) => r.status === "failed"),
    );
    await expectIds(
      "status=failed,timed_out",
      runs.filter((r) => r.status === "failed" || r.status === "timed_out"),
    );
    await expectIds(
      "agent=support",
      runs.filter((r) => r.agent === "support"),
    );
    await expectIds(
      `member=${t.memberId}`,
      runs.filter((r) => r.member === t.memberId),
    );
    await expectIds(
      `member=${t.adminId}&status=queued,succeeded`,
      runs.filter((r) => r.member === t.adminId && ["queued", "succeeded"].includes(r.status)),
    );
    const from = new Date(base + 24 * HOUR);
    const to = new Date(base + 72 * HOUR);
    await expectIds(
      `from=${from.toISOString()}&to=${to.toISOString()}`,
      runs.filter((r) => r.createdAt >= from && r.createdAt < to),
    );
  });

  test("runs: stuck = queued or running with no progress past the threshold", async () => {
    const staleRunning = runs.find((r) => r.status === "running") as Seeded;
    const staleQueued = runs.find((r) => r.status === "queued") as Seeded;
    const staleFailed = runs.find((r) => r.status === "failed") as Seeded;
    const staleWaiting = runs.find((r) => r.status === "waiting_approval") as Seeded;
    const stale = [staleRunning, staleQueued, staleFailed, staleWaiting].map((r) => r.id);
    await db()
      .$executeRaw`UPDATE agent_runs SET updated_at = now() - interval '1 hour' WHERE id = ANY(${stale}::uuid[])`;
    const body = await get(t.admin, t, "/runs?stuck=true");
    expect(sorted(ids(body.data))).toEqual(sorted([staleRunning.id, staleQueued.id]));
    expect(body.data.every((r: { stuck: boolean }) => r.stuck)).toBe(true);
    const all = await get(t.admin, t, "/runs?limit=100");
    const flagged = all.data.filter((r: { stuck: boolean }) => r.stuck);
    expect(sorted(ids(flagged))).toEqual(sorted([staleRunning.id, staleQueued.id]));
    expect(ids((await get(t.admin, t, "/runs?stuck=true&status=queued")).data)).toEqual([staleQueued.id]);
    expect(ids((await get(t.admin, t, `/runs?stuck=true&member=${t.memberId}`)).data)).toEqual(
      [staleRunning, staleQueued].filter((r) => r.member === t.memberId).map((r) => r.id),
    );
  });

  test("runs: every sort and order walks all rows exactly once, in order", async () => {
    for (const sort of ["created_at", "updated_at"] as const) {
      for (const order of ["desc", "asc"] as const) {
        const items = await walk(t, `/runs?sort=${sort}&order=${order}`, 3);
        expect(items).toHaveLength(runs.length);
        expect(sorted(ids(items))).toEqual(sorted(ids(runs)));
        const keyOf = (item: { id: string; created_at: string; updated_at: string }) =>
          `${sort === "created_at" ? item.created_at : item.updated_at}|${item.id}`;
        const keys = items.map(keyOf);
        const expected = [...keys].sort();
        expect(keys, `${sort} ${order}`).toEqual(order === "asc" ? expected : expected.reverse());
      }
    }
    const tied = (await get(t.admin, t, "/runs?sort=updated_at&order=asc&limit=4")).data;
    expect(tied.every((r: { updated_at: string }) => r.updated_at === tie.toISOString())).toBe(true);
  });

  test("generations: filters, stuck, sort and cursor", async () => {
    const body = await get(t.member, t, "/generations?limit=100");
    expect(ids(body.data)).toEqual(ids([...generations].reverse()));
    const failed = body.data.find((g: { status: string }) => g.status === "failed");
    expect(failed).toMatchObject({
      conversation_id: conversationId,
      conversation_title: "Seeded chat",
      error: { type: "provider", code: "boom", message: "it broke" },
      requested_by: { id: expect.any(String), email: expect.any(String) },
      request_id: expect.stringMatching(/^greq-/),
      prompt_label: "production",
      stuck: false,
    });
    const expectIds = async (query: string, want: Seeded[]) => {
      const page = await get(t.admin, t, `/generations?limit=100&${query}`);
      expect(sorted(ids(page.data)), query).toEqual(sorted(ids(want)));
      expect(want.length).toBeGreaterThan(0);
      expect(want.length).toBeLessThan(generations.length);
    };
    await expectIds(
      "status=queued,running",
      generations.filter((g) => ["queued", "running"].includes(g.status)),
    );
    await expectIds(
      `member=${t.adminId}`,
      generations.filter((g) => g.member === t.adminId),
    );
    const from = new Date(base + 36 * HOUR);
    await expectIds(
      `from=${from.toISOString()}`,
      generations.filter((g) => g.createdAt >= from),
    );
    await expectIds(
      `to=${from.toISOString()}`,
      generations.filter((g) => g.createdAt < from),
    );

    const running = generations.find((g) => g.status === "running") as Seeded;
    const succeeded = generations.find((g) => g.status === "succeeded") as Seeded;
    await db().$executeRaw`
      UPDATE generations SET updated_at = now() - interval '1 hour' WHERE id IN (${running.id}::uuid, ${succeeded.id}::uuid)`;
    const stuck = await get(t.admin, t, "/generations?stuck=true");
    expect(ids(stuck.data)).toEqual([running.id]);
    expect(stuck.data[0].stuck).toBe(true);

    for (const sort of ["created_at", "updated_at"]) {
      const items = await walk(t, `/generations?sort=${sort}&order=asc`, 4);
      expect(sorted(ids(items))).toEqual(sorted(ids(generations)));
      expect(new Set(ids(items)).size).toBe(generations.length);
    }
    const oldestFirst = await walk(t, "/generations?order=asc", 3);
    expect(ids(oldestFirst)).toEqual(ids(generations));
  });

  test("bad query values are a 400 validation envelope", async () => {
    for (const path of ["/runs", "/generations"]) {
      for (const query of [
        "status=finished",
        "status=failed,nope",
        "member=someone",
        "from=yesterday",
        "to=2026-13-45",
        `from=${new Date(base + HOUR).toISOString()}&to=${new Date(base).toISOString()}`,
        "stuck=maybe",
        "sort=name",
        "order=up",
        "cursor=not-a-cursor",
        "limit=0",
      ]) {
        const body = await get(t.admin, t, `${path}?${query}`, 400);
        expect(body.error, `${path}?${query}`).toMatchObject({ type: "validation", request_id: expect.any(String) });
      }
    }
  });
});

describe("actions", () => {
  let t: Tenant;
  beforeAll(async () => {
    t = await tenant("console-actions");
  });

  test("the engine view lists one engine run per attempt; cancel and retry replay under the same key, work without one", async () => {
    // A finished run: one engine run, completed, with its memoized steps.
    const ok = await startRun(t, {
      agent: "operations",
      constraints: { require_approval: [] },
      offline_plan: "final: fine",
    });
    expect((await waitForRun(t, ok.id, ["succeeded", "failed"])).status).toBe("succeeded");
    const engine = await get(t.admin, t, `/runs/${ok.id}/engine`);
    expect(engine.available).toBe(true);
    expect(engine.engine_runs).toHaveLength(1);
    expect(engine.engine_runs[0]).toMatchObject({ function_id: "holdfast-run-agent", status: "completed" });
    expect(engine.engine_runs[0].steps.length).toBeGreaterThan(0);
    expect(engine.engine_runs[0].attempt_list.length).toBeGreaterThan(0);
    expect(engine.engine_runs[0].attempt_list[0]).toMatchObject({
      attempt: expect.any(Number),
      outcome: expect.any(String),
    });
    await get(t.member, t, `/runs/${ok.id}/engine`, 403);
    await get(t.admin, t, `/runs/${crypto.randomUUID()}/engine`, 404);

    // A failed run retried once under one key: the repeat replays, one audit row, two engine runs.
    const looping = await startRun(t, {
      agent: "operations",
      constraints: { require_approval: [] },
      offline_plan: "1. check_disk {} repeat",
    });
    await waitForRun(t, looping.id, ["failed"]);
    const retryKey = key();
    const retried = await post(t.admin, t, `/runs/${looping.id}/retry`, {}, retryKey);
    const retriedText = await retried.text();
    expect(retried.status, retriedText).toBe(202);
    const replay = await post(t.admin, t, `/runs/${looping.id}/retry`, {}, retryKey);
    expect(replay.status).toBe(202);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(retriedText);
    const deadline = Date.now() + 45_000;
    let run = await waitForRun(t, looping.id, ["failed"]);
    while (run.attempts < 2 || run.status !== "failed") {
      if (Date.now() > deadline) throw new Error(`retried run is ${run.status} after ${run.attempts} attempts`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = (await get(t.admin, t, `/runs/${looping.id}`)).run;
    }
    expect(await db().auditLog.count({ where: { targetId: looping.id, action: "run.retry" } })).toBe(1);
    const engineRuns = (await get(t.admin, t, `/runs/${looping.id}/engine`)).engine_runs;
    expect(engineRuns).toHaveLength(2);
    expect(new Set(engineRuns.map((r: { id: string }) => r.id)).size).toBe(2);

    // Cancel a waiting run under one key: replayed, audited once.
    const waiting = await startRun(t, {
      agent: "operations",
      constraints: { require_approval: ["write_local"] },
      offline_plan: '1. clean_logs {"olderThanDays": 7}',
    });
    await waitForRun(t, waiting.id, ["waiting_approval"]);
    const cancelKey = key();
    const canceled = await post(t.member, t, `/runs/${waiting.id}/cancel`, {}, cancelKey);
    const canceledText = await canceled.text();
    expect(canceled.status, canceledText).toBe(202);
    expect(JSON.parse(canceledText).run.status).toBe("canceled");
    const again = await post(t.member, t, `/runs/${waiting.id}/cancel`, {}, cancelKey);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await again.text()).toBe(canceledText);
    const audit = await db().auditLog.findMany({ where: { targetId: waiting.id, action: "run.cancel" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.requestId).toBe(canceled.headers.get("x-request-id"));
    // API.md names no key for cancel and retry: without one they still work (they just cannot be replayed).
    const noKey = await t.admin(`/api/v1/workspaces/${t.ws}/runs/${waiting.id}/cancel`, { method: "POST" });
    expect(noKey.status).toBe(202);
    expect(noKey.headers.get("idempotent-replayed")).toBeNull();
    const retryNoKey = await t.admin(`/api/v1/workspaces/${t.ws}/runs/${looping.id}/retry`, { method: "POST" });
    expect(retryNoKey.status, await retryNoKey.clone().text()).toBe(202);
    expect(await db().auditLog.count({ where: { targetId: looping.id, action: "run.retry" } })).toBe(2);
  });

  test("reset clears the snapshot and cancels the running generation, keeps the messages, audited, replayable", async () => {
    // A prompt label whose offline plan answers slowly (≈300 paced chunks), so a generation stays running.
    const slow = `Answer slowly.\n<offline-plan>\nfinal: ${Array.from({ length: 600 }, () => "ok").join(" ")}\n</offline-plan>`;
    const created = await post(t.admin, t, "/prompts/assistant/versions", { content: slow });
    expect(created.status).toBe(201);
    const version = (await json(created)).prompt_version.version;
    const label = await t.admin(`/api/v1/workspaces/${t.ws}/prompts/assistant/labels/slow`, {
      method: "PUT",
      headers: { "If-None-Match": "*" },
      body: JSON.stringify({ version }),
    });
    expect(label.status).toBe(201);
    const conversation = await json(
      await post(t.admin, t, "/conversations", { title: "To reset", settings: { prompt_label: "slow" } }),
    );
    const conversationId = conversation.conversation.id as string;
    const send = async (content: string) => {
      const response = await post(t.admin, t, `/conversations/${conversationId}/messages`, { content });
      expect(response.status).toBe(202);
      return (await json(response)).generation.id as string;
    };
    await waitGeneration(await send("my name is Ada"), ["succeeded"]);
    const before = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(Object.keys(before.snapshot as object).length).toBeGreaterThan(0);
    const running = await send("and my city is Lyon");
    await waitGeneration(running, ["running"]);
    const messagesBefore = await db().message.count({ where: { conversationId } });

    await get(t.member, t, `/conversations/${conversationId}`);
    expect((await post(t.member, t, `/conversations/${conversationId}/reset`)).status).toBe(403);
    const resetKey = key();
    const reset = await post(t.admin, t, `/conversations/${conversationId}/reset`, {}, resetKey);
    const resetText = await reset.text();
    expect(reset.status, resetText).toBe(200);
    const body = JSON.parse(resetText);
    expect(body.canceled_generations).toBe(1);
    const shown = await get(t.admin, t, `/conversations/${conversationId}`);
    expect(body.conversation).toEqual(shown.conversation);
    expect(body.conversation.version).toBe(before.version + 1);

    expect((await waitGeneration(running, ["canceled", "succeeded", "failed"])).status).toBe("canceled");
    const after = await db().conversation.findUniqueOrThrow({ where: { id: conversationId } });
    expect(after.snapshot).toEqual({});
    expect(await db().message.count({ where: { conversationId } })).toBeGreaterThanOrEqual(messagesBefore);
    const audit = await db().auditLog.findMany({ where: { targetId: conversationId, action: "conversation.reset" } });
    expect(audit).toHaveLength(1);
    expect(audit[0]?.requestId).toBe(reset.headers.get("x-request-id"));

    const replay = await post(t.admin, t, `/conversations/${conversationId}/reset`, {}, resetKey);
    expect(replay.headers.get("idempotent-replayed")).toBe("true");
    expect(await replay.text()).toBe(resetText);
    expect(await db().auditLog.count({ where: { targetId: conversationId, action: "conversation.reset" } })).toBe(1);
    await get(t.admin, t, `/conversations/${crypto.randomUUID()}`, 404);
    expect((await post(t.admin, t, `/conversations/${crypto.randomUUID()}/reset`)).status).toBe(404);
  });

  test("agent prompts are prompt versions: runs record theirs, usage counts them, a label move changes new runs", async () => {
    const first = await startRun(t, { agent: "research", offline_plan: "final: v1 done" });
    expect(first.prompt_version).toBe("agent-research@1");
    const v1 = (await get(t.admin, t, "/prompts/agent-research/versions/1")).prompt_version;
    expect(first.prompt_version_id).toBe(v1.id);
    expect(v1.labels.sort()).toEqual(["production", "staging"]);
    await waitForRun(t, first.id, ["succeeded"]);

    const v2Text = `${v1.content.replace(/<offline-plan>[\s\S]*<\/offline-plan>/, "")}\n<offline-plan>\nfinal: version two speaking\n</offline-plan>`;
    const created = await post(t.admin, t, "/prompts/agent-research/versions", { content: v2Text });
    expect(created.status).toBe(201);
    const v2 = (await json(created)).prompt_version;
    expect(v2.version).toBe(2);

    // Still on v1 until the label moves.
    const beforeMove = await startRun(t, { agent: "research", offline_plan: "final: still v1" });
    expect(beforeMove.prompt_version).toBe("agent-research@1");
    const moved = await t.admin(`/api/v1/workspaces/${t.ws}/prompts/agent-research/labels/production`, {
      method: "PUT",
      headers: { "If-Match": '"1"' },
      body: JSON.stringify({ version: 2 }),
    });
    expect(moved.status, await moved.clone().text()).toBe(200);

    const second = await startRun(t, { agent: "research" });
    expect(second.prompt_version).toBe("agent-research@2");
    expect(second.prompt_version_id).toBe(v2.id);
    const done = await waitForRun(t, second.id, ["succeeded", "failed"]);
    // The run followed v2's text (its offline plan), not the registry's built-in prompt.
    expect(done.result).toBe("version two speaking");
    expect((await get(t.admin, t, `/runs/${first.id}`)).run.prompt_version_id).toBe(v1.id);

    const usage1 = await get(t.member, t, "/prompts/agent-research/versions/1/usage");
    expect(usage1.runs.count).toBe(2);
    expect(sorted(ids(usage1.runs.recent))).toEqual(sorted([first.id, beforeMove.id]));
    expect(usage1.runs.recent[0]).toMatchObject({ agent: "research", status: expect.any(String) });
    expect(usage1.messages).toEqual({ count: 0, recent: [] });
    const usage2 = await get(t.member, t, `/prompts/agent-research/versions/${v2.id}/usage`);
    expect(usage2.runs.count).toBe(1);
    expect(ids(usage2.runs.recent)).toEqual([second.id]);

    // Messages: an assistant answer is stamped with the assistant prompt's production version.
    const conversationId = (await json(await post(t.admin, t, "/conversations", { title: "usage" }))).conversation.id;
    const sent = await json(await post(t.admin, t, `/conversations/${conversationId}/messages`, { content: "hello" }));
    expect((await waitGeneration(sent.generation.id, ["succeeded", "failed"])).status).toBe("succeeded");
    const assistant1 = await get(t.admin, t, "/prompts/assistant/versions/1/usage");
    expect(assistant1.messages.count).toBe(1);
    expect(assistant1.messages.recent[0]).toMatchObject({ conversation_id: conversationId });
    expect(assistant1.runs.count).toBe(0);
    await get(t.admin, t, "/prompts/agent-research/versions/9/usage", 404);
    await get(t.admin, t, "/prompts/no-such-prompt/versions/1/usage", 404);
  });
});
