import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bearer, engineQueries, finishedRun, waitFor } from "../engine-support/harness.ts";
import { type Proc, startFixtureServer, TEST_EVENT_KEY } from "../engine-support/processes.ts";
import { type Stack, startStack } from "../engine-support/stack.ts";
import { freePort } from "../helpers/app-server.ts";

// Contract tests: the real pinned SDK (inngest@4.24.0) serving functions over real HTTP, driven by the engine
// as a separate process, with PostgreSQL as the only state.

let stack: Stack;
let q: ReturnType<typeof engineQueries>;

beforeAll(async () => {
  stack = await startStack("engine_contract");
  q = engineQueries(stack.pool);
});

afterAll(async () => {
  await stack?.stop();
});

const send = async (name: string, data: Record<string, unknown> = {}, id?: string) => {
  const { ids } = await stack.send({ name, data, ...(id ? { id } : {}) });
  return ids[0] as string;
};
const attemptsOf = async (runId: string) =>
  (
    await stack.pool.query<{ step_id: string; attempt: number; outcome: string; started_at: Date; ended_at: Date }>(
      "SELECT step_id, attempt, outcome, started_at, ended_at FROM engine.attempts WHERE run_id = $1 ORDER BY id",
      [runId],
    )
  ).rows;
const api = (path: string, init: RequestInit = {}) =>
  fetch(`${stack.engineUrl}${path}`, {
    ...init,
    headers: { ...bearer(), "content-type": "application/json", ...init.headers },
  });

describe("sync, auth and the event API", () => {
  it("serves health and refuses unauthenticated API calls", async () => {
    expect(await (await fetch(`${stack.engineUrl}/health`)).json()).toEqual({ status: "ok" });
    expect((await fetch(`${stack.engineUrl}/v1/runs`)).status).toBe(401);
    expect(
      (await fetch(`${stack.engineUrl}/v1/runs`, { headers: { authorization: "Bearer signkey-test-00" } })).status,
    ).toBe(401);
    const wrongKey = await fetch(`${stack.engineUrl}/e/not-the-key`, {
      method: "POST",
      body: JSON.stringify({ name: "test/linear" }),
    });
    expect(wrongKey.status).toBe(401);
  });

  it("answers a body that is not JSON with 400, and one declared over 32 MiB with 413 before reading it", async () => {
    const notJson = await fetch(`${stack.engineUrl}/e/${TEST_EVENT_KEY}`, { method: "POST", body: "{" });
    expect([notJson.status, await notJson.json()]).toEqual([400, { error: "body is not JSON", status: 400 }]);
    // Only the headers are sent: the engine must answer (and close) without waiting for 40 MB that never come.
    const socket = connect(Number(new URL(stack.engineUrl).port), "127.0.0.1");
    socket.end(`POST /e/${TEST_EVENT_KEY} HTTP/1.1\r\nHost: engine\r\nContent-Length: 40000000\r\n\r\n`);
    let raw = "";
    for await (const chunk of socket) raw += String(chunk);
    expect(raw).toMatch(/^HTTP\/1\.1 413 /);
    expect(raw).toMatch(/\r\nconnection: close\r\n/i);
    expect(raw.split("\r\n\r\n")[1]).toBe('{"error":"request body too large","status":413}');
  });

  it("the app refuses calls that are not signed with the key", async () => {
    const response = await fetch(`${stack.serveUrl}?fnId=fixture-linear&stepId=step`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ event: {}, events: [], steps: {}, version: 2, ctx: { run_id: "x", attempt: 0 } }),
    });
    expect(response.status).toBe(401);
  });

  it("deduplicates events by id and answers the SDK's shape", async () => {
    const body = JSON.stringify([{ name: "test/linear", id: "dedup-1", data: { steps: 1 } }]);
    const first = await (await fetch(`${stack.engineUrl}/e/${TEST_EVENT_KEY}`, { method: "POST", body })).json();
    const second = await (await fetch(`${stack.engineUrl}/e/${TEST_EVENT_KEY}`, { method: "POST", body })).json();
    expect(first.status).toBe(200);
    expect(second.ids).toEqual(first.ids);
    await finishedRun(stack.pool, first.ids[0]);
    expect(await q.runsForEvent(first.ids[0])).toHaveLength(1);
  });

  it("matches trigger expressions", async () => {
    const high = await send("test/filtered", { priority: "high" });
    const low = await send("test/filtered", { priority: "low" });
    expect((await finishedRun(stack.pool, high)).output).toEqual({ got: "high" });
    expect(await q.runsForEvent(low)).toHaveLength(0);
  });

  it("refuses at sync time an unsupported option and an expression that does not parse, and re-syncs on demand", async () => {
    const bad: Proc[] = [];
    try {
      for (const set of ["bad-throttle", "bad-cel"]) {
        const port = await freePort();
        const proc = await startFixtureServer({
          databaseUrl: stack.databaseUrl,
          port,
          engineUrl: stack.engineUrl,
          set,
        });
        bad.push(proc);
        const response = await api("/v1/sync", {
          method: "POST",
          body: JSON.stringify({ url: `${proc.url}/api/inngest` }),
        });
        expect(response.status).toBe(400);
        const { error } = await response.json();
        expect(error).toMatch(set === "bad-throttle" ? /throttle.*not supported/ : /does not parse/);
      }
      const { rows } = await stack.pool.query("SELECT id FROM engine.functions WHERE app_id LIKE 'fixture-bad%'");
      expect(rows).toHaveLength(0);
      const resync = await api("/v1/sync", { method: "POST", body: JSON.stringify({ url: stack.serveUrl }) });
      expect(resync.status).toBe(200);
      expect((await resync.json()).functions).toContain("fixture-linear");
    } finally {
      for (const proc of bad) await proc.stop();
    }
  });
});

