// Engine benchmark: per-step cost of Holdfast's engine (with and without checkpointing) against DBOS Transact
// and a bare PostgreSQL commit of one step row. `tsx bench/engine.ts` prints the markdown section.
import { cpus, totalmem } from "node:os";
import path from "node:path";
import { DBOS } from "@dbos-inc/dbos-sdk";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres } from "../lib/platform/embedded-postgres.ts";
import { senderClient } from "../tests/engine-support/harness.ts";
import { startEngineProcess, startFixtureServer } from "../tests/engine-support/processes.ts";
import { freePort } from "../tests/helpers/app-server.ts";

const SIZES = [1, 50, 500] as const;
const RUNS: Record<number, number> = { 1: 30, 50: 6, 500: 2 };
const PLAIN_RUNS: Record<number, number> = { 1: 30, 50: 3, 500: 1 };

type Measure = { perStepMs: number; stepsPerSecond: number; runs: number };

async function withDatabase<T>(work: (databaseUrl: string) => Promise<T>): Promise<T> {
  let adminUrl: string;
  let stop = async () => {};
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = "/postgres";
    adminUrl = url.toString();
  } else {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(process.cwd(), ".holdfast", "bench-pg"),
      port: process.env.BENCH_PG_PORT ? Number(process.env.BENCH_PG_PORT) : await freePort(),
    });
    adminUrl = server.adminUrl;
    stop = server.stop;
  }
  const name = `engine_bench_${process.pid}`;
  const databaseUrl = await ensureDatabase(adminUrl, name);
  try {
    return await work(databaseUrl);
  } finally {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
    await stop();
  }
}

/** The physical floor: one autocommitted INSERT of a step row (what memoizing a step must at least cost). */
async function measureBareCommit(databaseUrl: string): Promise<Measure> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  await client.query(
    "CREATE TABLE bench_steps (run_id text, step_id text, result json, PRIMARY KEY (run_id, step_id))",
  );
  const count = 500;
  for (let i = 0; i < 20; i++)
    await client.query("INSERT INTO bench_steps VALUES ('warm', $1, '{\"data\":1}')", [`w${i}`]);
  const started = performance.now();
  for (let i = 0; i < count; i++)
    await client.query("INSERT INTO bench_steps VALUES ('r', $1, '{\"data\":1}')", [`s${i}`]);
  const elapsed = performance.now() - started;
  await client.end();
  return { perStepMs: elapsed / count, stepsPerSecond: (count * 1000) / elapsed, runs: count };
}

