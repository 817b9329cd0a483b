// GET /api/metrics: Prometheus text behind a Bearer token (404 when no token is configured), read from the
// database, so the numbers move when the product does something.
import { randomBytes } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import { afterAll, beforeAll, expect, inject, test } from "vitest";
import { db } from "@/lib/db";
import { type AgentRunStatus, PrismaClient } from "@/lib/db/generated/client.ts";
import { type AppServer, startAppServer } from "../helpers/app-server";
import { createTestDatabase } from "../helpers/database";
import { appUrl, createSignedInPersona, idempotencyKey, json, uniqueSlug } from "../helpers/fixtures";

const TOKEN = `metrics-${randomBytes(16).toString("hex")}`;
let server: AppServer;

beforeAll(async () => {
  server = await startAppServer({ databaseUrl: inject("databaseUrl"), env: { HOLDFAST_METRICS_TOKEN: TOKEN } });
});

afterAll(async () => {
  await server?.stop();
});

type Parsed = { types: Map<string, string>; samples: Map<string, number> };

/** A strict reader of the text format: every line is a comment, a blank line, or `name{labels} value`. */
function parse(text: string): Parsed {
  const types = new Map<string, string>();
  const samples = new Map<string, number>();
  expect(text.endsWith("\n")).toBe(true);
  for (const line of text.slice(0, -1).split("\n")) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (gauge|counter|histogram|summary|untyped)$/.exec(line);
    if (type) {
      types.set(type[1] as string, type[2] as string);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* .*$/.test(line)) continue;
    const sample =
      /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*"(?:,[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\.)*")*\})?) (\S+)$/.exec(
        line,
      );
    expect(sample, `not a valid exposition line: ${line}`).not.toBeNull();
    const value = sample?.[2] === "+Inf" ? Number.POSITIVE_INFINITY : Number(sample?.[2]);
    expect(Number.isNaN(value), line).toBe(false);
    expect(samples.has(sample?.[1] as string), `duplicate series ${sample?.[1]}`).toBe(false);
    samples.set(sample?.[1] as string, value);
  }
  return { types, samples };
}

const scrape = async () => {
  const response = await fetch(`${server.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  return parse(await response.text());
};
const value = (parsed: Parsed, series: string) => parsed.samples.get(series) ?? 0;

test("404 when no token is configured; 401 envelope without or with a wrong token", async () => {
  const unset = await fetch(`${appUrl()}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(unset.status).toBe(404);
  expect((await json(unset)).error).toMatchObject({ type: "not_found", request_id: unset.headers.get("x-request-id") });

  for (const authorization of [undefined, "Bearer wrong", `Basic ${TOKEN}`, `Bearer ${TOKEN}x`]) {
    const response = await fetch(`${server.url}/api/metrics`, {
      headers: authorization ? { authorization } : {},
    });
    expect(response.status, String(authorization)).toBe(401);
    const body = await json(response);
    expect(body.error).toMatchObject({ type: "unauthenticated", request_id: response.headers.get("x-request-id") });
  }
});

test("the format parses and every documented family is there", async () => {
  const { types, samples } = await scrape();
  expect(Object.fromEntries(types)).toMatchObject({
    holdfast_generations: "gauge",
    holdfast_generations_stuck: "gauge",
    holdfast_usage_cost_micros: "counter",
    holdfast_usage_tokens: "counter",
    holdfast_idempotency_records: "gauge",
    holdfast_http_requests: "gauge",
    holdfast_http_request_duration_ms: "histogram",
    holdfast_outbox_unsent: "gauge",
    holdfast_outbox_oldest_unsent_age_seconds: "gauge",
    holdfast_engine_tables_up: "gauge",
    holdfast_engine_runs: "gauge",
    holdfast_engine_queue_depth: "gauge",
  });
  expect(samples.get("holdfast_engine_tables_up")).toBe(1);
  // Buckets are cumulative and +Inf equals the count.
  const inf = value({ types, samples }, 'holdfast_http_request_duration_ms_bucket{status_class="2xx",le="+Inf"}');
  expect(inf).toBe(value({ types, samples }, 'holdfast_http_request_duration_ms_count{status_class="2xx"}'));
  expect(
    value({ types, samples }, 'holdfast_http_request_duration_ms_bucket{status_class="2xx",le="5"}'),
  ).toBeLessThanOrEqual(inf);
});