describe("step.run, checkpointing, parallel steps", () => {
  it("runs a linear function in one checkpointed call, each step body once", async () => {
    const run = await finishedRun(stack.pool, await send("test/linear", { steps: 5 }));
    expect(run.status).toBe("completed");
    expect(run.output).toEqual({ total: 15 });
    const starts = (await q.execs(run.id)).filter((e) => e.phase === "start");
    expect(starts.map((e) => e.step)).toEqual(["s0", "s1", "s2", "s3", "s4"]);
    expect(await attemptsOf(run.id)).toHaveLength(1);
  });

  it("runs parallel steps each exactly once, then continues", async () => {
    const run = await finishedRun(stack.pool, await send("test/parallel"));
    expect(run.output).toEqual({ a: 10, b: 20, c: 30, d: 60 });
    const starts = (await q.execs(run.id)).filter((e) => e.phase === "start").map((e) => e.step);
    expect(starts.sort()).toEqual(["a", "b", "c", "d"]);
    const calls = (await attemptsOf(run.id)).map((a) => a.step_id);
    expect(calls.filter((s) => s !== "step")).toHaveLength(new Set(calls.filter((s) => s !== "step")).size);
  });

  it("memoizes a checkpoint only under the current lease, answers its retry 200 without storing it twice, and keeps the lease", async () => {
    // A run whose call is leased (generation 3) to an engine that is not running it, as after that engine crashed
    // while its SDK call goes on: the API is driven directly.
    const runId = "01KCHECKPOINTLEASE00000000";
    await stack.pool.query(
      `INSERT INTO engine.runs (id, function_id, status, event, max_attempts)
       VALUES ($1, 'fixture-linear', 'running', '{}', 1)`,
      [runId],
    );
    const { rows } = await stack.pool.query<{ id: string; expires: Date }>(
      `INSERT INTO engine.queue (run_id, function_id, kind, step_id, lease_gen, lease_owner, lease_expires_at)
       VALUES ($1, 'fixture-linear', 'call', 'step', 3, 'elsewhere', now() + interval '2 seconds')
       RETURNING id, lease_expires_at AS expires`,
      [runId],
    );
    const checkpoint = (generation: number, ...ids: string[]) =>
      api(`/v1/checkpoint/${runId}/async`, {
        method: "POST",
        body: JSON.stringify({
          run_id: runId,
          qi_id: `${rows[0]?.id}.${generation}`,
          steps: ids.map((id, i) => ({ id, op: "StepRun", displayName: `step ${id}`, data: { n: i } })),
        }),
      });
    const stored = async () =>
      (
        await stack.pool.query<{ step_id: string; name: string; result: unknown }>(
          "SELECT step_id, name, result FROM engine.steps WHERE run_id = $1 ORDER BY seq",
          [runId],
        )
      ).rows;

    expect((await checkpoint(3, "a", "b")).status).toBe(200);
    // An accepted checkpoint proves the call alive: its lease (2 s left, under the engine's 3 s lease) is
    // extended, after the answer.
    await waitFor("the lease extended by the checkpoint", async () => {
      const { rows: now } = await stack.pool.query<{ at: Date }>(
        "SELECT lease_expires_at AS at FROM engine.queue WHERE id = $1 AND lease_gen = 3",
        [rows[0]?.id],
      );
      const at = now[0]?.at;
      return at && at > (rows[0]?.expires as Date) ? at : undefined;
    });
    expect((await checkpoint(3, "a", "b")).status).toBe(200); // the SDK retrying after a lost answer
    expect((await checkpoint(2, "c")).status).toBe(409); // an older dispatch of the same item
    expect((await checkpoint(2, "a")).status).toBe(409);
    expect((await checkpoint(3, "c")).status).toBe(200); // one step, as the SDK sends them: its own statement
    expect((await checkpoint(3, "c")).status).toBe(200);
    expect(await stored()).toEqual([
      { step_id: "a", name: "step a", result: { data: { n: 0 } } },
      { step_id: "b", name: "step b", result: { data: { n: 1 } } },
      { step_id: "c", name: "step c", result: { data: { n: 0 } } },
    ]);
    await stack.pool.query("DELETE FROM engine.queue WHERE run_id = $1", [runId]);
    await stack.pool.query("UPDATE engine.runs SET status = 'cancelled' WHERE id = $1", [runId]);
  });

  it("sends events from step.sendEvent", async () => {
    const run = await finishedRun(stack.pool, await send("test/sender", { key: "fan" }));
    const [sentId] = (run.output as { ids: string[] }).ids;
    expect((await finishedRun(stack.pool, sentId as string)).output).toEqual({ total: 1 });
  });

  it("fails the run loudly on an op the engine does not support", async () => {
    const run = await finishedRun(stack.pool, await send("test/exotic"));
    expect(run.status).toBe("failed");
    expect(run.error).toMatchObject({ name: "UnsupportedOpError", message: expect.stringMatching(/WaitForSignal/) });
  });
});

