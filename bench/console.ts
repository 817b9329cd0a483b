// The console section of `npm run bench` (`--only console`): the runs console's queries at scale. One workspace is
// seeded with set-based SQL (generate_series, INSERT … SELECT) — 100k agent runs, 1M agent steps, 100k generations
// with their 200k messages, usage and audit rows, request logs — then VACUUM ANALYZE, and each console query is
// timed as the API runs it: the same lib functions the route handlers call (listRuns, listGenerations, listSteps,
// listAuditEntries, usageRows, lookupRequest, promptVersionUsage), with the query parsed from a URL exactly as the
// route does, on a Prisma client over the same pool settings. The SQL Prisma sends for each is captured and its
// EXPLAIN (ANALYZE, BUFFERS) written next to the numbers. Floor: a primary-key lookup through the same client.
//
// The timing runs in a child process (`tsx --conditions=react-server bench/console.ts --worker`): the lib modules
// are server-only, like the route handlers that import them.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { freePort } from "@/tests/helpers/app-server";
import { defer } from "./lib/cleanup";
import { table } from "./lib/doc";
import { freshDatabase, serverVersion, startBenchCluster } from "./lib/postgres";
import { progress } from "./lib/progress";
import { ms, percentile, ratio } from "./lib/stats";

const runFile = promisify(execFile);
const DATABASE = "holdfast_bench_console";
const PG_DIR = path.join(process.cwd(), ".holdfast", "bench-console-pg");

const FULL = {
  runs: 100_000,
  stepsPerRun: 10,
  generations: 100_000,
  conversations: 5_000,
  audit: 50_000,
  requests: 100_000,
  members: 25,
  samples: 60,
};
const QUICK = {
  runs: 10_000,
  stepsPerRun: 10,
  generations: 10_000,
  conversations: 500,
  audit: 5_000,
  requests: 10_000,
  members: 25,
  samples: 20,
};
type Params = typeof FULL;

export type ConsoleBenchOptions = { quick: boolean };

/** What the worker measured: per query its latencies and the statements Prisma sent, with their plans. */
type Measured = {
  name: string;
  what: string;
  p50: number;
  p95: number;
  max: number;
  statements: { sql: string; plan: string }[];
};
type WorkerResult = { floor: { p50: number; p95: number }; results: Measured[] };

// ---- seeding -------------------------------------------------------------------------------------------------

