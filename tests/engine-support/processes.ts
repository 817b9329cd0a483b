import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";

// Real processes for engine tests: the engine (`engine/main.ts`) and the fixture app, each one Node process
// (tsx as an import hook, not its wrapper CLI) so that `kill -9` hits the process that does the work.

const ROOT = path.resolve(import.meta.dirname, "..", "..");

export const TEST_SIGNING_KEY = "signkey-test-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
export const TEST_EVENT_KEY = "test-event-key";

export type Proc = {
  name: string;
  port: number;
  url: string;
  child: ChildProcess;
  output: () => string;
  kill9: () => Promise<void>;
  stop: () => Promise<void>;
};

function launch(
  name: string,
  script: string,
  port: number,
  env: Record<string, string>,
  readyPath: string,
): Promise<Proc> {
  const child = spawn(process.execPath, ["--import", "tsx", script], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  const keep = (chunk: Buffer) => {
    log = (log + chunk.toString()).slice(-20_000);
    if (process.env.ENGINE_TEST_VERBOSE) process.stderr.write(`[${name}] ${chunk}`);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const url = `http://127.0.0.1:${port}`;
  const exited = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    await once(child, "exit");
  };
  const proc: Proc = {
    name,
    port,
    url,
    child,
    output: () => log,
    kill9: async () => {
      child.kill("SIGKILL");
      await exited();
    },
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      await exited();
    },
  };
  return waitUntilReady(proc, `${url}${readyPath}`).then(() => proc);
}

async function waitUntilReady(proc: Proc, url: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (proc.child.exitCode !== null) throw new Error(`${proc.name} exited early:\n${proc.output()}`);
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`${proc.name} not ready at ${url}:\n${proc.output()}`);
}

export type EngineOptions = {
  databaseUrl: string;
  port: number;
  appServeUrl?: string;
  env?: Record<string, string>;
};

export function startEngineProcess(options: EngineOptions): Promise<Proc> {
  return launch(
    "engine",
    "engine/main.ts",
    options.port,
    {
      DATABASE_URL: options.databaseUrl,
      INNGEST_SIGNING_KEY: TEST_SIGNING_KEY,
      INNGEST_EVENT_KEY: TEST_EVENT_KEY,
      HOLDFAST_ENGINE_PORT: String(options.port),
      HOLDFAST_ENGINE_RETRY_BASE_MS: "50",
      HOLDFAST_ENGINE_RETRY_CAP_MS: "1000",
      HOLDFAST_ENGINE_LEASE_MS: "3000",
      HOLDFAST_ENGINE_POLL_MS: "50",
      HOLDFAST_ENGINE_SYNC_RETRY_MS: "100",
      HOLDFAST_ENGINE_LOG_LEVEL: process.env.ENGINE_TEST_VERBOSE ? "debug" : "warn",
      ...(options.appServeUrl ? { HOLDFAST_APP_SERVE_URL: options.appServeUrl } : {}),
      ...options.env,
    },
    "/health",
  );
}

export function startFixtureServer(options: {
  databaseUrl: string;
  port: number;
  engineUrl: string;
  set?: string;
}): Promise<Proc> {
  return launch(
    `fixture-${options.set ?? "main"}`,
    "tests/engine-support/fixture-server.ts",
    options.port,
    {
      PORT: String(options.port),
      DATABASE_URL: options.databaseUrl,
      INNGEST_SIGNING_KEY: TEST_SIGNING_KEY,
      INNGEST_EVENT_KEY: TEST_EVENT_KEY,
      INNGEST_BASE_URL: options.engineUrl,
      FIXTURE_SET: options.set ?? "main",
    },
    "/ready",
  );
}