describe("retries and errors", () => {
  it("retries a failing step with backoff until it succeeds", async () => {
    const run = await finishedRun(stack.pool, await send("test/flaky", { failures: 2 }));
    expect(run.output).toEqual({ value: "ok after 2" });
    const starts = (await q.execs(run.id)).filter((e) => e.phase === "start").map((e) => e.attempt);
    expect(starts).toEqual([0, 1, 2]);
  });

  it("honours retry-after from RetryAfterError", async () => {
    const run = await finishedRun(stack.pool, await send("test/flaky", { failures: 1, retryAfter: "1s" }));
    expect(run.output).toEqual({ value: "ok after 1" });
    const [first, second] = await attemptsOf(run.id);
    expect(second?.attempt).toBe(1);
    // Base backoff in tests is 50 ms: a gap of a second is the header at work.
    expect((second?.started_at.getTime() ?? 0) - (first?.ended_at.getTime() ?? 0)).toBeGreaterThanOrEqual(950);
  });

  it("retries a function-level error", async () => {
    const run = await finishedRun(stack.pool, await send("test/function-error"));
    expect(run.output).toEqual({ attempt: 1 });
  });

  it("fails after the configured attempts and runs onFailure once", async () => {
    const eventId = await send("test/doomed", { tag: "boom" });
    const run = await finishedRun(stack.pool, eventId);
    expect(run.status).toBe("failed");
    expect((await q.execs(run.id)).filter((e) => e.phase === "start").map((e) => e.attempt)).toEqual([0, 1]);
    const handled = await waitFor("the onFailure handler", async () => {
      const { rows } = await stack.pool.query<{ info: { message: string; original: unknown; failedRun: string } }>(
        "SELECT info FROM fixture_exec WHERE fn = 'doomed-failure' AND info->>'failedRun' = $1",
        [run.id],
      );
      return rows.length > 0 ? rows : undefined;
    });
    expect(handled).toHaveLength(1);
    expect(handled[0]?.info).toMatchObject({ message: "always fails", original: { tag: "boom" } });
  });

  it("does not retry a NonRetriableError", async () => {
    const run = await finishedRun(stack.pool, await send("test/doomed", { nonRetriable: true }));
    expect(run.status).toBe("failed");
    expect((await q.execs(run.id)).filter((e) => e.phase === "start")).toHaveLength(1);
  });

  it("hands a failed step to user code as an error it may catch", async () => {
    const run = await finishedRun(stack.pool, await send("test/recovers"));
    expect(run.output).toEqual({ recovered: "permanent" });
  });
});

