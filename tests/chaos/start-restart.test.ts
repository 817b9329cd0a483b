import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { existsSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll, expect, test } from "vitest";
import { freePort } from "../helpers/app-server";

// `npm start` as a user runs it: Ctrl-C stops everything; after a `kill -9` of the supervisor its children exit
// and its PostgreSQL is left behind, and the next start adopts that cluster and works.

const dataDir = path.join(process.cwd(), ".holdfast", "chaos-start");
const started: ChildProcess[] = [];
const INHERITED_OUT = /^(DATABASE_URL|NEXTAUTH_|INNGEST_|HOLDFAST_APP_SERVE_URL|HOLDFAST_TRUSTED_PROXIES)/;

afterAll(async () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
  const pid = postgresPid();
  if (pid && isAlive(pid)) process.kill(pid, "SIGINT");
});

function postgresPid(): number | null {
  const file = path.join(dataDir, "pg", "postmaster.pid");
  return existsSync(file) ? Number(readFileSync(file, "utf8").split("\n")[0]) : null;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function until(what: string, check: () => Promise<boolean> | boolean, timeoutMs = 90_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const healthOf = async (port: number) =>
  (await fetch(`http://127.0.0.1:${port}/api/health`).then(
    (r) => r.json(),
    () => null,
  )) as { engine?: string } | null;

function startHoldfast(env: Record<string, string>): { child: ChildProcess; output: () => string } {
  // The test process's own database and secrets must not leak in: this start uses its embedded defaults.
  const inherited: Record<string, string | undefined> = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !INHERITED_OUT.test(name)),
  );
  const child = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/holdfast.ts", "start"],
    {
      env: { ...inherited, ...env } as NodeJS.ProcessEnv,
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  let output = "";
  child.stdout?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => (output += chunk.toString()));
  started.push(child);
  return { child, output: () => output };
}

test("Ctrl-C stops everything; a start after kill -9 adopts the left-behind PostgreSQL", async () => {
  rmSync(dataDir, { recursive: true, force: true });
  const [port, enginePort, pgPort] = [await freePort(), await freePort(), await freePort()];
  const env = {
    HOLDFAST_DATA_DIR: dataDir,
    PORT: String(port),
    HOLDFAST_ENGINE_PORT: String(enginePort),
    HOLDFAST_PG_PORT: String(pgPort),
    LOG_LEVEL: "warn",
  };

  const first = startHoldfast(env);
  await until("the first start to be healthy", async () => (await healthOf(port))?.engine === "ok");
  const pgPid = postgresPid() as number;
  expect(isAlive(pgPid)).toBe(true);

  first.child.kill("SIGKILL");
  await until("the web server to go away with its supervisor", async () => (await healthOf(port)) === null);
  expect(isAlive(pgPid)).toBe(true); // kill -9 leaves PostgreSQL behind

  const second = startHoldfast(env);
  await until("the second start to be healthy", async () => (await healthOf(port))?.engine === "ok");
  expect(second.output()).toContain(`pid ${pgPid}, orphan`);

  const exited = once(second.child, "exit");
  second.child.kill("SIGINT");
  const [code] = await exited;
  expect(code).toBe(0);
  expect(isAlive(pgPid)).toBe(false);
  expect(await healthOf(port)).toBeNull();
});