async function measureEngine(databaseUrl: string): Promise<Record<string, Measure>> {
  const enginePort = await freePort();
  const fixturePort = await freePort();
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const engine = await startEngineProcess({
    databaseUrl,
    port: enginePort,
    appServeUrl: `http://127.0.0.1:${fixturePort}/api/inngest`,
    env: { HOLDFAST_ENGINE_LOG_LEVEL: "error" },
  });
  const fixture = await startFixtureServer({ databaseUrl, port: fixturePort, engineUrl, set: "bench" });
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
  const client = senderClient(engineUrl);
  try {
    for (;;) {
      const { rows } = await pool.query(
        "SELECT count(*)::int AS n FROM engine.functions WHERE app_id = 'fixture-bench'",
      );
      if (rows[0]?.n === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const results: Record<string, Measure> = {};
    for (const mode of ["checkpointed", "plain"] as const) {
      for (const steps of SIZES) {
        const runs = (mode === "checkpointed" ? RUNS : PLAIN_RUNS)[steps] ?? 1;
        await runOne(client, pool, mode, steps); // warm-up
        let total = 0;
        for (let r = 0; r < runs; r++) total += await runOne(client, pool, mode, steps);
        results[`${mode}-${steps}`] = {
          perStepMs: total / (runs * steps),
          stepsPerSecond: (runs * steps * 1000) / total,
          runs,
        };
      }
    }
    return results;
  } finally {
    await pool.end();
    await fixture.stop();
    await engine.stop();
  }
}

/** One run, sequentially; its duration is taken from the engine's own timestamps (run created → run ended). */
async function runOne(
  client: ReturnType<typeof senderClient>,
  pool: pg.Pool,
  mode: "checkpointed" | "plain",
  steps: number,
): Promise<number> {
  const { ids } = await client.send({ name: `bench/${mode}`, data: { steps } });
  for (;;) {
    const { rows } = await pool.query<{ status: string; ms: number }>(
      "SELECT status, extract(epoch FROM ended_at - created_at) * 1000 AS ms FROM engine.runs WHERE event_id = $1",
      [ids[0]],
    );
    const run = rows[0];
    if (run && run.status === "completed") return Number(run.ms);
    if (run && run.status !== "running" && run.status !== "queued") throw new Error(`bench run ${run.status}`);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

async function measureDbos(databaseUrl: string): Promise<Record<string, Measure>> {
  DBOS.setConfig({ name: "holdfast-bench", systemDatabaseUrl: databaseUrl, logLevel: "error" });
  const workflow = DBOS.registerWorkflow(
    async (steps: number) => {
      let last = 0;
      for (let i = 0; i < steps; i++) last = await DBOS.runStep(async () => i, { name: `s${i}` });
      return last;
    },
    { name: "bench-steps" },
  );
  await DBOS.launch();
  try {
    const results: Record<string, Measure> = {};
    for (const steps of SIZES) {
      const runs = RUNS[steps] ?? 1;
      await workflow(steps);
      const started = performance.now();
      for (let r = 0; r < runs; r++) await workflow(steps);
      const total = performance.now() - started;
      results[`dbos-${steps}`] = {
        perStepMs: total / (runs * steps),
        stepsPerSecond: (runs * steps * 1000) / total,
        runs,
      };
    }
    return results;
  } finally {
    await DBOS.shutdown();
  }
}

async function describeMachine(databaseUrl: string): Promise<string> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const version = (await client.query<{ v: string }>("SELECT current_setting('server_version') AS v")).rows[0]?.v;
  const fsync = (await client.query<{ v: string }>("SHOW fsync")).rows[0]?.v;
  const sync = (await client.query<{ v: string }>("SHOW synchronous_commit")).rows[0]?.v;
  await client.end();
  const cpu = cpus();
  return `${cpu.length} × ${cpu[0]?.model ?? "cpu"}, ${Math.round(totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, PostgreSQL ${version} (fsync=${fsync}, synchronous_commit=${sync}), all on one machine over loopback`;
}

const fmt = (n: number | undefined, digits = 2) => (n === undefined ? "–" : n.toFixed(digits));

export async function runEngineBench(): Promise<string> {
  return withDatabase(async (databaseUrl) => {
    const machine = await describeMachine(databaseUrl);
    const bare = await measureBareCommit(databaseUrl);
    const engine = await measureEngine(databaseUrl);
    const dbos = await measureDbos(databaseUrl);
    const rows = SIZES.map((steps) => {
      const cp = engine[`checkpointed-${steps}`];
      const plain = engine[`plain-${steps}`];
      const peer = dbos[`dbos-${steps}`];
      return `| ${steps} | ${fmt(cp?.perStepMs)} ms (${fmt(cp?.stepsPerSecond, 0)}/s) | ${fmt(plain?.perStepMs)} ms (${fmt(plain?.stepsPerSecond, 0)}/s) | ${fmt(peer?.perStepMs)} ms (${fmt(peer?.stepsPerSecond, 0)}/s) | ${fmt((cp?.perStepMs ?? 0) / bare.perStepMs, 1)}× | ${fmt((cp?.perStepMs ?? 0) / (peer?.perStepMs ?? 1), 2)}× |`;
    });
    return [
      "## Durable execution engine",
      "",
      `Machine: ${machine}.`,
      "",
      "Method: one run at a time of a function whose steps do nothing (`step.run` returning a number), so the time is",
      "the per-step cost of durability. Holdfast engine: the real engine and the real SDK (inngest 4.24.0) in separate",
      "processes over HTTP; a run's time is its engine timestamps, created → ended (it includes the event-to-run",
      'hand-off and every call and checkpoint). "Plain" is the same function with `checkpointing: false` (one call',
      "per step, each replaying the memoized steps). DBOS Transact (@dbos-inc/dbos-sdk, in-process, same PostgreSQL):",
      "the same workflow with `DBOS.runStep`, timed around the workflow call. Bare commit: one autocommitted INSERT of",
      `a step row, ${bare.runs} in a row: ${fmt(bare.perStepMs, 3)} ms per commit (${fmt(bare.stepsPerSecond, 0)}/s).`,
      "Runs per size (checkpointed/DBOS): 30, 6, 2; plain: 30, 3, 1; one warm-up run each not counted.",
      "",
      "| steps | engine, checkpointing | engine, no checkpointing | DBOS Transact | engine (checkpointing) ÷ bare commit | engine (checkpointing) ÷ DBOS |",
      "|---|---|---|---|---|---|",
      ...rows,
      "",
      "Per-step time includes the whole run's fixed costs divided by its steps, which is why the 1-step row is highest.",
      "",
    ].join("\n");
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  runEngineBench().then(
    (markdown) => {
      process.stdout.write(`${markdown}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
      process.exit(1);
    },
  );
}