async function seed(url: string, params: Params): Promise<{ seconds: number; counts: Record<string, number> }> {
  const started = performance.now();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const step = async (label: string, sql: string, values: unknown[] = []) => {
    const t0 = performance.now();
    const result = await client.query(sql, values);
    progress(`seed: ${label} (${result.rowCount ?? 0} rows, ${((performance.now() - t0) / 1000).toFixed(1)} s)`);
  };
  try {
    await client.query("SET synchronous_commit = off");
    // No autovacuum while seeding: an autovacuum ANALYZE running meanwhile holds back the xmin horizon, and the final
    // VACUUM could then not mark the newest tables all-visible (no index-only scans, unlike a settled database).
    await client.query("ALTER SYSTEM SET autovacuum = off");
    await client.query("SELECT pg_reload_conf()");
    await step(
      "workspace",
      `INSERT INTO workspaces (id, slug, name, plan_monthly_tokens)
       VALUES ('00000000-0000-4000-8000-000000000001', 'console-bench', 'Console bench', 1000000000000)`,
    );
    const ws = "00000000-0000-4000-8000-000000000001";
    await step(
      "members",
      `INSERT INTO users (id, email, name, password_hash)
       SELECT ('00000000-0000-4000-8001-' || lpad(g::text, 12, '0'))::uuid, 'member' || g || '@bench.test',
              'Member ' || g, 'x'
       FROM generate_series(1, $1::int) g`,
      [params.members],
    );
    await step(
      "memberships",
      `INSERT INTO memberships (id, workspace_id, user_id, roles)
       SELECT gen_random_uuid(), $1::uuid, id, '{member,admin}' FROM users`,
      [ws],
    );
    await step(
      "prompt versions and labels",
      `WITH v AS (
         INSERT INTO prompt_versions (id, workspace_id, name, version, content, created_at)
         SELECT gen_random_uuid(), $1::uuid, name, version, 'bench prompt ' || name || ' v' || version,
                now() - interval '90 days' + (version - 1) * interval '45 days'
         FROM (VALUES ('assistant', 1), ('assistant', 2), ('agent-operations', 1), ('agent-operations', 2),
                      ('agent-support', 1), ('agent-research', 1)) AS p(name, version)
         RETURNING name, version)
       INSERT INTO prompt_labels (workspace_id, name, label, version)
       SELECT $1::uuid, name, 'production', max(version) FROM v GROUP BY name`,
      [ws],
    );
    // Runs: 90 days of history; terminal statuses dominate, the active ones are recent (some of them stale).
    await step(
      "agent runs",
      `WITH src AS (
         SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4, random() AS r5 FROM generate_series(1, $2::int) g),
       shaped AS (
         SELECT g, r3, r4,
                CASE WHEN r1 < 0.835 THEN 'succeeded' WHEN r1 < 0.915 THEN 'failed' WHEN r1 < 0.955 THEN 'canceled'
                     WHEN r1 < 0.985 THEN 'timed_out' WHEN r1 < 0.99 THEN 'waiting_approval'
                     WHEN r1 < 0.995 THEN 'running' ELSE 'queued' END AS status,
                CASE WHEN r5 < 0.5 THEN 'operations' WHEN r5 < 0.8 THEN 'support' ELSE 'research' END AS agent,
                (ARRAY(SELECT id FROM users ORDER BY email))[1 + floor(power(r4, 2) * $3::int)::int] AS member,
                now() - r2 * interval '90 days' AS created
         FROM src),
       timed AS (
         SELECT *, CASE WHEN status IN ('queued', 'running', 'waiting_approval')
                        THEN now() - r3 * interval '20 minutes' ELSE created END AS created_at
         FROM shaped)
       INSERT INTO agent_runs (id, workspace_id, agent, goal, constraints, budget, state, status, progress, attempts,
                               deadline_at, steps_used, llm_tokens, cost_micros, model, prompt_version,
                               prompt_version_id, temperature, seed, requested_by_id, request_id, started_at,
                               finished_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid, t.agent, 'bench goal ' || t.g, '{"require_approval": []}', '{}', '{}',
              t.status::"AgentRunStatus", CASE WHEN t.status = 'succeeded' THEN 100 ELSE 40 END, 1,
              t.created_at + interval '1 hour', $4::int, 1200, 2400, 'offline',
              pv.name || '@' || pv.version, pv.id, 0, 42, t.member, 'req-run-' || t.g, t.created_at,
              CASE WHEN t.status IN ('queued', 'running', 'waiting_approval') THEN NULL
                   ELSE t.created_at + t.r3 * interval '3 minutes' END,
              t.created_at, t.created_at + t.r3 * interval '3 minutes'
       FROM timed t
       JOIN LATERAL (
         SELECT id, name, version FROM prompt_versions
         WHERE workspace_id = $1::uuid AND name = 'agent-' || t.agent AND created_at <= t.created_at
         ORDER BY version DESC LIMIT 1) pv ON true`,
      [ws, params.runs, params.members, params.stepsPerRun],
    );
    await step(
      "agent steps",
      `INSERT INTO agent_steps (id, workspace_id, run_id, number, kind, reasoning_summary, tools_considered,
                                tool_chosen, params, result, duration_ms, input_tokens, output_tokens, cost_micros,
                                model, prompt_version, seed, temperature, status, created_at)
       SELECT gen_random_uuid(), r.workspace_id, r.id, n, CASE WHEN n % 2 = 1 THEN 'model' ELSE 'tool' END,
              CASE WHEN n % 2 = 1 THEN 'Checking the disk usage first.' END, '["check_disk", "clean_logs"]',
              'check_disk', '{"server": "app-1"}', '{"usedPercent": 73, "hostname": "app-1"}',
              (n * 37) % 400, 120, 60, 240, 'offline', r.prompt_version, 42, 0, 'succeeded',
              r.created_at + n * interval '2 seconds'
       FROM agent_runs r CROSS JOIN generate_series(1, $1::int) n`,
      [params.stepsPerRun],
    );
    await step(
      "conversations",
      `INSERT INTO conversations (id, workspace_id, created_by_id, title, created_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid,
              (ARRAY(SELECT id FROM users ORDER BY email))[1 + (g % $3::int)], 'Conversation ' || g,
              now() - interval '90 days', now()
       FROM generate_series(1, $2::int) g`,
      [ws, params.conversations, params.members],
    );
    await step(
      "generations",
      `WITH src AS (
         SELECT g, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                1 + floor(random() * $3::int)::int AS c FROM generate_series(1, $2::int) g),
       convs AS (SELECT id, row_number() OVER (ORDER BY id) AS n FROM conversations),
       shaped AS (
         SELECT s.*, convs.id AS conversation_id,
                CASE WHEN r1 < 0.90 THEN 'succeeded' WHEN r1 < 0.94 THEN 'failed' WHEN r1 < 0.97 THEN 'canceled'
                     WHEN r1 < 0.98 THEN 'timed_out' WHEN r1 < 0.99 THEN 'running' ELSE 'queued' END AS status,
                (ARRAY(SELECT id FROM users ORDER BY email))[1 + floor(power(r4, 2) * $4::int)::int] AS member
         FROM src s JOIN convs ON convs.n = s.c),
       timed AS (
         SELECT *, CASE WHEN status IN ('queued', 'running') THEN now() - r3 * interval '20 minutes'
                        ELSE now() - r2 * interval '90 days' END AS created_at
         FROM shaped)
       INSERT INTO generations (id, workspace_id, conversation_id, user_message_id, requested_by_id, status, model,
                                prompt_label, reserved_tokens, error_type, error_code, error_message, attempts,
                                request_id, started_at, finished_at, created_at, updated_at)
       SELECT gen_random_uuid(), $1::uuid, conversation_id, gen_random_uuid(), member, status::"GenerationStatus",
              'offline', 'production', 0,
              CASE WHEN status = 'failed' THEN 'provider' END, CASE WHEN status = 'failed' THEN 'provider_error' END,
              CASE WHEN status = 'failed' THEN 'the provider failed' END, 1, 'req-gen-' || g, created_at,
              CASE WHEN status IN ('queued', 'running') THEN NULL ELSE created_at + r3 * interval '20 seconds' END,
              created_at, created_at + r3 * interval '20 seconds'
       FROM timed`,
      [ws, params.generations, params.conversations, params.members],
    );
    await step(
      "messages (a user message and an answer per generation)",
      `WITH ordered AS (
         SELECT g.*, row_number() OVER (PARTITION BY conversation_id ORDER BY created_at, id) AS k
         FROM generations g),
       answered AS (
         SELECT o.*, (SELECT id FROM prompt_versions pv WHERE pv.workspace_id = o.workspace_id
                        AND pv.name = 'assistant' AND pv.created_at <= o.created_at
                      ORDER BY version DESC LIMIT 1) AS prompt_version_id
         FROM ordered o)
       INSERT INTO messages (id, workspace_id, conversation_id, seq, role, content, status, author_id,
                             generation_id, prompt_version_id, model, input_tokens, output_tokens, cost_micros,
                             created_at)
       SELECT CASE WHEN m.role = 'user' THEN a.user_message_id ELSE gen_random_uuid() END, a.workspace_id,
              a.conversation_id, 2 * a.k - (m.role = 'user')::int, m.role,
              CASE WHEN m.role = 'user' THEN 'a question' ELSE 'an answer' END,
              CASE WHEN m.role = 'user' THEN 'confirmed' ELSE 'completed' END,
              CASE WHEN m.role = 'user' THEN a.requested_by_id END, a.id,
              CASE WHEN m.role = 'assistant' THEN a.prompt_version_id END,
              CASE WHEN m.role = 'assistant' THEN 'offline' END, 100, 50, 150, a.created_at
       FROM answered a CROSS JOIN (VALUES ('user'), ('assistant')) AS m(role)
       WHERE m.role = 'user' OR a.status NOT IN ('queued', 'running')`,
    );
    await step(
      "usage entries (one per answer, one per run)",
      `INSERT INTO usage_entries (id, workspace_id, user_id, kind, model, input_tokens, output_tokens, cost_micros,
                                  generation_id, run_id, agent, created_at)
       SELECT gen_random_uuid(), workspace_id, requested_by_id, 'model_call', 'offline', 100, 50, 150, id, NULL, NULL,
              created_at FROM generations WHERE status NOT IN ('queued', 'running')
       UNION ALL
       SELECT gen_random_uuid(), workspace_id, requested_by_id, 'model_call', 'offline', 800, 400, 2400, NULL, id,
              agent, created_at FROM agent_runs`,
    );
    await step(
      "audit log",
      `INSERT INTO audit_logs (id, workspace_id, actor_user_id, action, target_type, target_id, request_id, data,
                               created_at)
       SELECT gen_random_uuid(), $1::uuid, (ARRAY(SELECT id FROM users ORDER BY email))[1 + (g % $3::int)],
              (ARRAY['run.retry', 'run.cancel', 'run.rerun', 'approval.approved', 'prompt.label_moved',
                     'conversation.deleted', 'member.roles_changed', 'token.created'])[1 + (g % 8)],
              'agent_run', gen_random_uuid()::text, 'req-run-' || g, '{}',
              now() - random() * interval '90 days'
       FROM generate_series(1, $2::int) g`,
      [ws, params.audit, params.members],
    );
    await step(
      "request logs",
      `INSERT INTO request_logs (id, request_id, workspace_id, user_id, method, route, status, duration_ms,
                                 created_at)
       SELECT gen_random_uuid(), 'req-run-' || g, $1::uuid,
              (ARRAY(SELECT id FROM users ORDER BY email))[1 + (g % $3::int)], 'POST',
              '/api/v1/workspaces/[ws]/runs', 202, 12, now() - random() * interval '90 days'
       FROM generate_series(1, $2::int) g`,
      [ws, params.requests, params.members],
    );
    await step("VACUUM ANALYZE", "VACUUM ANALYZE");
    const counts: Record<string, number> = {};
    for (const tableName of [
      "agent_runs",
      "agent_steps",
      "generations",
      "messages",
      "usage_entries",
      "audit_logs",
      "request_logs",
    ]) {
      const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${tableName}`);
      counts[tableName] = rows[0]?.n ?? 0;
    }
    return { seconds: (performance.now() - started) / 1000, counts };
  } finally {
    await client.query("ALTER SYSTEM RESET autovacuum");
    await client.query("SELECT pg_reload_conf()");
    await client.end();
  }
}

// ---- the worker: timing through the lib functions ------------------------------------------------------------

async function worker(): Promise<void> {
  const url = process.env.DATABASE_URL as string;
  const samples = Number(process.env.BENCH_CONSOLE_SAMPLES ?? 30);
  process.env.NEXTAUTH_SECRET ??= "bench-console-secret-0123456789-0123456789";
  process.env.LOG_LEVEL ??= "warn";
  const { PrismaPg } = await import("@prisma/adapter-pg");
  const { PrismaClient } = await import("@/lib/db/generated/client.ts");
  const { listRuns, listSteps } = await import("@/lib/agents/runs");
  const { RUN_STATUSES } = await import("@/lib/agents/schemas");
  const { readConsoleListQuery } = await import("@/lib/console/list-query");
  const { GENERATION_STATUSES, listGenerations } = await import("@/lib/conversations/generations");
  const { listAuditEntries, readAuditFilters } = await import("@/lib/audit/list-audit");
  const { readUsageQuery, usageRows } = await import("@/lib/usage/report");
  const { lookupRequest } = await import("@/lib/requests/lookup");
  const { promptVersionUsage } = await import("@/lib/prompts/admin");

  const captured: { sql: string; params: string }[] = [];
  let capturing = false;
  const prisma = new PrismaClient({
    adapter: new PrismaPg({ connectionString: url, max: 10 }),
    log: [{ emit: "event", level: "query" }],
  });
  prisma.$on("query", (event) => {
    if (capturing) captured.push({ sql: event.query, params: event.params });
  });
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const one = async <T>(sql: string, values: unknown[] = []) => (await pool.query(sql, values)).rows[0] as T;

  const ws = "00000000-0000-4000-8000-000000000001";
  const light = await one<{ id: string }>("SELECT id FROM users ORDER BY email DESC LIMIT 1");
  const heavy = await one<{ id: string }>(
    "SELECT requested_by_id AS id FROM agent_runs GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
  );
  const deep = await one<{ created_at: Date; id: string }>(
    "SELECT created_at, id FROM agent_runs WHERE workspace_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1",
    [ws, Math.floor(Number(process.env.BENCH_CONSOLE_RUNS ?? 100_000) / 2)],
  );
  const deepCursor = Buffer.from(JSON.stringify([deep.created_at.toISOString(), deep.id])).toString("base64url");
  const someRun = await one<{ id: string; request_id: string }>(
    "SELECT id, request_id FROM agent_runs WHERE status = 'succeeded' ORDER BY created_at DESC OFFSET 1000 LIMIT 1",
  );
  const day = 86_400_000;
  const iso = (msAgo: number) => new Date(Date.now() - msAgo).toISOString();
  const runsUrl = (query: string) => new URL(`http://bench/runs?${query}`);
  const runs = (query: string, agent?: string) => () =>
    listRuns(prisma, { workspaceId: ws, agent, query: readConsoleListQuery(runsUrl(query), RUN_STATUSES) });
  const generations = (query: string) => () =>
    listGenerations(prisma, {
      workspaceId: ws,
      query: readConsoleListQuery(runsUrl(query), GENERATION_STATUSES),
    });
  const audit = (query: string) => () => {
    const url = new URL(`http://bench/audit?${query}`);
    return listAuditEntries(prisma, { workspaceId: ws, limit: 50, cursor: null, filters: readAuditFilters(url) });
  };
  const usage = (groupBy: string) => () =>
    usageRows(prisma, ws, readUsageQuery(new URL(`http://bench/usage?group_by=${groupBy}&from=${iso(30 * day)}`)));

  const cases: { name: string; what: string; run: () => Promise<unknown> }[] = [
    { name: "runs: no filter", what: "GET …/runs", run: runs("") },
    { name: "runs: status=failed", what: "GET …/runs?status=failed", run: runs("status=failed") },
    {
      name: "runs: status=failed,timed_out",
      what: "GET …/runs?status=failed,timed_out",
      run: runs("status=failed,timed_out"),
    },
    { name: "runs: agent=research", what: "GET …/runs?agent=research", run: runs("", "research") },
    { name: "runs: member (busiest)", what: "GET …/runs?member=…", run: runs(`member=${heavy.id}`) },
    { name: "runs: member (quietest)", what: "GET …/runs?member=…", run: runs(`member=${light.id}`) },
    {
      name: "runs: from/to (one week, a month ago)",
      what: "GET …/runs?from=…&to=…",
      run: runs(`from=${iso(37 * day)}&to=${iso(30 * day)}`),
    },
    { name: "runs: stuck=true", what: "GET …/runs?stuck=true", run: runs("stuck=true") },
    { name: "runs: sort=updated_at", what: "GET …/runs?sort=updated_at", run: runs("sort=updated_at") },
    { name: "runs: order=asc", what: "GET …/runs?order=asc", run: runs("order=asc") },
    { name: "runs: deep cursor page (row 50k)", what: "GET …/runs?cursor=…", run: runs(`cursor=${deepCursor}`) },
    { name: "generations: no filter", what: "GET …/generations", run: generations("") },
    {
      name: "generations: status=failed,timed_out",
      what: "GET …/generations?status=failed,timed_out",
      run: generations("status=failed,timed_out"),
    },
    { name: "generations: member", what: "GET …/generations?member=…", run: generations(`member=${heavy.id}`) },
    { name: "generations: stuck=true", what: "GET …/generations?stuck=true", run: generations("stuck=true") },
    {
      name: "generations: sort=updated_at",
      what: "GET …/generations?sort=updated_at",
      run: generations("sort=updated_at"),
    },
    {
      name: "a run's steps",
      what: "GET …/runs/{id}/steps",
      run: () => listSteps(prisma, { workspaceId: ws, runId: someRun.id }),
    },
    { name: "audit: no filter", what: "GET …/audit", run: audit("") },
    { name: "audit: action=run.retry", what: "GET …/audit?action=run.retry", run: audit("action=run.retry") },
    { name: "audit: action=run.*", what: "GET …/audit?action=run.*", run: audit("action=run.*") },
    { name: "audit: actor", what: "GET …/audit?actor=…", run: audit(`actor=${light.id}`) },
    {
      name: "audit: from/to (one week)",
      what: "GET …/audit?from=…&to=…",
      run: audit(`from=${iso(37 * day)}&to=${iso(30 * day)}`),
    },
    { name: "usage by day (30 days)", what: "GET …/usage?group_by=day", run: usage("day") },
    { name: "usage by member (30 days)", what: "GET …/usage?group_by=member", run: usage("member") },
    { name: "usage by agent (30 days)", what: "GET …/usage?group_by=agent", run: usage("agent") },
    {
      name: "request lookup",
      what: "GET …/requests/{id}",
      run: () => lookupRequest(prisma, { workspaceId: ws, requestId: someRun.request_id }),
    },
    {
      name: "prompt version usage (agent prompt)",
      what: "GET …/prompts/agent-operations/versions/2/usage",
      run: () => promptVersionUsage(prisma, { workspaceId: ws, name: "agent-operations", ref: "2" }),
    },
    {
      name: "prompt version usage (assistant)",
      what: "GET …/prompts/assistant/versions/2/usage",
      run: () => promptVersionUsage(prisma, { workspaceId: ws, name: "assistant", ref: "2" }),
    },
  ];

  const time = async (work: () => Promise<unknown>, count: number) => {
    const latencies: number[] = [];
    for (let i = 0; i < count; i++) {
      const t0 = performance.now();
      await work();
      latencies.push(performance.now() - t0);
    }
    return latencies.sort((a, b) => a - b);
  };
  const floorWork = () => prisma.agentRun.findUnique({ where: { id: someRun.id }, select: { id: true } });
  await time(floorWork, 20);
  const results: Measured[] = [];
  // Rounds over every case, so that a slow moment of the shared machine spreads over all of them.
  const latencies = new Map<string, number[]>(cases.map((c) => [c.name, []]));
  const floor: number[] = [];
  for (const c of cases) await time(c.run, 3);
  for (let round = 0; round < samples; round++) {
    floor.push(...(await time(floorWork, 1)));
    for (const c of cases) latencies.get(c.name)?.push(...(await time(c.run, 1)));
  }
  for (const c of cases) {
    captured.length = 0;
    capturing = true;
    await c.run();
    capturing = false;
    const statements: Measured["statements"] = [];
    for (const statement of captured) {
      if (/^\s*(BEGIN|COMMIT|ROLLBACK)/i.test(statement.sql)) continue;
      const values = JSON.parse(statement.params) as unknown[];
      const explained = await pool.query(`EXPLAIN (ANALYZE, BUFFERS) ${statement.sql}`, values);
      statements.push({
        sql: statement.sql,
        plan: explained.rows.map((row: Record<string, string>) => row["QUERY PLAN"]).join("\n"),
      });
    }
    const sorted = (latencies.get(c.name) ?? []).sort((a, b) => a - b);
    results.push({
      name: c.name,
      what: c.what,
      p50: percentile(sorted, 50),
      p95: percentile(sorted, 95),
      max: sorted.at(-1) ?? Number.NaN,
      statements,
    });
  }
  floor.sort((a, b) => a - b);
  await prisma.$disconnect();
  await pool.end();
  const output: WorkerResult = { floor: { p50: percentile(floor, 50), p95: percentile(floor, 95) }, results };
  process.stdout.write(JSON.stringify(output));
}

// ---- the section ---------------------------------------------------------------------------------------------

export async function runConsoleBench(options: ConsoleBenchOptions): Promise<string> {
  const params = options.quick ? QUICK : FULL;
  progress(`starting the console bench PostgreSQL cluster (${path.relative(process.cwd(), PG_DIR)})`);
  const cluster = await startBenchCluster({ dataDir: PG_DIR, port: await freePort() });
  const stopCluster = defer("console bench PostgreSQL cluster", () => cluster.stop());
  try {
    const postgresVersion = await serverVersion(cluster.adminUrl);
    const databaseUrl = await freshDatabase(cluster.adminUrl, DATABASE);
    const seeded = await seed(databaseUrl, params);
    progress(`seeded in ${seeded.seconds.toFixed(0)} s: ${JSON.stringify(seeded.counts)}`);
    progress(`timing ${params.samples} rounds of every console query (child process)`);
    const { stdout } = await runFile(
      path.join(process.cwd(), "node_modules", ".bin", "tsx"),
      ["--conditions=react-server", path.join(import.meta.dirname, "console.ts"), "--worker"],
      {
        env: {
          ...process.env,
          DATABASE_URL: databaseUrl,
          BENCH_CONSOLE_SAMPLES: String(params.samples),
          BENCH_CONSOLE_RUNS: String(params.runs),
        },
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    const measured = JSON.parse(stdout) as WorkerResult;
    return render(params, options.quick, seeded, measured, postgresVersion);
  } finally {
    await stopCluster();
  }
}

function render(
  params: Params,
  quick: boolean,
  seeded: { seconds: number; counts: Record<string, number> },
  measured: WorkerResult,
  postgresVersion: string,
): string {
  const target = 100;
  const over = measured.results.filter((r) => r.p95 >= target);
  const rows = measured.results.map((r) => [
    r.name,
    `\`${r.what}\``,
    ms(r.p50),
    ms(r.p95),
    ms(r.max),
    ratio(r.p95 / measured.floor.p95),
    r.p95 < target ? "yes" : "**no**",
  ]);
  const plans = measured.results
    .map(
      (r) =>
        `<details><summary>${r.name} — ${r.statements.length} statement(s)</summary>\n\n${r.statements
          .map((s) => `\`\`\`sql\n${s.sql}\n\`\`\`\n\n\`\`\`\n${s.plan}\n\`\`\``)
          .join("\n\n")}\n\n</details>`,
    )
    .join("\n\n");
  const counts = Object.entries(seeded.counts).map(([name, n]) => [name, n.toLocaleString("en-US")]);
  return `## Console queries

The runs console's list and lookup queries on one large workspace (issue 6: "console list queries at 100k runs
and 1M steps in one workspace stay under 100 ms p95")${quick ? " — **--quick: a tenth of the data**" : ""}.

**Method.** \`bench/console.ts\` seeds one workspace in its own PostgreSQL ${postgresVersion} cluster with set-based
SQL (\`generate_series\`, \`INSERT … SELECT\`; ${seeded.seconds.toFixed(0)} s) — 90 days of history, ${params.members}
members with a skewed share of the work (the member index is ⌊25·r²⌋, r uniform), runs 83.5% succeeded / 8% failed /
4% canceled / 3% timed out / 0.5% each waiting for approval, running and queued (the active ones in the last 20
minutes, so some are stuck), agents 50/30/20, ${params.stepsPerRun} steps per run, generations 90% succeeded with
a user message and an answer each, one usage row per answer and per run, audit rows and request logs — then
\`VACUUM ANALYZE\`. Each query runs **through the lib function its route handler calls** (\`listRuns\`,
\`listGenerations\`, \`listSteps\`, \`listAuditEntries\`, \`usageRows\`, \`lookupRequest\`, \`promptVersionUsage\`),
its query string parsed by the same parser as the route, on a Prisma client (adapter-pg) in a child process: what
the route adds on top (authentication, membership, JSON) is the API section's business. ${params.samples} rounds
over every query after 3 warm-up calls each; nearest-rank p50/p95. **Floor**: a primary-key lookup of one run
through the same client, measured in the same rounds (p50 ${ms(measured.floor.p50)} ms, p95
${ms(measured.floor.p95)} ms); the ratio column is p95 / floor p95.

${table(["Table", "Rows"], counts, ["l", "r"])}

${table(["Query", "As the API", "p50 ms", "p95 ms", "max ms", "p95 / floor", "p95 < 100 ms"], rows, [
  "l",
  "l",
  "r",
  "r",
  "r",
  "r",
  "l",
])}

${over.length === 0 ? `Every query is under ${target} ms at p95.` : `Over ${target} ms at p95: ${over.map((r) => r.name).join(", ")}.`}

**Indexes** (migration \`20261123010000_console_indexes\`): the lists are keyset scans on
\`(workspace_id, <sort column>, id)\` — \`agent_runs\` and \`generations\` on \`created_at\` and \`updated_at\`, plus
\`(workspace_id, status | agent | requested_by_id, created_at, id)\` for the filters, \`(workspace_id, request_id)\`
for the request lookup and \`(workspace_id, prompt_version_id, created_at)\` on \`agent_runs\` and \`messages\` for
prompt-version usage; \`audit_logs\` on \`(workspace_id, created_at, id)\`; \`usage_entries_report_idx\` on
\`(workspace_id, created_at, user_id, agent, input_tokens, output_tokens, cost_micros)\` (migration
\`20261123040000_usage_agent\`) covers the usage report (index-only scans); the ledger row keeps its run's agent, so
the breakdown by agent needs no join with the runs (107 ms p95 with one, measured here). They replace the \`(workspace_id, created_at)\` and \`(workspace_id, status)\` indexes they extend. The
usage report groups on a date or a uuid and formats once per group (it formatted and sorted a text key per row),
and statistics on its day expression (\`usage_entries_day_stats\`) let the planner hash ~30 groups instead of
sorting every row. A deep cursor page adds the redundant \`created_at <= cursor\` bound to Prisma's
\`(created_at < c OR (created_at = c AND id < i))\`, so it is an index range, not a filter over the rows before it.

### Query plans

EXPLAIN (ANALYZE, BUFFERS) of every statement each query sent, captured from Prisma's query log on the last call
and re-run with the same parameters.

${plans}`;
}

if (process.argv.includes("--worker")) {
  worker().catch((error: unknown) => {
    process.stderr.write(`console bench worker failed: ${(error as Error).stack ?? String(error)}\n`);
    process.exit(1);
  });
}
