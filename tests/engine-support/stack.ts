import type pg from "pg";
import { inject } from "vitest";
import { freePort } from "../helpers/app-server.ts";
import { createTestDatabase } from "../helpers/database.ts";
import { FIXTURE_TABLE, newPool, senderClient } from "./harness.ts";
import { type Proc, startEngineProcess, startFixtureServer } from "./processes.ts";

export type Stack = {
  databaseUrl: string;
  pool: pg.Pool;
  engine: Proc;
  fixture: Proc;
  engineUrl: string;
  serveUrl: string;
  send: ReturnType<typeof senderClient>["send"];
  restartEngine: (how: "kill9" | "stop") => Promise<void>;
  restartFixture: () => Promise<void>;
  stop: () => Promise<void>;
};

/** A fresh database, the engine and the main fixture app as real processes; the engine syncs the app. */
export async function startStack(dbName: string, engineEnv: Record<string, string> = {}): Promise<Stack> {
  const databaseUrl = await createTestDatabase(inject("pgAdminUrl"), dbName);
  const pool = newPool(databaseUrl);
  await pool.query(FIXTURE_TABLE);
  const enginePort = await freePort();
  const fixturePort = await freePort();
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const serveUrl = `http://127.0.0.1:${fixturePort}/api/inngest`;
  const stack = {} as Stack;
  // The engine starts first and keeps retrying the sync until the app is up, as in production.
  stack.engine = await startEngineProcess({ databaseUrl, port: enginePort, appServeUrl: serveUrl, env: engineEnv });
  stack.fixture = await startFixtureServer({ databaseUrl, port: fixturePort, engineUrl });
  const client = senderClient(engineUrl);
  Object.assign(stack, {
    databaseUrl,
    pool,
    engineUrl,
    serveUrl,
    send: client.send.bind(client),
    restartEngine: async (how: "kill9" | "stop") => {
      await (how === "kill9" ? stack.engine.kill9() : stack.engine.stop());
      stack.engine = await startEngineProcess({ databaseUrl, port: enginePort, env: engineEnv });
    },
    restartFixture: async () => {
      await stack.fixture.kill9();
      stack.fixture = await startFixtureServer({ databaseUrl, port: fixturePort, engineUrl });
    },
    stop: async () => {
      await stack.fixture.stop();
      await stack.engine.stop();
      await pool.end();
    },
  });
  // Synced once the fixture's functions are in the engine's table.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { rows } = await pool
      .query("SELECT count(*)::int AS n FROM engine.functions WHERE app_id = 'fixture'")
      .catch(() => ({ rows: [{ n: 0 }] }));
    if (rows[0]?.n > 0) break;
    if (Date.now() > deadline) throw new Error(`the engine did not sync the fixture app:\n${stack.engine.output()}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return stack;
}
