// Engine benchmark: per-step cost of Holdfast's engine (with and without checkpointing) against DBOS Transact
// and a bare PostgreSQL commit of one step row, all in one run on one cluster. `tsx bench/engine.ts` prints the
// markdown section (`npm run bench -- --only engine` writes it to docs/benchmarks.md).
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DBOS } from "@dbos-inc/dbos-sdk";
import pg from "pg";
import { ensureDatabase, startEmbeddedPostgres } from "../lib/platform/embedded-postgres.ts";
import { senderClient } from "../tests/engine-support/harness.ts";
import { startEngineProcess, startFixtureServer } from "../tests/engine-support/processes.ts";
import { freePort } from "../tests/helpers/app-server.ts";
import { defer } from "./lib/cleanup.ts";
import { machineCpuMs, treeCpuMs } from "./lib/cpu.ts";
import { table } from "./lib/doc.ts";
import { progress } from "./lib/progress.ts";

const SIZES = [1, 50, 500] as const;
type Size = (typeof SIZES)[number];
/** Rounds per size; each round times one engine run, one DBOS run and a batch of bare commits, back to back. */
const ROUNDS: Record<Size, number> = { 1: 100, 50: 40, 500: 15 };
const QUICK_ROUNDS: Record<Size, number> = { 1: 10, 50: 3, 500: 1 };
const PLAIN_RUNS: Record<Size, number> = { 1: 30, 50: 3, 500: 1 };
const BARE_BATCH = 50;

type Cluster = { adminUrl: string; postmasterPid: number; stop: () => Promise<void> };

async function startCluster(): Promise<Cluster> {
  if (process.env.DATABASE_URL) {
    const url = new URL(process.env.DATABASE_URL);
    url.pathname = "/postgres";
    return { adminUrl: url.toString(), postmasterPid: 0, stop: async () => {} };
  }
  const dataDir = path.join(process.cwd(), ".holdfast", "bench-pg");
  const server = await startEmbeddedPostgres({
    dataDir,
    port: process.env.BENCH_PG_PORT ? Number(process.env.BENCH_PG_PORT) : await freePort(),
    log: progress,
  });
  const postmasterPid = Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]);
  return { adminUrl: server.adminUrl, postmasterPid, stop: server.stop };
}

async function settings(databaseUrl: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  const { rows } = await client.query<{ name: string; setting: string }>(
    `SELECT name, setting FROM pg_settings
      WHERE name IN ('server_version', 'fsync', 'synchronous_commit', 'wal_sync_method', 'full_page_writes')`,
  );
  await client.end();
  return Object.fromEntries(rows.map((row) => [row.name, row.setting]));
}

/**
 * The physical floor: autocommitted INSERTs of a step row, one at a time (what memoizing a step must cost). Like
 * the engine's checkpoint it is a named statement (neither side pays for planning on every commit), and its row is
 * shaped like the engine's: a run id as long as a ULID and a step id as long as the SDK's SHA-1 step hash.
 */
class BareCommit {
  private next = 0;
  private constructor(private readonly client: pg.Client) {}

  static async open(databaseUrl: string): Promise<BareCommit> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    await client.query(
      "CREATE TABLE bench_steps (run_id text, step_id text, result json, PRIMARY KEY (run_id, step_id))",
    );
    const bare = new BareCommit(client);
    await bare.perCommitMs(); // warm-up
    return bare;
  }

  async perCommitMs(): Promise<number> {
    const stepIds = Array.from({ length: BARE_BATCH }, () =>
      createHash("sha1")
        .update(`s${this.next++}`)
        .digest("hex"),
    );
    const started = performance.now();
    for (const stepId of stepIds) {
      await this.client.query({
        name: "bench.bare-commit",
        text: "INSERT INTO bench_steps VALUES ('01KBENCHRUN000000000000000', $1, '{\"data\":1}')",
        values: [stepId],
      });
    }
    return (performance.now() - started) / BARE_BATCH;
  }

  close(): Promise<void> {
    return this.client.end();
  }
}

/**
 * The Holdfast engine and the fixture app (real SDK) as separate processes, with production settings. A run is
 * timed as a client sees it: from `inngest.send()` until the notification that its run ended, which a trigger
 * installed by the bench sends from the engine's completing transaction, so the time includes the event API,
 * every call and checkpoint, and the final commit.
 */
class EngineUnderTest {
  private readonly ended = new Map<string, { at: number; status: string }>();
  private readonly waiting = new Map<string, () => void>();

