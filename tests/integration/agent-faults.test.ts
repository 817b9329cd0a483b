import http from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { sweepOverdueRuns } from "@/lib/agents/runs";
import { PrismaClient } from "@/lib/db/generated/client.ts";
import { startEngineProcess } from "../engine-support/processes";
import { type FakeOpenAI, type RecordedRequest, startFakeOpenAI } from "../fakes/openai-server";
import { createTestDatabase } from "../helpers/database";
import { type Product, seedWithCli, startProduct } from "../helpers/product";

// Issue 5, "Fault injection at every hop": agent runs of a product pointed at the fake OpenAI provider (429 then
// success, 500s, a hang), a tool that exceeds its timeout (fetch_url on a hanging allow-listed host, its timeout
// lowered by HOLDFAST_FETCH_URL_TOOL_TIMEOUT_MS), the database dropping the product's connections mid-run, a small
// run deadline, and a run the engine never picks up (the sweeper). Every run ends terminal with a normalized
// reason; nothing stays active past its deadline.

const TERMINAL = ["succeeded", "failed", "canceled", "timed_out"];
const ws = "faults";

let product: Product;
let fake: FakeOpenAI;
let hanging: http.Server;
let hangUrl: string;
let pool: pg.Pool;
let prisma: PrismaClient;
let token: string;
let databaseUrl: string;
const attempts = new Map<string, number>();

/** The goal's first word picks the scenario; the count of requests per goal scripts "fail first, then succeed". */
function reply(request: RecordedRequest) {
  const messages = request.body?.messages ?? [];
  const goal = String(messages.find((m) => m.role === "user")?.content ?? "");
  const sawTool = messages.some((m) => m.role === "tool");
  const n = (attempts.get(goal) ?? 0) + 1;
  attempts.set(goal, n);
  const [scenario] = goal.split(" ");
  const done = { type: "text" as const, text: `Done: ${scenario}.`, chunks: 2 };
  switch (scenario) {
    case "rate429":
      return n <= 2 ? { type: "error" as const, status: 429, retryAfterMs: 200 } : done;
    case "error500":
      return { type: "error" as const, status: 500, message: "the server had an error" };
    case "hangonce":
      return n === 1 ? { type: "hang" as const } : done;
    case "deadline":
      return { type: "hang" as const };
    case "tooltimeout":
      return sawTool
        ? done
        : { type: "tool-calls" as const, calls: [{ name: "fetch_url", arguments: { url: hangUrl } }] };
    case "dbdrop":
      return sawTool
        ? { type: "text" as const, text: "x ".repeat(40), chunks: 20, chunkDelayMs: 80 }
        : {
            type: "tool-calls" as const,
            calls: [{ name: "fetch_url", arguments: { url: "http://holdfast.local/status" } }],
            firstChunkDelayMs: 300,
          };
    default:
      return done;
  }
}

beforeAll(async () => {
  databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "agent_faults");
  pool = new pg.Pool({ connectionString: databaseUrl, max: 2, application_name: "faults-test" });
  prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: databaseUrl, max: 2, application_name: "faults-test" }),
  });
  token = (await seedWithCli(databaseUrl, { email: "faults@example.test", workspace: ws })).token;
  fake = await startFakeOpenAI();
  fake.setDefault(reply);
  // An allow-listed host that accepts the request and never answers: the tool, not the fetch, must time out.
  hanging = http.createServer(() => {});
  await new Promise<void>((resolve) => hanging.listen(0, "127.0.0.1", resolve));
  hangUrl = `http://127.0.0.1:${(hanging.address() as AddressInfo).port}/slow`;
  product = await startProduct({
    databaseUrl,
    env: {
      OPENAI_API_KEY: "sk-faults",
      OPENAI_BASE_URL: fake.url,
      HOLDFAST_DEFAULT_MODEL: "gpt-4o-mini",
      HOLDFAST_AI_REQUEST_TIMEOUT_MS: "1500",
      HOLDFAST_AI_IDLE_TIMEOUT_MS: "1500",
      HOLDFAST_FETCH_ALLOWLIST: "127.0.0.1",
      HOLDFAST_FETCH_TIMEOUT_MS: "30000",
      HOLDFAST_FETCH_URL_TOOL_TIMEOUT_MS: "400",
    },
  });
});

afterAll(async () => {
  await product?.stop();
  await fake?.close();
  hanging?.closeAllConnections();
  await new Promise((resolve) => hanging?.close(resolve));
  await prisma?.$disconnect();
  await pool?.end();
});

async function api(path: string, init: RequestInit = {}) {
  return fetch(`${product.url}/api/v1/workspaces/${ws}${path}`, {
    ...init,
    headers: { authorization: `Bearer ${token}`, "content-type": "application/json", ...(init.headers as object) },
  });
}

async function startRun(body: Record<string, unknown>): Promise<string> {
  const response = await api("/runs", {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ agent: "research", constraints: { require_approval: [] }, ...body }),
  });
  const payload = (await response.json()) as { run?: { id: string } };
  expect(response.status, JSON.stringify(payload)).toBe(202);
  return payload.run?.id as string;
}

type RunRow = {
  status: string;
  error_type: string | null;
  error_code: string | null;
  deadline_at: Date;
  finished_at: Date | null;
};

async function runRow(runId: string): Promise<RunRow> {
  const { rows } = await pool.query(
    "SELECT status::text, error_type, error_code, deadline_at, finished_at FROM agent_runs WHERE id = $1",
    [runId],
  );
  return rows[0];
}

