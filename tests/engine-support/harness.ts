import { Inngest } from "inngest";
import pg from "pg";
import { hashedSigningKey } from "../../engine/protocol/signing.ts";
import { cacheRequestInvariants, engineFetch } from "../../inngest/transport.ts";
import { TEST_EVENT_KEY, TEST_SIGNING_KEY } from "./processes.ts";

// Helpers shared by the engine contract and chaos tests.

export const FIXTURE_TABLE = `CREATE TABLE IF NOT EXISTS fixture_exec (
  id bigserial PRIMARY KEY, run_id text NOT NULL, fn text NOT NULL, step text NOT NULL, exec_id text NOT NULL,
  phase text NOT NULL, attempt integer NOT NULL, info json, at timestamptz NOT NULL DEFAULT clock_timestamp())`;

/** Polls `check` until it returns a value (not undefined) or the deadline passes. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      last = error;
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${(last as Error).message})` : ""}`);
}

/** A client like the app's: cloud mode and the app's transport, sending to the engine's event API. */
export function senderClient(engineUrl: string) {
  return cacheRequestInvariants(
    new Inngest({
      id: "test-sender",
      isDev: false,
      signingKey: TEST_SIGNING_KEY,
      eventKey: TEST_EVENT_KEY,
      baseUrl: engineUrl,
      fetch: engineFetch,
      logger: { info: () => {}, warn: () => {}, error: () => {}, debug: () => {} },
    }),
  );
}

export const bearer = () => ({ authorization: `Bearer ${hashedSigningKey(TEST_SIGNING_KEY)}` });

export type RunRow = {
  id: string;
  function_id: string;
  status: string;
  output: unknown;
  error: unknown;
  event_id: string | null;
};

export function engineQueries(pool: pg.Pool) {
  return {
    runsForEvent: async (eventId: string) =>
      (
        await pool.query<RunRow>(
          "SELECT id, function_id, status, output, error, event_id FROM engine.runs WHERE event_id = $1",
          [eventId],
        )
      ).rows,
    run: async (runId: string) =>
      (
        await pool.query<RunRow>(
          "SELECT id, function_id, status, output, error, event_id FROM engine.runs WHERE id = $1",
          [runId],
        )
      ).rows[0],
    runsOf: async (functionId: string) =>
      (
        await pool.query<RunRow>(
          "SELECT id, function_id, status, output, error, event_id FROM engine.runs WHERE function_id = $1 ORDER BY created_at",
          [functionId],
        )
      ).rows,
    execs: async (runId: string) =>
      (
        await pool.query<{ step: string; phase: string; attempt: number; exec_id: string; info: unknown; at: Date }>(
          "SELECT step, phase, attempt, exec_id, info, at FROM fixture_exec WHERE run_id = $1 ORDER BY id",
          [runId],
        )
      ).rows,
    pending: async (runId: string) =>
      (
        await pool.query<{ kind: string; step_id: string }>(
          "SELECT kind, step_id FROM engine.queue WHERE run_id = $1",
          [runId],
        )
      ).rows,
  };
}

/** Waits for the one run an event started to reach a terminal status. */
export async function finishedRun(pool: pg.Pool, eventId: string, timeoutMs = 20_000): Promise<RunRow> {
  const q = engineQueries(pool);
  return waitFor(
    `the run of event ${eventId} to finish`,
    async () => {
      const [run] = await q.runsForEvent(eventId);
      return run && ["completed", "failed", "cancelled"].includes(run.status) ? run : undefined;
    },
    timeoutMs,
  );
}

export function newPool(databaseUrl: string): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  pool.on("error", () => {});
  return pool;
}