  private constructor(
    listener: pg.Client,
    private readonly client: ReturnType<typeof senderClient>,
    readonly pids: number[],
    readonly stop: () => Promise<void>,
  ) {
    listener.on("notification", (message) => {
      const [eventId = "", status = ""] = (message.payload ?? "").split(" ");
      this.ended.set(eventId, { at: performance.now(), status });
      this.waiting.get(eventId)?.();
    });
  }

  static async start(databaseUrl: string): Promise<EngineUnderTest> {
    const enginePort = await freePort();
    const fixturePort = await freePort();
    const engineUrl = `http://127.0.0.1:${enginePort}`;
    const engine = await startEngineProcess({
      databaseUrl,
      port: enginePort,
      appServeUrl: `http://127.0.0.1:${fixturePort}/api/inngest`,
      // Production defaults, not the test harness's short intervals.
      env: {
        HOLDFAST_ENGINE_LOG_LEVEL: "error",
        HOLDFAST_ENGINE_POLL_MS: "100",
        HOLDFAST_ENGINE_LEASE_MS: "30000",
        HOLDFAST_ENGINE_RETRY_BASE_MS: "1000",
        HOLDFAST_ENGINE_RETRY_CAP_MS: "600000",
      },
    });
    const stopEngine = defer("bench engine", () => engine.stop());
    const fixture = await startFixtureServer({ databaseUrl, port: fixturePort, engineUrl, set: "bench" });
    const stopFixture = defer("bench fixture app", () => fixture.stop());
    const listener = new pg.Client({ connectionString: databaseUrl });
    await listener.connect();
    for (;;) {
      const { rows } = await listener.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM engine.functions WHERE app_id = 'fixture-bench'",
      );
      if (rows[0]?.n === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await listener.query(`
      CREATE OR REPLACE FUNCTION public.bench_run_ended() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN PERFORM pg_notify('bench_run_ended', NEW.event_id || ' ' || NEW.status); RETURN NULL; END $$;
      CREATE OR REPLACE TRIGGER bench_run_ended AFTER UPDATE OF status ON engine.runs FOR EACH ROW
        WHEN (NEW.status IN ('completed', 'failed', 'cancelled') AND NEW.event_id IS NOT NULL)
        EXECUTE FUNCTION public.bench_run_ended();
      LISTEN bench_run_ended;`);
    const pids = [engine.child.pid, fixture.child.pid].filter((pid): pid is number => pid !== undefined);
    return new EngineUnderTest(listener, senderClient(engineUrl), pids, async () => {
      await listener.end();
      await stopFixture();
      await stopEngine();
    });
  }

  /** Milliseconds from send to the end of the run. */
  async run(mode: "checkpointed" | "plain", steps: number): Promise<number> {
    const started = performance.now();
    const { ids } = await this.client.send({ name: `bench/${mode}`, data: { steps } });
    const eventId = ids[0] ?? "";
    if (!this.ended.has(eventId)) {
      await new Promise<void>((resolve) => this.waiting.set(eventId, resolve));
      this.waiting.delete(eventId);
    }
    const end = this.ended.get(eventId);
    this.ended.delete(eventId);
    if (end?.status !== "completed") throw new Error(`bench run ${eventId} ended ${end?.status}`);
    return end.at - started;
  }
}

/** DBOS Transact in this process, on the same database; a workflow is timed around its call. */
async function startDbos(
  databaseUrl: string,
): Promise<{ run: (steps: number) => Promise<number>; stop: () => Promise<void> }> {
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
  const stop = defer("DBOS", () => DBOS.shutdown());
  const run = async (steps: number) => {
    const started = performance.now();
    await workflow(steps);
    return performance.now() - started;
  };
  return { run, stop };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const fmt = (n: number, digits = 2) => (Number.isFinite(n) ? n.toFixed(digits) : "–");
const perSecond = (perStepMs: number) => fmt(1000 / perStepMs, 0);

/** Medians over the rounds; the ratios are medians of the per-round ratios (paired, so drifting load cancels). */
type Row = { steps: Size; engine: number; dbos: number; bare: number; toBare: number; toDbos: number };

export async function runEngineBench(options: { quick?: boolean } = {}): Promise<string> {
  const quick = options.quick || process.env.HOLDFAST_BENCH_QUICK === "1";
  const rounds = quick ? QUICK_ROUNDS : ROUNDS;
  const cluster = await startCluster();
  const stopCluster = defer("bench PostgreSQL", cluster.stop);
  const name = `engine_bench_${process.pid}`;
  const databaseUrl = await ensureDatabase(cluster.adminUrl, name);
  const dropDatabase = defer("bench database", async () => {
    const admin = new pg.Client({ connectionString: cluster.adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  });
  try {
    const pgSettings = await settings(databaseUrl);
    const bare = await BareCommit.open(databaseUrl);
    const engine = await EngineUnderTest.start(databaseUrl);
    const dbos = await startDbos(databaseUrl);
    const cpu = { machine: machineCpuMs(), ours: ourCpuMs(cluster.postmasterPid, engine.pids) };
    const wallStarted = performance.now();

    // Interleaved: every round times the three back to back (order rotating), so that load from elsewhere on the
    // machine falls on all three alike. Per-step figures are medians over the rounds.
    const rows: Row[] = [];
    for (const steps of SIZES) {
      progress(`engine bench: ${steps}-step functions, ${rounds[steps]} rounds`);
      await engine.run("checkpointed", steps); // warm-up
      await dbos.run(steps);
      const samples = { engine: [] as number[], dbos: [] as number[], bare: [] as number[] };
      for (let r = 0; r < rounds[steps]; r++) {
        const tasks = [
          async () => samples.engine.push((await engine.run("checkpointed", steps)) / steps),
          async () => samples.dbos.push((await dbos.run(steps)) / steps),
          async () => samples.bare.push(await bare.perCommitMs()),
        ];
        for (let t = 0; t < tasks.length; t++) await tasks[(t + r) % tasks.length]?.();
      }
      rows.push({
        steps,
        engine: median(samples.engine),
        dbos: median(samples.dbos),
        bare: median(samples.bare),
        toBare: median(samples.engine.map((e, r) => e / (samples.bare[r] as number))),
        toDbos: median(samples.engine.map((e, r) => e / (samples.dbos[r] as number))),
      });
    }
    const wallMs = performance.now() - wallStarted;
    const machineBusy = machineCpuMs().busy - cpu.machine.busy;
    const oursUsed = ourCpuMs(cluster.postmasterPid, engine.pids) - cpu.ours;
    const otherCores = Math.max(0, machineBusy - oursUsed) / wallMs;

    // Without checkpointing every step is its own call that replays the memoized ones: shown for scale only.
    const plain: Partial<Record<Size, number>> = {};
    for (const steps of quick ? SIZES.filter((s) => s < 500) : SIZES) {
      const runs = quick ? 1 : PLAIN_RUNS[steps];
      progress(`engine bench: ${steps}-step functions without checkpointing, ${runs} runs`);
      await engine.run("plain", steps);
      const times: number[] = [];
      for (let r = 0; r < runs; r++) times.push((await engine.run("plain", steps)) / steps);
      plain[steps] = median(times);
    }

    await dbos.stop();
    await engine.stop();
    await bare.close();
    return render(rows, plain, pgSettings, otherCores, rounds, quick);
  } finally {
    await dropDatabase().catch(() => {});
    await stopCluster();
  }
}

/** CPU used by the processes under test: PostgreSQL, the engine, the fixture app and this process (DBOS). */
function ourCpuMs(postmasterPid: number, pids: number[]): number {
  const self = process.cpuUsage();
  return (
    (postmasterPid ? treeCpuMs(postmasterPid) : 0) +
    pids.reduce((sum, pid) => sum + treeCpuMs(pid), 0) +
    (self.user + self.system) / 1000
  );
}

function render(
  rows: Row[],
  plain: Partial<Record<Size, number>>,
  pgSettings: Record<string, string>,
  otherCores: number,
  rounds: Record<Size, number>,
  quick: boolean,
): string {
  const cpu = os.cpus();
  const row1 = rows.find((r) => r.steps === 1);
  const row500 = rows.find((r) => r.steps === 500);
  const row50 = rows.find((r) => r.steps === 50);
  // The marginal cost of one more step: the slope between the 50- and 500-step runs (fixed costs cancel out).
  const marginal = (pick: (r: Row) => number) =>
    row500 && row50 ? (pick(row500) * 500 - pick(row50) * 50) / 450 : Number.NaN;
  const bareAll = median(rows.map((r) => r.bare));
  const tableRows = rows.map((r) => [
    String(r.steps),
    `${fmt(r.engine)} ms (${perSecond(r.engine)}/s)`,
    `${fmt(plain[r.steps] ?? Number.NaN)} ms`,
    `${fmt(r.dbos)} ms (${perSecond(r.dbos)}/s)`,
    `${fmt(r.bare, 3)} ms`,
    `${fmt(r.toBare, 1)}×`,
    `${fmt(r.toDbos, 2)}×`,
  ]);
  tableRows.push([
    "marginal step (50→500)",
    `${fmt(marginal((r) => r.engine))} ms`,
    "",
    `${fmt(marginal((r) => r.dbos))} ms`,
    `${fmt(bareAll, 3)} ms`,
    `${fmt(marginal((r) => r.engine) / bareAll, 1)}×`,
    `${fmt(marginal((r) => r.engine) / marginal((r) => r.dbos), 2)}×`,
  ]);
  // The target, judged on the marginal step: per-step overhead once the run's fixed costs are spread (a
  // 1-step run is its fixed costs, ~35× the bare commit here and ~15× for DBOS; docs/engine.md).
  const marginalToBare = marginal((r) => r.engine) / bareAll;
  const marginalToDbos = marginal((r) => r.engine) / marginal((r) => r.dbos);
  const verdict = (met: boolean) => (met ? "met" : "**not met**");
  const target =
    `Target (per-step overhead within 3× of the bare commit with checkpointing on, and faster than DBOS): ` +
    `the marginal step is ${fmt(marginalToBare, 2)}× the bare commit (${verdict(marginalToBare <= 3)}) and ` +
    `${fmt(marginalToDbos, 2)}× DBOS (${verdict(marginalToDbos < 1)}). Outside the target, a run's fixed cost: ` +
    `a whole 1-step run takes ${fmt(row1?.toDbos ?? Number.NaN, 2)}× as long as DBOS's.`;
  const contention =
    otherCores >= 0.25
      ? `> ⚠ **Shared machine:** other processes used ${otherCores.toFixed(2)} of ${cpu.length} cores on average during ` +
        "the interleaved rounds; all three contenders ran under the same contention, so the ratios hold better than " +
        "the absolute times.\n\n"
      : "";
  return [
    "## Durable execution engine",
    "",
    `${contention}Machine: ${cpu.length} × ${cpu[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB RAM, Node ${process.version}, PostgreSQL ${pgSettings.server_version ?? "?"} (fsync=${pgSettings.fsync}, synchronous_commit=${pgSettings.synchronous_commit}, wal_sync_method=${pgSettings.wal_sync_method}, full_page_writes=${pgSettings.full_page_writes}); everything on this one machine over loopback TCP${quick ? " (--quick run)" : ""}.`,
    "",
    "Method: a function of N steps that do nothing (`step.run` returning a number), so the time is the cost of",
    "durable execution itself. All three contenders use the same PostgreSQL cluster and database in the same run,",
    "with the cluster's settings above; none of them changes `synchronous_commit`, so every commit waits for its",
    "WAL flush. **Holdfast engine**: the engine and the fixture app (the real SDK, inngest 4.24.0, checkpointing on)",
    "as separate processes over HTTP, with production settings; a run is timed from `inngest.send()` until the",
    "engine's completing transaction has committed (a notification from a trigger the bench installs), so it",
    "includes the event API, every call and checkpoint, and the final commit. **DBOS Transact**",
    "(@dbos-inc/dbos-sdk, embedded in the bench process): the same workflow with `DBOS.runStep`, timed around the",
    "workflow call. **Bare commit**: one autocommitted INSERT of a step row shaped like the engine's (ULID-long run",
    "id, SHA-1-long step id), as a named statement planned once like the engine's checkpoint statement,",
    `${BARE_BATCH} in a row, timed per commit.`,
    `The three are timed back to back in each round (order rotating), ${rounds[1]}/${rounds[50]}/${rounds[500]} rounds for`,
    "1/50/500 steps after one warm-up run each; each time is the median over the rounds, and each ratio is the",
    "median of the per-round ratios (engine against the bare commit and DBOS measured in the same round).",
    "",
    table(
      [
        "steps",
        "engine, checkpointing (per step)",
        "engine, no checkpointing",
        "DBOS Transact",
        "bare commit",
        "engine ÷ bare commit",
        "engine ÷ DBOS",
      ],
      tableRows,
      ["l", "r", "r", "r", "r", "r", "r"],
    ),
    "",
    "Per-step time includes the run's fixed costs (event API, first call, completion) divided by its steps, which",
    "is why the 1-step row is highest; the last row is the slope between 50 and 500 steps, the cost of one more",
    "step once fixed costs are spread out. One checkpoint costs at least one synchronous commit (the floor) plus",
    "the SDK's HTTP request to the engine and the engine's answer; the SDK runs the next step only after that answer.",
    `"No checkpointing" is the same function with \`checkpointing: false\` (one call per step, each replaying the`,
    `memoized steps): ${PLAIN_RUNS[1]}/${PLAIN_RUNS[50]}/${PLAIN_RUNS[500]} runs after the interleaved rounds, for scale only.`,
    "",
    target,
    "",
  ].join("\n");
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
