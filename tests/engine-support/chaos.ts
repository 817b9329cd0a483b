import { setTimeout as delay } from "node:timers/promises";
import type pg from "pg";
import { waitFor } from "./harness.ts";
import type { Stack } from "./stack.ts";

// The crash experiment shared by the chaos tests: many runs of the 30-step function, `kill -9` of one process
// at seeded random moments, then the invariants checked from the database.

/** mulberry32: small, seedable, good enough to schedule kills reproducibly. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function chaosSeed(): number {
  const fromEnv = process.env.ENGINE_CHAOS_SEED;
  return fromEnv ? Number(fromEnv) : Math.floor(Math.random() * 2 ** 31);
}

export type ChaosReport = {
  runs: number;
  kills: number;
  executions: number;
  interrupted: number;
  reExecutedBeforeAck: number;
  afterAck: number;
  memoizedWithoutExecution: number;
  wrongOutputs: number;
  notCompleted: number;
};

export async function runCrashExperiment(
  stack: Stack,
  options: { target: "engine" | "fixture"; kills: number; seed: number },
): Promise<ChaosReport> {
  const random = seededRandom(options.seed);
  let n = 0;
  const sendBatch = async (count: number) => {
    const events = Array.from({ length: count }, () => ({ name: "test/thirty", data: { n: ++n } }));
    await stack.send(events);
  };
  await sendBatch(12);
  for (let kill = 0; kill < options.kills; kill++) {
    // The seeded schedule decides when each kill lands.
    await delay(100 + Math.floor(random() * 500));
    if (options.target === "engine") await stack.restartEngine("kill9");
    else await stack.restartFixture();
    if (kill % 2 === 0) {
      // Sent through whichever engine is up; the SDK retries while it restarts.
      await sendBatch(3);
    }
  }
  const total = n;
  await waitFor(
    "all chaos runs to complete",
    async () => {
      const { rows } = await stack.pool.query<{ done: number; all: number }>(
        `SELECT count(*) FILTER (WHERE status IN ('completed', 'failed', 'cancelled'))::int AS done, count(*)::int AS all
           FROM engine.runs WHERE function_id = 'fixture-thirty'`,
      );
      return rows[0]?.all === total && rows[0].done === total ? true : undefined;
    },
    180_000,
  );
  return collectReport(stack.pool, options.kills);
}

async function collectReport(pool: pg.Pool, kills: number): Promise<ChaosReport> {
  const runs = await pool.query<{ id: string; status: string; output: { n: number; outputs: string[] } | null }>(
    "SELECT id, status, output FROM engine.runs WHERE function_id = 'fixture-thirty'",
  );
  let wrongOutputs = 0;
  let notCompleted = 0;
  for (const run of runs.rows) {
    if (run.status !== "completed") {
      notCompleted++;
      continue;
    }
    const n = run.output?.n;
    const expected = Array.from({ length: 30 }, (_, i) => `${n}:${i}`);
    if (JSON.stringify(run.output?.outputs) !== JSON.stringify(expected)) wrongOutputs++;
  }
  // Per (run, step): body executions, how many never reached their end (interrupted), how many began after the
  // step's result was memoized (must be zero), and whether a complete execution exists.
  const { rows } = await pool.query<{ executions: number; interrupted: number; after_ack: number; missing: number }>(
    `WITH execs AS (
       SELECT s.run_id, s.step, s.at AS started,
              EXISTS (SELECT 1 FROM fixture_exec e WHERE e.exec_id = s.exec_id AND e.phase = 'end') AS finished
         FROM fixture_exec s WHERE s.fn = 'thirty' AND s.phase = 'start'),
     memo AS (
       SELECT st.run_id, st.name AS step, st.created_at AS memoized_at
         FROM engine.steps st JOIN engine.runs r ON r.id = st.run_id WHERE r.function_id = 'fixture-thirty')
     SELECT (SELECT count(*) FROM execs)::int AS executions,
            (SELECT count(*) FROM execs WHERE NOT finished)::int AS interrupted,
            (SELECT count(*) FROM execs e JOIN memo m USING (run_id, step) WHERE e.started > m.memoized_at)::int AS after_ack,
            (SELECT count(*) FROM memo m WHERE NOT EXISTS (
               SELECT 1 FROM execs e WHERE e.run_id = m.run_id AND e.step = m.step AND e.finished
                  AND e.started <= m.memoized_at))::int AS missing`,
  );
  const perStep = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM (
       SELECT run_id, step FROM fixture_exec WHERE fn = 'thirty' AND phase = 'start' GROUP BY run_id, step
       HAVING count(*) > 1) x`,
  );
  const stats = rows[0];
  return {
    runs: runs.rowCount ?? 0,
    kills,
    executions: stats?.executions ?? 0,
    interrupted: stats?.interrupted ?? 0,
    reExecutedBeforeAck: perStep.rows[0]?.n ?? 0,
    afterAck: stats?.after_ack ?? 0,
    memoizedWithoutExecution: stats?.missing ?? 0,
    wrongOutputs,
    notCompleted,
  };
}
