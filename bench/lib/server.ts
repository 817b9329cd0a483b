import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import { freePort } from "@/tests/helpers/app-server";
import { progress } from "./progress";

/** The benchmarks build into and serve from their own dist dir, never `.next` (see next.config.ts). */
export const BENCH_DIST_DIR = process.env.HOLDFAST_BENCH_DIST_DIR || ".next-bench";
export const BENCH_LOG_DIR = path.join(process.cwd(), ".holdfast", "bench");

const NEXT_BIN = path.join(process.cwd(), "node_modules", ".bin", "next");
// What a production build is made of; a newer file here means the build is stale.
const BUILD_INPUTS = [
  "app",
  "lib",
  "components",
  "inngest",
  "proxy.ts",
  "next.config.ts",
  "package-lock.json",
  "postcss.config.mjs",
];

function newestMtime(entry: string): number {
  if (!existsSync(entry)) return 0;
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** Why the bench build must be (re)made, or null when it is current. */
export function buildStaleness(): string | null {
  const buildId = path.join(BENCH_DIST_DIR, "BUILD_ID");
  if (!existsSync(buildId)) return `no production build in ${BENCH_DIST_DIR}`;
  const builtAt = statSync(buildId).mtimeMs;
  const changed = BUILD_INPUTS.filter((input) => newestMtime(input) > builtAt);
  return changed.length ? `sources changed since the last bench build (${changed.join(", ")})` : null;
}

function logFile(name: string): { path: string; fd: number } {
  mkdirSync(BENCH_LOG_DIR, { recursive: true });
  const file = path.join(BENCH_LOG_DIR, name);
  return { path: file, fd: openSync(file, "w") };
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, "utf8").split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

/** `next build` into the bench dist dir, unless it is current (or `force` says to build regardless). */
export async function ensureBuild(options: { force?: boolean; skip?: boolean } = {}): Promise<void> {
  const reason = options.force ? "a rebuild was asked for" : buildStaleness();
  if (!reason) return;
  if (options.skip) {
    if (!existsSync(path.join(BENCH_DIST_DIR, "BUILD_ID"))) throw new Error(`${reason}, and --no-build was given`);
    progress(`warning: ${reason}; measuring the existing build anyway (--no-build)`);
    return;
  }
  const log = logFile("next-build.log");
  progress(`building the app into ${BENCH_DIST_DIR}: ${reason} (log: ${path.relative(process.cwd(), log.path)})`);
  const started = performance.now();
  const child = spawn(NEXT_BIN, ["build"], {
    env: { ...process.env, NODE_ENV: "production", HOLDFAST_NEXT_DIST_DIR: BENCH_DIST_DIR },
    stdio: ["ignore", log.fd, log.fd],
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", resolve);
  });
  closeSync(log.fd);
  if (code !== 0) throw new Error(`next build failed (exit ${code}):\n${tail(log.path)}`);
  progress(`built in ${((performance.now() - started) / 1000).toFixed(0)} s`);
}

export type BenchServer = { url: string; pid: number; logPath: string; stop: () => Promise<void> };

/**
 * `next start` on the bench build, as production runs it (NODE_ENV=production, LOG_LEVEL=info: every request
 * writes its JSON log line, here into .holdfast/bench/next-start.log). Ready when /api/health answers.
 */
export async function startServer(options: {
  databaseUrl: string;
  env?: Record<string, string>;
}): Promise<BenchServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const log = logFile("next-start.log");
  // HOLDFAST_BENCH_SERVER_NODE_ARGS (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof") profiles the server under load.
  const nodeArgs = process.env.HOLDFAST_BENCH_SERVER_NODE_ARGS?.split(/\s+/).filter(Boolean) ?? [];
  const startArgs = ["start", "-p", String(port), "-H", "127.0.0.1"];
  const [command, args] = nodeArgs.length
    ? [process.execPath, [...nodeArgs, path.join("node_modules", "next", "dist", "bin", "next"), ...startArgs]]
    : [NEXT_BIN, startArgs];
  const child: ChildProcess = spawn(command, args, {
    env: {
      ...process.env,
      NODE_ENV: "production",
      HOLDFAST_NEXT_DIST_DIR: BENCH_DIST_DIR,
      DATABASE_URL: options.databaseUrl,
      NEXTAUTH_SECRET: randomBytes(32).toString("hex"),
      NEXTAUTH_URL: url,
      LOG_LEVEL: "info",
      ...options.env,
    },
    stdio: ["ignore", log.fd, log.fd],
  });
  closeSync(log.fd);
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const gone = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
    await gone;
    clearTimeout(timer);
  };
  const exited = new Promise<never>((_, reject) =>
    child.once("exit", (code) => reject(new Error(`next start exited with ${code}:\n${tail(log.path)}`))),
  );
  exited.catch(() => {}); // observed below; later exits (our own SIGTERM) are expected
  try {
    await Promise.race([waitForHealth(url), exited]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, pid: child.pid as number, logPath: log.path, stop };
}

async function waitForHealth(url: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${url}/api/health`);
      if (response.status < 500) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app at ${url} did not become healthy within 60 s`);
}

/**
 * Waits until the server's log (one line per finished request) has not grown for `quietMs`: whatever it was
 * still working on is done. Returns how long that took.
 */
export async function waitForQuietLog(logPath: string, quietMs = 500, maxMs = 60_000): Promise<number> {
  const started = performance.now();
  let size = statSync(logPath).size;
  let stableSince = performance.now();
  while (performance.now() - stableSince < quietMs && performance.now() - started < maxMs) {
    await new Promise((resolve) => setTimeout(resolve, 50));
    const now = statSync(logPath).size;
    if (now !== size) {
      size = now;
      stableSince = performance.now();
    }
  }
  return performance.now() - started - quietMs;
}
