// The agents section of `npm run bench`: an agent run end to end — POST …/runs → outbox → engine → the run-agent
// function's memoized steps (model turns on the offline model with zero chunk delay, tool calls through the
// side-effect ledger) → the terminal status — measured as overhead per step (run time minus the model calls the
// product itself timed, divided by the steps) and runs completed per second at 10 and 100 concurrent runs, against
// a bare PostgreSQL commit on the same cluster.
import { randomBytes } from "node:crypto";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort } from "@/tests/helpers/app-server";
import { defer } from "./lib/cleanup";
import { table } from "./lib/doc";
import { freshDatabase, serverVersion, startBenchCluster } from "./lib/postgres";
import { type BenchProduct, startBenchProduct } from "./lib/product";
import { progress } from "./lib/progress";
import { type Seeded, seedUserViaCli } from "./lib/seed";
import { BENCH_DIST_DIR, ensureBuild } from "./lib/server";
import { ms, percentile, rate, ratio } from "./lib/stats";

export type AgentBenchOptions = { quick: boolean; rebuild?: boolean; noBuild?: boolean };

const DATABASE = "holdfast_bench_agents";
const PG_DIR = path.join(process.cwd(), ".holdfast", "bench-agents-pg");
const PASSWORD = "bench-password-0123456789";
/** Tool calls per run: K distinct read_records calls (distinct params, so loop detection stays quiet). */
const TOOL_CALLS = 4;
/** Steps per run: a model turn before each tool call, each tool call, and the final model turn. */
const STEPS = 2 * TOOL_CALLS + 1;
const PLAN = [
  ...Array.from({ length: TOOL_CALLS }, (_, i) => `${i + 1}. read_records {"kind": "customer", "limit": ${i + 1}}`),
  "final: Read the customers.",
].join("\n");

const FULL = { sequential: 15, wide: 100, workspaces: 5, floorSamples: 300 };
const QUICK = { sequential: 5, wide: 40, workspaces: 3, floorSamples: 100 };
type Params = typeof FULL;

type RunTiming = { totalMs: number; modelMs: number; steps: number };
type Batch = { runs: number; workspaces: number; seconds: number; perSecond: number; timings: RunTiming[] };

