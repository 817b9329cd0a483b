import { randomBytes } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { applyMigrations } from "@/lib/db/migrate";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/platform/embedded-postgres";

/** Machine-local state of the embedded defaults: the PostgreSQL cluster and generated secrets. */
export const DATA_DIR = path.resolve(process.env.HOLDFAST_DATA_DIR ?? path.join(process.cwd(), ".holdfast"));

export function say(line: string) {
  process.stderr.write(`[holdfast] ${line}\n`);
}

/**
 * DATABASE_URL when set; otherwise the embedded cluster under .holdfast/pg: started, adopted after a crash (an
 * orphan), or shared with a running `npm start`. Migrations are applied either way. `stop` shuts down a cluster
 * this call started — or, with `stopOrphan`, an orphan it adopted — and never one another process owns.
 */
export async function provideDatabase(
  options: { stopOrphan?: boolean } = {},
): Promise<{ url: string; stop: () => Promise<void> }> {
  let url = process.env.DATABASE_URL || undefined;
  let stop = async () => {};
  if (!url) {
    const server = await startEmbeddedPostgres({
      dataDir: path.join(DATA_DIR, "pg"),
      port: Number(process.env.HOLDFAST_PG_PORT ?? 54329),
      log: say,
    });
    url = await ensureDatabase(server.adminUrl, "holdfast");
    if (server.origin === "started" || (server.origin === "orphan" && options.stopOrphan)) stop = server.stop;
  }
  await applyMigrations(url, say);
  process.env.DATABASE_URL = url;
  return { url, stop };
}

/** A secret from the environment, else one generated once per machine and kept in .holdfast/. */
export function machineSecret(name: string, make: () => string = () => randomBytes(32).toString("hex")): string {
  const fromEnv = process.env[name];
  if (fromEnv) return fromEnv;
  mkdirSync(DATA_DIR, { recursive: true });
  const file = path.join(DATA_DIR, `${name.toLowerCase()}.secret`);
  if (!existsSync(file)) writeFileSync(file, make(), { mode: 0o600 });
  return readFileSync(file, "utf8").trim();
}

/** Runs `work` with a database (embedded when needed) and shuts an embedded one down afterwards. */
export async function withDatabase(work: () => Promise<void>): Promise<void> {
  const database = await provideDatabase();
  try {
    await work();
  } finally {
    await database.stop();
  }
}