test("values change after known actions: requests, a generation, a ledger row, a stuck generation", async () => {
  const slug = uniqueSlug("metrics");
  const admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
  const workspace = await db().workspace.findUniqueOrThrow({ where: { slug } });
  const before = await scrape();

  // Three 404s (a prompt that does not exist), logged in request_logs.
  const ids: string[] = [];
  for (let i = 0; i < 3; i++) {
    const id = `metrics-${randomBytes(6).toString("hex")}`;
    ids.push(id);
    const response = await admin.api(`/api/v1/workspaces/${slug}/prompts/nope-${i}/versions`, {
      headers: { "x-request-id": id },
    });
    expect(response.status).toBe(404);
  }
  // A chat message: one more generation, which ends succeeded.
  const conversation = (
    await json(
      await admin.api(`/api/v1/workspaces/${slug}/conversations`, {
        method: "POST",
        headers: { "idempotency-key": idempotencyKey() },
        body: '{"title":"metrics"}',
      }),
    )
  ).conversation;
  const sent = await json(
    await admin.api(`/api/v1/workspaces/${slug}/conversations/${conversation.id}/messages`, {
      method: "POST",
      headers: { "idempotency-key": idempotencyKey() },
      body: '{"content":"hello metrics"}',
    }),
  );
  for (let i = 0; i < 600; i++) {
    const g = await db().generation.findUniqueOrThrow({ where: { id: sent.generation.id } });
    if (["succeeded", "failed", "canceled", "timed_out"].includes(g.status)) break;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  for (let i = 0; i < 400; i++) {
    if ((await db().requestLog.count({ where: { requestId: { in: ids } } })) === 3) break;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  // A ledger row of a known cost, and a running generation whose last progress is an hour old.
  const usage = await db().usageEntry.findMany({ where: { workspaceId: workspace.id } });
  const ledgerCost = usage.reduce((sum, row) => sum + row.costMicros, 0n) + 1_234_567n;
  await db().usageEntry.create({
    data: {
      workspaceId: workspace.id,
      kind: "test",
      model: "metrics",
      inputTokens: 10,
      outputTokens: 5,
      costMicros: 1_234_567n,
    },
  });
  const template = await db().generation.findUniqueOrThrow({ where: { id: sent.generation.id } });
  const hourAgo = new Date(Date.now() - 3600_000);
  const stuck = await db().generation.create({
    data: {
      workspaceId: workspace.id,
      conversationId: template.conversationId,
      userMessageId: template.userMessageId,
      status: "running",
      model: template.model,
      promptLabel: template.promptLabel,
      reservedTokens: 0,
      startedAt: hourAgo,
    },
  });
  await db().$executeRaw`UPDATE generations SET updated_at = ${hourAgo} WHERE id = ${stuck.id}::uuid`;

  try {
    const after = await scrape();
    const delta = (series: string) => value(after, series) - value(before, series);
    expect(delta('holdfast_http_requests{status_class="4xx"}')).toBeGreaterThanOrEqual(3);
    expect(delta('holdfast_http_request_duration_ms_count{status_class="4xx"}')).toBeGreaterThanOrEqual(3);
    expect(delta('holdfast_generations{status="succeeded"}')).toBeGreaterThanOrEqual(1);
    expect(delta("holdfast_generations_stuck")).toBeGreaterThanOrEqual(1);
    expect(after.samples.get(`holdfast_usage_cost_micros_total{workspace="${slug}"}`)).toBe(Number(ledgerCost));
    expect(value(after, `holdfast_usage_entries_total{workspace="${slug}"}`)).toBe(usage.length + 1);
    expect(value(after, `holdfast_usage_tokens_total{workspace="${slug}",direction="input"}`)).toBeGreaterThanOrEqual(
      10,
    );
    expect(delta('holdfast_idempotency_records{state="completed"}')).toBeGreaterThanOrEqual(2);
  } finally {
    await db().generation.update({ where: { id: stuck.id }, data: { status: "failed", finishedAt: new Date() } });
  }
});

test("agent runs, retries, stuck runs and the step latency histogram: exact values on seeded data", async () => {
  // Its own database and web server: the counts are all-time totals, so the shared database would move them.
  const databaseUrl = await createTestDatabase(inject("pgAdminUrl"), "metrics_agents");
  const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: databaseUrl, max: 2 }) });
  const own = await startAppServer({
    databaseUrl,
    env: { HOLDFAST_METRICS_TOKEN: TOKEN, HOLDFAST_STUCK_AFTER_SECONDS: "600" },
  });
  try {
    const workspace = await prisma.workspace.create({ data: { slug: "metrics-agents", name: "Metrics agents" } });
    const ago = (seconds: number) => new Date(Date.now() - seconds * 1000);
    // [status, attempts, seconds since the last update]; stuck = queued/running untouched for 600 s or more.
    const runs: [AgentRunStatus, number, number][] = [
      ["queued", 0, 3600], // stuck
      ["queued", 0, 0],
      ["running", 1, 3600], // stuck
      ["running", 3, 3600], // stuck, retried
      ["running", 1, 450], // past the 300 s default, not past the configured 600 s
      ["running", 1, 0],
      ["waiting_approval", 1, 3600], // waits for a person: never stuck
      ["succeeded", 1, 0],
      ["succeeded", 2, 0], // retried
      ["succeeded", 1, 0],
      ["succeeded", 4, 0], // retried
      ["failed", 5, 0], // retried
      ["timed_out", 1, 0],
    ];
    const runIds: string[] = [];
    for (const [status, attempts, age] of runs) {
      const run = await prisma.agentRun.create({
        data: {
          workspaceId: workspace.id,
          agent: "research",
          goal: "seeded",
          constraints: {},
          budget: {},
          state: {},
          status,
          attempts,
          deadlineAt: ago(-3600),
          model: "holdfast-offline-1",
          promptVersion: "seeded@1",
          temperature: 0,
          seed: 1,
        },
      });
      await prisma.$executeRaw`UPDATE agent_runs SET updated_at = ${ago(age)} WHERE id = ${run.id}::uuid`;
      runIds.push(run.id);
    }
    // [kind, duration_ms, seconds ago]: the last one is outside the one-hour window.
    const steps: [string, number, number][] = [
      ["model", 5, 10],
      ["model", 10, 10],
      ["model", 11, 10],
      ["model", 480, 10],
      ["model", 2500, 10],
      ["model", 150_000, 10],
      ["tool", 50, 10],
      ["tool", 9000, 10],
      ["model", 200, 7200],
    ];
    await prisma.agentStep.createMany({
      data: steps.map(([kind, durationMs, age], number) => ({
        workspaceId: workspace.id,
        runId: runIds[7] as string,
        number,
        kind,
        durationMs,
        status: "succeeded",
        createdAt: ago(age),
      })),
    });
    // Generations by attempts: 1, 2, 3 and a queued one never attempted.
    for (const [status, attempts] of [
      ["succeeded", 1],
      ["succeeded", 2],
      ["failed", 3],
      ["queued", 0],
    ] as const) {
      await prisma.generation.create({
        data: {
          workspaceId: workspace.id,
          conversationId: crypto.randomUUID(),
          userMessageId: crypto.randomUUID(),
          status,
          attempts,
          model: "holdfast-offline-1",
          promptLabel: "production",
          reservedTokens: 0,
        },
      });
    }

    const response = await fetch(`${own.url}/api/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
    expect(response.status).toBe(200);
    const parsed = parse(await response.text());
    const at = (series: string) => parsed.samples.get(series);
    expect(Object.fromEntries(parsed.types)).toMatchObject({
      holdfast_agent_runs: "gauge",
      holdfast_agent_runs_retried: "gauge",
      holdfast_agent_run_retries: "counter",
      holdfast_agent_runs_stuck: "gauge",
      holdfast_agent_step_duration_ms: "histogram",
      holdfast_generations_retried: "gauge",
      holdfast_generation_retries: "counter",
    });
    const byStatus = { queued: 2, running: 4, waiting_approval: 1, succeeded: 4, failed: 1, canceled: 0, timed_out: 1 };
    for (const [status, n] of Object.entries(byStatus)) expect(at(`holdfast_agent_runs{status="${status}"}`)).toBe(n);
    expect(at('holdfast_agent_runs_retried{status="running"}')).toBe(1);
    expect(at('holdfast_agent_runs_retried{status="succeeded"}')).toBe(2);
    expect(at('holdfast_agent_runs_retried{status="failed"}')).toBe(1);
    expect(at('holdfast_agent_runs_retried{status="queued"}')).toBe(0);
    expect(at("holdfast_agent_run_retries_total")).toBe(2 + 1 + 3 + 4);
    expect(at('holdfast_agent_runs_stuck{status="queued"}')).toBe(1);
    expect(at('holdfast_agent_runs_stuck{status="running"}')).toBe(2);
    expect(at("holdfast_generations_retried")).toBe(2);
    expect(at("holdfast_generation_retries_total")).toBe(1 + 2);

    const model = (le: string) => at(`holdfast_agent_step_duration_ms_bucket{kind="model",le="${le}"}`);
    const tool = (le: string) => at(`holdfast_agent_step_duration_ms_bucket{kind="tool",le="${le}"}`);
    expect(["10", "50", "100", "250", "500", "1000", "2500", "5000", "120000", "+Inf"].map(model)).toEqual([
      2, 3, 3, 3, 4, 4, 5, 5, 5, 6,
    ]);
    expect(at('holdfast_agent_step_duration_ms_sum{kind="model"}')).toBe(5 + 10 + 11 + 480 + 2500 + 150_000);
    expect(at('holdfast_agent_step_duration_ms_count{kind="model"}')).toBe(6);
    expect(["10", "50", "5000", "10000", "+Inf"].map(tool)).toEqual([0, 1, 1, 2, 2]);
    expect(at('holdfast_agent_step_duration_ms_sum{kind="tool"}')).toBe(9050);
  } finally {
    await own.stop();
    await prisma.$disconnect();
  }
}, 60_000);
