import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { applyMigrations } from "@/lib/db/migrate";
import { type RunningPostgres, startEmbeddedPostgres } from "@/lib/platform/embedded-postgres";
import { progress } from "./progress";

/** The benchmarks' own cluster: never the product's (.holdfast/pg) nor the tests' (.holdfast/test-pg*). */
// (Not .holdfast/bench-pg: bench/engine.ts starts its own cluster there, possibly at the same time.)
export const BENCH_PG_DIR = path.join(process.cwd(), ".holdfast", "bench-api-pg");
export const BENCH_PG_PORT = Number(process.env.HOLDFAST_BENCH_PG_PORT ?? 54345);

export type BenchCluster = RunningPostgres & { dataDir: string; postmasterPid: () => number };

async function withClient<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Starts (or adopts, after a crashed run) a bench cluster (by default the API section's) with
 * pg_stat_statements preloaded, which the round-trip probes read. Statement tracking is switched off for the timed phases (`setStatementTracking`).
 */
export async function startBenchCluster(options: { dataDir?: string; port?: number } = {}): Promise<BenchCluster> {
  const dataDir = options.dataDir ?? BENCH_PG_DIR;
  const start = () => startEmbeddedPostgres({ dataDir, port: options.port ?? BENCH_PG_PORT, log: progress });
  let server = await start();
  const preloaded = await withClient(server.adminUrl, async (client) => {
    const { rows } = await client.query<{ shared_preload_libraries: string }>("SHOW shared_preload_libraries");
    if (rows[0]?.shared_preload_libraries.includes("pg_stat_statements")) return true;
    await client.query("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'");
    return false;
  });
  if (!preloaded) {
    progress("restarting the bench cluster once to preload pg_stat_statements");
    await server.stop();
    server = await start();
  }
  await withClient(server.adminUrl, (client) => client.query("CREATE EXTENSION IF NOT EXISTS pg_stat_statements"));
  await setStatementTracking(server.adminUrl, false);
  return {
    ...server,
    dataDir,
    postmasterPid: () => Number(readFileSync(path.join(dataDir, "postmaster.pid"), "utf8").split("\n")[0]),
  };
}

/** Drops and recreates `name`, then applies the app's migrations; returns its connection string. */
export async function freshDatabase(adminUrl: string, name: string): Promise<string> {
  await withClient(adminUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"`);
  });
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  await applyMigrations(url.toString());
  return url.toString();
}

export async function serverVersion(adminUrl: string): Promise<string> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ server_version: string }>("SHOW server_version");
    return rows[0]?.server_version ?? "unknown";
  });
}

/** pg_stat_statements on ('top') for the probe, off ('none') while timing. Takes effect on reload. */
export async function setStatementTracking(adminUrl: string, on: boolean): Promise<void> {
  await withClient(adminUrl, async (client) => {
    await client.query(`ALTER SYSTEM SET pg_stat_statements.track = '${on ? "top" : "none"}'`);
    await client.query("SELECT pg_reload_conf()");
  });
  // Backends pick up the reload at their next command; give the signal a moment to land.
  await new Promise((resolve) => setTimeout(resolve, 300));
}

export type StatementStat = { query: string; calls: number; totalExecMs: number };

export async function resetStatements(adminUrl: string): Promise<void> {
  await withClient(adminUrl, (client) => client.query("SELECT pg_stat_statements_reset()"));
}

/** Statements executed in database `name` since the last reset, most called first. */
export async function readStatements(adminUrl: string, name: string): Promise<StatementStat[]> {
  return withClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ query: string; calls: string; total_exec_time: number }>(
      `SELECT s.query, s.calls, s.total_exec_time FROM pg_stat_statements s
       JOIN pg_database d ON d.oid = s.dbid WHERE d.datname = $1 ORDER BY s.calls DESC, s.total_exec_time DESC`,
      [name],
    );
    return rows.map((row) => ({ query: row.query, calls: Number(row.calls), totalExecMs: row.total_exec_time }));
  });
}