describe("sleep and waitForEvent", () => {
  it("sleeps for a duration and until a date", async () => {
    const slept = await finishedRun(stack.pool, await send("test/sleep", { duration: "1s" }));
    expect((slept.output as { sleptMs: number }).sleptMs).toBeGreaterThanOrEqual(1000);
    const until = new Date(Date.now() + 1500).toISOString();
    const untilRun = await finishedRun(stack.pool, await send("test/sleep", { until }));
    expect(untilRun.status).toBe("completed");
  });

  it("resumes a wait with the matching event only", async () => {
    const eventId = await send("test/wait", { key: "k-1" });
    const [run] = await waitFor("the wait to be stored", async () => {
      const runs = await q.runsForEvent(eventId);
      const pending = runs[0] ? await q.pending(runs[0].id) : [];
      return pending.some((p) => p.kind === "wait") ? runs : undefined;
    });
    await send("test/approve", { key: "other", by: "mallory" });
    await send("test/approve", { key: "k-1", by: "alice" });
    expect((await finishedRun(stack.pool, eventId)).output).toEqual({ approvedBy: "alice" });
    expect(run).toBeDefined();
  });

  it("times a wait out to null", async () => {
    const run = await finishedRun(stack.pool, await send("test/wait", { key: "k-timeout", timeout: "1s" }));
    expect(run.output).toEqual({ approvedBy: null });
  });

  it("never misses an event that arrives while the wait is being stored", async () => {
    // The approval is sent by the step right before the wait: it reaches the engine before the wait exists.
    const ids = await Promise.all(Array.from({ length: 5 }, (_, i) => send("test/same-instant", { key: `si-${i}` })));
    for (const id of ids) expect((await finishedRun(stack.pool, id)).output).toEqual({ approvedBy: "self" });
  });
});

describe("invoke", () => {
  it("returns the invoked function's result", async () => {
    const run = await finishedRun(stack.pool, await send("test/parent", { x: 21 }));
    expect(run.output).toEqual({ doubled: 42 });
  });

  it("times an invoke out", async () => {
    const run = await finishedRun(stack.pool, await send("test/parent", { x: 1, childSleep: "10s", timeout: "1s" }));
    expect(run.output).toEqual({ invokeError: expect.stringMatching(/timed out/i) });
  });
});

describe("flow control", () => {
  it("starts one run per idempotency key under concurrent events", async () => {
    const ids = await Promise.all(
      ["a", "a", "a", "a", "a", "b"].map((key, i) => send("test/idempotent", { key: `idem-${key}` }, `idem-evt-${i}`)),
    );
    await finishedRun(stack.pool, ids[5] as string);
    const { rows } = await stack.pool.query<{ key: string }>(
      `SELECT e.payload->'data'->>'key' AS key FROM engine.runs r JOIN engine.events e ON e.id = r.event_id
        WHERE r.function_id = 'fixture-idempotent'`,
    );
    expect(rows.map((r) => r.key).sort()).toEqual(["idem-a", "idem-b"]);
  });

  it("limits concurrency per key, not across keys", async () => {
    const ids = await Promise.all(
      ["ws-a", "ws-a", "ws-a", "ws-b", "ws-b", "ws-b"].map((ws) => send("test/limited", { ws })),
    );
    for (const id of ids) await finishedRun(stack.pool, id);
    const overlap = (a: { start: number; finish: number }, b: { start: number; finish: number }) =>
      a.start < b.finish && b.start < a.finish;
    // Each step body's span (start → end record), with the concurrency key of its run.
    const { rows: perRun } = await stack.pool.query<{ ws: string; start: Date; finish: Date }>(
      `SELECT ev.payload->'data'->>'ws' AS ws, s.at AS start, e.at AS finish
         FROM fixture_exec s JOIN fixture_exec e ON e.exec_id = s.exec_id AND e.phase = 'end'
         JOIN engine.runs r ON r.id = s.run_id JOIN engine.events ev ON ev.id = r.event_id
        WHERE s.fn = 'limited' AND s.phase = 'start' AND r.event_id = ANY($1)`,
      [ids],
    );
    expect(perRun).toHaveLength(6);
    const keyed = perRun.map((r) => ({ ws: r.ws, start: r.start.getTime(), finish: r.finish.getTime() }));
    for (const a of keyed) {
      for (const b of keyed) if (a !== b && a.ws === b.ws) expect(overlap(a, b)).toBe(false);
    }
    expect(keyed.some((a) => keyed.some((b) => a.ws !== b.ws && overlap(a, b)))).toBe(true);
  });

  it("cancels a run mid-way through the API", async () => {
    const eventId = await send("test/cancellable", { key: "api" });
    const run = await waitFor("the run to sleep", async () => {
      const [r] = await q.runsForEvent(eventId);
      return r && (await q.pending(r.id)).some((p) => p.kind === "sleep") ? r : undefined;
    });
    const response = await api(`/v1/runs/${run.id}/cancel`, { method: "POST" });
    expect((await response.json()).data.status).toBe("cancelled");
    expect((await q.run(run.id))?.status).toBe("cancelled");
    expect(await q.pending(run.id)).toEqual([]);
    expect((await q.execs(run.id)).map((e) => e.step)).not.toContain("second");
  });

  it("cancels a run on a matching cancelOn event", async () => {
    const eventId = await send("test/cancellable", { key: "evt" });
    const run = await waitFor("the run to sleep", async () => {
      const [r] = await q.runsForEvent(eventId);
      return r && (await q.pending(r.id)).some((p) => p.kind === "sleep") ? r : undefined;
    });
    await send("test/cancel", { key: "someone-else" });
    expect((await q.run(run.id))?.status).toBe("running");
    await send("test/cancel", { key: "evt" });
    expect((await finishedRun(stack.pool, eventId)).status).toBe("cancelled");
  });

  it("cancels a run that exceeds timeouts.finish", async () => {
    const run = await finishedRun(stack.pool, await send("test/timed"));
    expect(run.status).toBe("cancelled");
    expect(run.error).toMatchObject({ message: expect.stringMatching(/timeouts.finish/) });
  });
});