async function waitTerminal(runId: string, timeoutMs = 60_000): Promise<RunRow> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const row = await runRow(runId);
    if (TERMINAL.includes(row.status)) return row;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${row.status}`);
    await delay(100);
  }
}

test("provider faults: 429 then success, persistent 500s, a hang that times out once, a hang past the deadline", async () => {
  const [rate, errors, hangOnce, overdue] = await Promise.all([
    startRun({ goal: "rate429 summarise" }),
    startRun({ goal: "error500 summarise" }),
    startRun({ goal: "hangonce summarise" }),
    startRun({ goal: "deadline summarise", budget: { max_wall_time_ms: 4_000 } }),
  ]);

  // 429 with Retry-After, then an answer: retried, succeeded.
  expect(await waitTerminal(rate)).toMatchObject({ status: "succeeded", error_code: null });
  expect(attempts.get("rate429 summarise")).toBeGreaterThanOrEqual(3);

  // 500 on every request: retried, then failed with the provider's normalized reason.
  expect(await waitTerminal(errors)).toMatchObject({
    status: "failed",
    error_type: "provider_unavailable",
    error_code: "provider_error",
  });
  expect(attempts.get("error500 summarise")).toBeGreaterThan(1);

  // A provider that never answers: the request times out, the hung connection is dropped, the retry succeeds.
  expect(await waitTerminal(hangOnce)).toMatchObject({ status: "succeeded" });
  expect(fake.disconnects.length).toBeGreaterThanOrEqual(1);

  // Hangs until the run's deadline: timed out (or failed by timeouts first) — never left running past it.
  const late = await waitTerminal(overdue);
  expect(late.status === "timed_out" || late.status === "failed", JSON.stringify(late)).toBe(true);
  expect(late.error_type).toBe("timeout");
  expect(["run_deadline_exceeded", "provider_timeout"]).toContain(late.error_code);
  expect(late.finished_at?.getTime()).toBeLessThan(late.deadline_at.getTime() + 15_000);
}, 120_000);

test("a tool that exceeds its timeout: retried, then the run fails with tool_timeout", async () => {
  const runId = await startRun({ goal: "tooltimeout read the slow page" });
  expect(await waitTerminal(runId)).toMatchObject({
    status: "failed",
    error_type: "timeout",
    error_code: "tool_timeout",
  });
  const { rows } = await pool.query("SELECT status::text, attempts FROM side_effects WHERE run_id = $1", [runId]);
  expect(rows).toHaveLength(1);
  expect(rows[0].status).toBe("failed");
  expect(rows[0].attempts).toBeGreaterThan(1);
}, 90_000);

test("the database drops the product's connections mid-run: the run still completes", async () => {
  const runId = await startRun({ goal: "dbdrop fetch and summarise" });
  let terminated = 0;
  const until = Date.now() + 4_000;
  while (Date.now() < until && !TERMINAL.includes((await runRow(runId)).status)) {
    const { rows } = await pool.query(
      `SELECT count(pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
       WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'
         AND application_name NOT LIKE 'holdfast-engine%' AND application_name <> 'faults-test'`,
    );
    terminated += rows[0].n;
    await delay(250);
  }
  console.log(`[faults] terminated ${terminated} backends of the web server mid-run`);
  expect(terminated).toBeGreaterThan(0);
  const row = await waitTerminal(runId, 90_000);
  expect(row, JSON.stringify(row)).toMatchObject({ status: "succeeded" });
  const { rows: steps } = await pool.query(
    "SELECT kind || ':' || coalesce(tool_chosen, '-') AS step FROM agent_steps WHERE run_id = $1 ORDER BY number",
    [runId],
  );
  expect(steps.map((s) => s.step)).toEqual(["model:fetch_url", "tool:fetch_url", "model:-"]);
}, 120_000);

test("a run no engine picks up is swept to timed_out once its deadline passed", async () => {
  await product.engine.kill9();
  try {
    const runId = await startRun({ goal: "lost summarise", budget: { max_wall_time_ms: 3_000 } });
    expect((await runRow(runId)).status).toBe("queued");
    expect(await sweepOverdueRuns(prisma, { graceMs: 0 })).not.toContain(runId);
    await delay(3_200);
    expect(await sweepOverdueRuns(prisma, { graceMs: 0 })).toContain(runId);
    expect(await runRow(runId)).toMatchObject({
      status: "timed_out",
      error_type: "timeout",
      error_code: "run_deadline_exceeded",
    });
    expect(await sweepOverdueRuns(prisma, { graceMs: 0 })).not.toContain(runId);
    const { rows: events } = await pool.query(
      "SELECT kind FROM agent_run_events WHERE run_id = $1 ORDER BY seq DESC LIMIT 1",
      [runId],
    );
    expect(events).toEqual([{ kind: "end" }]);
  } finally {
    const port = product.engine.port;
    product.engine = await startEngineProcess({ databaseUrl, port, appServeUrl: `${product.url}/api/inngest` });
  }
}, 60_000);

test("nothing is left active past its deadline, and every failure has a normalized reason", async () => {
  const { rows: stuck } = await pool.query(
    "SELECT id, status::text FROM agent_runs WHERE status IN ('queued', 'running', 'waiting_approval') AND deadline_at < now()",
  );
  expect(stuck).toEqual([]);
  const { rows: unexplained } = await pool.query(
    "SELECT id, status::text FROM agent_runs WHERE status IN ('failed', 'timed_out') AND (error_type IS NULL OR error_code IS NULL)",
  );
  expect(unexplained).toEqual([]);
});