function client(base: string, seeded: Seeded) {
  return async (goal: string): Promise<string> => {
    const response = await fetch(`${base}/api/v1/workspaces/${seeded.workspace}/runs`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${seeded.token}`,
        "content-type": "application/json",
        "Idempotency-Key": randomBytes(8).toString("hex"),
      },
      body: JSON.stringify({ agent: "support", goal, constraints: { require_approval: [] }, offline_plan: PLAN }),
    });
    const body = (await response.json()) as { run?: { id: string } };
    if (response.status !== 202 || !body.run) throw new Error(`POST runs: ${response.status} ${JSON.stringify(body)}`);
    return body.run.id;
  };
}

async function waitAll(pool: pg.Pool, ids: string[], timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { rows } = await pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM agent_runs WHERE id = ANY($1::uuid[]) AND status IN ('queued', 'running', 'waiting_approval')",
      [ids],
    );
    if (rows[0]?.n === 0) break;
    if (Date.now() > deadline) throw new Error(`${rows[0]?.n} agent runs still active after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const { rows } = await pool.query<{ status: string; n: number }>(
    "SELECT status::text, count(*)::int AS n FROM agent_runs WHERE id = ANY($1::uuid[]) GROUP BY 1",
    [ids],
  );
  const bad = rows.filter((row) => row.status !== "succeeded");
  if (bad.length) throw new Error(`agent runs did not all succeed: ${JSON.stringify(rows)}`);
}

/** From the database: each run's created → finished time, and the model time its model steps recorded. */
async function timingsOf(pool: pg.Pool, ids: string[]): Promise<{ timings: RunTiming[]; first: number; last: number }> {
  const { rows } = await pool.query<{
    total_ms: number;
    model_ms: number;
    steps: number;
    created: Date;
    finished: Date;
  }>(
    `SELECT extract(epoch FROM r.finished_at - r.created_at) * 1000 AS total_ms,
            coalesce(sum(s.duration_ms) FILTER (WHERE s.kind = 'model'), 0)::float8 AS model_ms,
            count(s.*)::int AS steps, r.created_at AS created, r.finished_at AS finished
     FROM agent_runs r LEFT JOIN agent_steps s ON s.run_id = r.id
     WHERE r.id = ANY($1::uuid[]) GROUP BY r.id`,
    [ids],
  );
  return {
    timings: rows.map((row) => ({ totalMs: Number(row.total_ms), modelMs: Number(row.model_ms), steps: row.steps })),
    first: Math.min(...rows.map((row) => row.created.getTime())),
    last: Math.max(...rows.map((row) => row.finished.getTime())),
  };
}

async function batch(pool: pg.Pool, apis: ReturnType<typeof client>[], runs: number, label: string): Promise<Batch> {
  progress(`${label}: ${runs} runs at once over ${apis.length} workspace(s)`);
  const ids = await Promise.all(
    Array.from({ length: runs }, (_, i) => (apis[i % apis.length] as ReturnType<typeof client>)(`${label} ${i}`)),
  );
  await waitAll(pool, ids);
  const { timings, first, last } = await timingsOf(pool, ids);
  const seconds = (last - first) / 1000;
  return { runs, workspaces: apis.length, seconds, perSecond: runs / seconds, timings };
}

async function sequential(pool: pg.Pool, api: ReturnType<typeof client>, runs: number): Promise<RunTiming[]> {
  progress(`sequential: ${runs} runs one after the other (${STEPS} steps each)`);
  const ids: string[] = [];
  for (let i = 0; i < runs; i++) {
    const id = await api(`sequential ${i}`);
    await waitAll(pool, [id]);
    ids.push(id);
  }
  return (await timingsOf(pool, ids)).timings;
}

/** The floor: one bare INSERT … COMMIT round trip on the same cluster (what a memoized step can never beat). */
async function commitFloor(pool: pg.Pool, samples: number): Promise<number[]> {
  progress(`floor: ${samples} bare INSERT + COMMIT transactions`);
  const c = await pool.connect();
  try {
    await c.query("CREATE TEMP TABLE bench_floor (id serial PRIMARY KEY, data jsonb)");
    const out: number[] = [];
    for (let i = 0; i < samples + 20; i++) {
      const t0 = performance.now();
      await c.query("BEGIN");
      await c.query("INSERT INTO bench_floor (data) VALUES ($1)", [JSON.stringify({ i })]);
      await c.query("COMMIT");
      if (i >= 20) out.push(performance.now() - t0);
    }
    return out;
  } finally {
    c.release();
  }
}

const sorted = (values: number[]) => [...values].sort((a, b) => a - b);
const p50 = (values: number[]) => percentile(sorted(values), 50);
const p99 = (values: number[]) => percentile(sorted(values), 99);
const overheads = (timings: RunTiming[]) => timings.map((t) => (t.totalMs - t.modelMs) / t.steps);

export async function runAgentBench(options: AgentBenchOptions): Promise<string> {
  const params: Params = options.quick ? QUICK : FULL;
  await ensureBuild({ force: options.rebuild, skip: options.noBuild });
  const started = performance.now();
  const loadAtStart = os.loadavg()[0] ?? 0;
  progress(`starting the agents bench PostgreSQL cluster (${path.relative(process.cwd(), PG_DIR)})`);
  const cluster = await startBenchCluster({ dataDir: PG_DIR, port: await freePort() });
  const stopCluster = defer("agents bench PostgreSQL cluster", () => cluster.stop());
  let product: BenchProduct | undefined;
  let pool: pg.Pool | undefined;
  try {
    const postgresVersion = await serverVersion(cluster.adminUrl);
    const databaseUrl = await freshDatabase(cluster.adminUrl, DATABASE);
    const seedOne = (i: number) =>
      seedUserViaCli({
        databaseUrl,
        email: `bench-agents-${i}-${randomBytes(3).toString("hex")}@bench.test`,
        password: PASSWORD,
        workspace: `agents-${i}`,
        roles: ["member"],
      });
    // Seeding is CPU-heavy (tsx + argon2): one alongside the product's start, the rest two at a time.
    const seeding = (async () => {
      const out: Seeded[] = [await seedOne(0)];
      for (let i = 1; i < params.workspaces; i += 2) {
        out.push(...(await Promise.all([i, i + 1].filter((n) => n < params.workspaces).map(seedOne))));
      }
      return out;
    })();
    // The offline model, streaming with no pause: model time is the product's own work, not a simulated provider.
    const starting = startBenchProduct({ databaseUrl, env: { HOLDFAST_OFFLINE_CHUNK_DELAY_MS: "0" } });
    const [seededResult, productResult] = await Promise.allSettled([seeding, starting]);
    if (productResult.status === "fulfilled") product = productResult.value;
    if (seededResult.status === "rejected") throw seededResult.reason;
    if (productResult.status === "rejected") throw productResult.reason;
    const seeded = seededResult.value;
    const running = productResult.value;
    progress(`product up: ${running.server.url}, engine ${running.engineUrl}; ${seeded.length} workspaces`);
    pool = new pg.Pool({ connectionString: databaseUrl, max: 3 });
    await pool.query("UPDATE workspaces SET plan_monthly_tokens = 1000000000000");
    await pool.query("UPDATE quota_periods SET token_limit = 1000000000000");
    const apis = seeded.map((s) => client(running.server.url, s));
    const first = apis[0] as ReturnType<typeof client>;

    progress("warm-up: 3 sequential and 10 concurrent runs (not measured)");
    for (let i = 0; i < 3; i++) await batch(pool, [first], 1, `warm-${i}`);
    await batch(pool, [first], 10, "warm-par");

    const seq = await sequential(pool, first, params.sequential);
    const ten = await batch(pool, [first], 10, "concurrent-10");
    const wideOne = await batch(pool, [first], params.wide, `concurrent-${params.wide}-one-workspace`);
    const wideMany = await batch(pool, apis, params.wide, `concurrent-${params.wide}-${apis.length}-workspaces`);
    const floor = await commitFloor(pool, params.floorSamples);
    const seconds = (performance.now() - started) / 1000;
    progress(`agents section done in ${seconds.toFixed(0)} s`);
    return render({
      params,
      quick: options.quick,
      postgresVersion,
      seconds,
      load: `${loadAtStart.toFixed(2)} → ${(os.loadavg()[0] ?? 0).toFixed(2)}`,
      seq,
      batches: [ten, wideOne, wideMany],
      floor,
    });
  } finally {
    await pool?.end().catch(() => {});
    await product?.stop();
    await stopCluster();
  }
}

function render(input: {
  params: Params;
  quick: boolean;
  postgresVersion: string;
  seconds: number;
  load: string;
  seq: RunTiming[];
  batches: Batch[];
  floor: number[];
}): string {
  const { seq, floor } = input;
  const floorP50 = p50(floor);
  const over = overheads(seq);
  const total = seq.map((t) => t.totalMs);
  const model = seq.map((t) => t.modelMs / (STEPS - TOOL_CALLS));
  const rows = [
    ["Run, created → finished", ms(p50(total)), ms(p99(total)), ratio(p50(total) / floorP50)],
    ["Model call (offline, 0 ms chunk delay), per turn", ms(p50(model)), ms(p99(model)), ratio(p50(model) / floorP50)],
    ["**Overhead per step** (run − model time) ÷ steps", ms(p50(over)), ms(p99(over)), ratio(p50(over) / floorP50)],
    ["Bare INSERT + COMMIT (floor)", ms(floorP50), ms(p99(floor)), "1×"],
  ];
  const batchRows = input.batches.map((b) => {
    const o = overheads(b.timings);
    const runMs = b.timings.map((t) => t.totalMs);
    return [
      String(b.runs),
      String(b.workspaces),
      `${b.seconds.toFixed(2)} s`,
      `**${rate(b.perSecond)}**`,
      rate(b.perSecond * STEPS),
      ms(p50(runMs)),
      ms(p99(runMs)),
      ms(p50(o)),
      ratio(1000 / (b.perSecond * STEPS) / floorP50),
    ];
  });
  const seqRate = 1000 / p50(total);
  return `## Agents: run overhead per step and runs per second

**Method.** The real product (\`next start\` on \`${BENCH_DIST_DIR}\` + the engine with its production timings,
PostgreSQL ${input.postgresVersion} in its own cluster), the support agent on the offline model with
\`HOLDFAST_OFFLINE_CHUNK_DELAY_MS=0\` and an \`offline_plan\` of ${TOOL_CALLS} \`read_records\` calls, so every run is
${STEPS} memoized steps (${TOOL_CALLS + 1} model turns, ${TOOL_CALLS} tool calls through the side-effect ledger) and
ends \`succeeded\`. A run's time is \`finished_at − created_at\` (from \`POST …/runs\` through the event outbox, the
engine, every step's HTTP round trip and its transactions, to the terminal \`finishRun\`); the model time is the sum
of its model steps' \`duration_ms\` as the product timed them (the offline model's stream, from request to settled
usage). **Overhead per step = (run time − model time) ÷ steps.** Throughput: N runs posted at once, runs/s = N ÷
(last finished − first created). The workspace concurrency key of \`run-agent\` is 10, so 100 runs in one workspace
queue behind 10 executing; the ${input.params.workspaces}-workspace row spreads them. Warm-up: 13 runs, not counted.
Floor: a bare \`INSERT\` + \`COMMIT\` on the same cluster (one memoized step needs at least one).
${input.quick ? "**--quick run: small samples.** " : ""}Section time ${input.seconds.toFixed(0)} s; load ${input.load}.

### One run at a time (${seq.length} runs, ${STEPS} steps each)

${table(["", "p50 ms", "p99 ms", "× floor p50"], rows, ["l", "r", "r", "r"])}

### Concurrent runs

${table(
  [
    "Runs at once",
    "Workspaces",
    "Wall time",
    "Runs/s",
    "Steps/s",
    "Run p50 ms",
    "Run p99 ms",
    "Overhead/step p50 ms",
    "ms per step ÷ floor",
  ],
  batchRows,
  ["r", "r", "r", "r", "r", "r", "r", "r", "r"],
)}

**Reading it.** Sequentially one run takes ${ms(p50(total))} ms (${rate(seqRate)} runs/s); each step costs
${ms(p50(over))} ms beyond its model call, ${ratio(p50(over) / floorP50)} a bare commit: a step is an engine → app HTTP
call plus several transactions (run lock and deadline check, the step row, the state patch, the usage ledger, the
run's events, the ledger claim and completion for a tool). Concurrency amortizes that waiting: the last column is
the wall time per completed step at that load over the floor — how close the whole machine (${os.cpus().length} cores
shared by the engine, the web server and PostgreSQL) gets to one commit per step.`;
}