describe("durability across an engine restart", () => {
  it("keeps sleeps and waits (with their timeouts) through kill -9 of the engine", async () => {
    const sleepEvent = await send("test/sleep", { duration: "2s" });
    const waitEvent = await send("test/wait", { key: "restart", timeout: "1m" });
    const timeoutEvent = await send("test/wait", { key: "restart-timeout", timeout: "2s" });
    for (const [eventId, kind] of [
      [sleepEvent, "sleep"],
      [waitEvent, "wait"],
      [timeoutEvent, "wait"],
    ] as const) {
      await waitFor(`a stored ${kind}`, async () => {
        const [r] = await q.runsForEvent(eventId);
        return r && (await q.pending(r.id)).some((p) => p.kind === kind) ? true : undefined;
      });
    }
    await stack.restartEngine("kill9");
    await send("test/approve", { key: "restart", by: "after-restart" });
    expect((await finishedRun(stack.pool, sleepEvent)).status).toBe("completed");
    expect((await finishedRun(stack.pool, waitEvent)).output).toEqual({ approvedBy: "after-restart" });
    expect((await finishedRun(stack.pool, timeoutEvent)).output).toEqual({ approvedBy: null });
  });
});

describe("read API", () => {
  it("lists runs by status and shows one run with steps and attempts", async () => {
    const run = await finishedRun(stack.pool, await send("test/linear", { steps: 2 }));
    const list = await (await api("/v1/runs?status=completed&limit=5")).json();
    expect(list.data.every((r: { status: string }) => r.status === "completed")).toBe(true);
    const detail = (await (await api(`/v1/runs/${run.id}`)).json()).data;
    expect(detail).toMatchObject({
      id: run.id,
      status: "completed",
      output: { total: 3 },
      functionId: "fixture-linear",
    });
    expect(detail.stepList).toHaveLength(2);
    expect(detail.attemptList[0]).toMatchObject({ statusCode: 206, attempt: 0 });
  });
});

describe("cron", () => {
  it("starts a run per tick of a per-second cron, synced on demand from a second app", async () => {
    const port = await freePort();
    const cronApp = await startFixtureServer({
      databaseUrl: stack.databaseUrl,
      port,
      engineUrl: stack.engineUrl,
      set: "cron",
    });
    try {
      const response = await api("/v1/sync", {
        method: "POST",
        body: JSON.stringify({ url: `${cronApp.url}/api/inngest` }),
      });
      expect((await response.json()).functions).toEqual(["fixture-cron-every-second"]);
      const runs = await waitFor("two cron runs", async () => {
        const done = (await q.runsOf("fixture-cron-every-second")).filter((r) => r.status === "completed");
        return done.length >= 2 ? done : undefined;
      });
      const ticks = runs.map((r) => (r.output as { ts: number }).ts);
      expect(new Set(ticks).size).toBe(ticks.length);
      for (const ts of ticks) expect(ts % 1000).toBe(0);
    } finally {
      // Stop the schedule before the app goes away.
      await stack.pool.query("DELETE FROM engine.crons WHERE function_id = 'fixture-cron-every-second'");
      await cronApp.stop();
    }
  });
});
