import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { machineSecret, provideDatabase, say } from "../platform";

const SOURCE_DIRS = ["app", "lib", "components", "inngest", "public"];
const SOURCE_FILES = ["next.config.ts", "proxy.ts", "package.json", "prisma/schema.prisma"];

/**
 * `npm start`: PostgreSQL (embedded unless DATABASE_URL), migrations, the demo workspace, then the web server
 * and the engine, restarted if they crash. Ctrl-C stops all of it.
 */
export default async function start(argv: string[]): Promise<void> {
  const { values } = parseArgs({ args: argv, options: { dev: { type: "boolean" } } });
  const database = await provideDatabase({ stopOrphan: true });
  const port = Number(process.env.PORT ?? 3000);
  const enginePort = Number(process.env.HOLDFAST_ENGINE_PORT ?? 8288);
  const appUrl = process.env.NEXTAUTH_URL || `http://localhost:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NEXT_TELEMETRY_DISABLED: "1",
    DATABASE_URL: database.url,
    PORT: String(port),
    NEXTAUTH_URL: appUrl,
    NEXTAUTH_SECRET: machineSecret("NEXTAUTH_SECRET"),
    INNGEST_SIGNING_KEY: machineSecret("INNGEST_SIGNING_KEY", () => `signkey-local-${randomHex(32)}`),
    INNGEST_EVENT_KEY: machineSecret("INNGEST_EVENT_KEY", () => randomHex(16)),
    ...(process.env.HOLDFAST_ENGINE === "external"
      ? {}
      : { INNGEST_BASE_URL: process.env.INNGEST_BASE_URL || `http://127.0.0.1:${enginePort}` }),
    HOLDFAST_ENGINE_PORT: String(enginePort),
    HOLDFAST_APP_SERVE_URL: process.env.HOLDFAST_APP_SERVE_URL || `http://127.0.0.1:${port}/api/inngest`,
  };
  Object.assign(process.env, env);

  const { seedUser } = await import("@/lib/identity/seed-user");
  const demo = { email: "demo@holdfast.local", password: "holdfast-demo", workspace: "demo" };
  await seedUser({ ...demo, roles: ["member", "admin", "billing_owner"], withToken: false });

  if (!values.dev && isBuildStale()) {
    say("building the web app (next build)…");
    const build = spawnSync("npx", ["next", "build"], { stdio: "inherit", env: { ...env, NODE_ENV: "production" } });
    if (build.status !== 0) throw new Error("next build failed");
  }

  const children: Supervised[] = [
    supervise("web", ["scripts/web-server.ts", ...(values.dev ? ["--dev"] : [])], {
      ...env,
      NODE_ENV: values.dev ? "development" : "production",
    }),
  ];
  // HOLDFAST_ENGINE=external: the functions run on Inngest Cloud or a self-hosted Inngest (docs/engine.md).
  if (process.env.HOLDFAST_ENGINE !== "external") {
    children.push(supervise("engine", ["engine/main.ts"], env));
  }
  say(`Holdfast is starting on ${appUrl}`);
  say(`sign in as ${demo.email} / ${demo.password} (workspace "${demo.workspace}"; local demo account)`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal}: stopping…`);
    await Promise.all(children.map((child) => child.stop()));
    await database.stop();
    process.exit(0);
  };
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => void shutdown(signal));
}

type Supervised = { stop: () => Promise<void> };

/** Keeps a TypeScript entry point running in its own node process; a crash restarts it after a growing pause. */
function supervise(name: string, args: string[], env: NodeJS.ProcessEnv): Supervised {
  let child: ChildProcess | undefined;
  let stopped = false;
  let restarts = 0;
  const run = () => {
    const started = Date.now();
    child = spawn(process.execPath, ["--import", "tsx", "--import", "./scripts/exit-with-supervisor.ts", ...args], {
      env: { ...env, HOLDFAST_SUPERVISOR_PID: String(process.pid) },
      stdio: "inherit",
      detached: true,
    });
    child.once("exit", (code, signal) => {
      if (stopped) return;
      restarts = Date.now() - started > 30_000 ? 0 : restarts + 1;
      const delay = Math.min(10_000, 250 * 2 ** restarts);
      say(`${name} exited (${signal ?? code}); restarting in ${delay} ms`);
      setTimeout(run, delay);
    });
  };
  run();
  return {
    stop: async () => {
      stopped = true;
      const current = child;
      if (!current?.pid || current.exitCode !== null || current.signalCode !== null) return;
      const exited = new Promise((resolve) => current.once("exit", resolve));
      process.kill(-current.pid, "SIGTERM"); // its whole process group
      const timer = setTimeout(() => current.pid && process.kill(-current.pid, "SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}

function isBuildStale(): boolean {
  const buildId = path.join(process.cwd(), process.env.HOLDFAST_NEXT_DIST_DIR || ".next", "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const builtAt = statSync(buildId).mtimeMs;
  return [...SOURCE_DIRS, ...SOURCE_FILES].some((entry) => newestMtime(path.join(process.cwd(), entry)) > builtAt);
}

function newestMtime(target: string): number {
  if (!existsSync(target)) return 0;
  const stats = statSync(target);
  if (!stats.isDirectory()) return stats.mtimeMs;
  return readdirSync(target).reduce((newest, entry) => Math.max(newest, newestMtime(path.join(target, entry))), 0);
}

function randomHex(bytes: number): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString("hex");
}
