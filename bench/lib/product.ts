import { bearer } from "@/tests/engine-support/harness";
import { type Proc, startEngineProcess, TEST_EVENT_KEY, TEST_SIGNING_KEY } from "@/tests/engine-support/processes";
import { freePort } from "@/tests/helpers/app-server";
import { defer } from "./cleanup";
import { type BenchServer, startServer } from "./server";

/**
 * The engine's production timings (engine/config.ts defaults, what `npm start` runs). `startEngineProcess` sets
 * test timings (50 ms poll, 3 s lease, 50 ms retry base), which the benchmark must not measure.
 */
export const ENGINE_PRODUCTION_ENV = {
  HOLDFAST_ENGINE_WORKERS: "32",
  HOLDFAST_ENGINE_DB_POOL: "20",
  HOLDFAST_ENGINE_POLL_MS: "100",
  HOLDFAST_ENGINE_LEASE_MS: "30000",
  HOLDFAST_ENGINE_RETRY_BASE_MS: "1000",
  HOLDFAST_ENGINE_RETRY_CAP_MS: "600000",
  HOLDFAST_ENGINE_SYNC_RETRY_MS: "1000",
  HOLDFAST_ENGINE_LOG_LEVEL: "info",
} as const;

export type BenchProduct = {
  server: BenchServer;
  engine: Proc;
  engineUrl: string;
  stop: () => Promise<void>;
};

/**
 * Holdfast as `npm start` runs it, as real processes: `next start` on the bench build and the engine
 * (`engine/main.ts`) with its production settings, wired by the signing and event keys (the same wiring as
 * tests/helpers/product.ts). Ready once the engine has synced the app's functions.
 */
export async function startBenchProduct(options: {
  databaseUrl: string;
  env?: Record<string, string>;
}): Promise<BenchProduct> {
  const enginePort = await freePort();
  const engineUrl = `http://127.0.0.1:${enginePort}`;
  const server = await startServer({
    databaseUrl: options.databaseUrl,
    env: {
      INNGEST_SIGNING_KEY: TEST_SIGNING_KEY,
      INNGEST_EVENT_KEY: TEST_EVENT_KEY,
      INNGEST_BASE_URL: engineUrl,
      ...options.env,
    },
  });
  const stopServer = defer("next start", server.stop);
  let engine: Proc;
  try {
    engine = await startEngineProcess({
      databaseUrl: options.databaseUrl,
      port: enginePort,
      appServeUrl: `${server.url}/api/inngest`,
      env: { ...ENGINE_PRODUCTION_ENV },
    });
  } catch (error) {
    await stopServer();
    throw error;
  }
  const stopEngine = defer("engine", engine.stop);
  const stop = async () => {
    await stopEngine(); // first: its in-flight calls finish against a live server
    await stopServer();
  };
  try {
    await waitForSync(engineUrl);
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\nengine output:\n${engine.output().slice(-3_000)}`);
  }
  return { server, engine, engineUrl, stop };
}

async function waitForSync(engineUrl: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await fetch(`${engineUrl}/v1/functions`, { headers: bearer() }).catch(() => null);
    const body = (await response?.json().catch(() => null)) as { data?: unknown[] } | null;
    if (body?.data?.length) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`the engine at ${engineUrl} did not sync the app within 60 s`);
}
