import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";

const MIGRATIONS_DIR = path.join(import.meta.dirname, "migrations");
// Serialises engine processes that start at the same moment; distinct from the app's migration lock.
const ENGINE_MIGRATION_LOCK = 72_707_288;

/** Applies pending `engine/migrations/*.sql` in name order, each in its own transaction. */
export async function migrateEngineSchema(databaseUrl: string): Promise<string[]> {
  const files = readdirSync(MIGRATIONS_DIR)
    .filter((name) => name.endsWith(".sql"))
    .sort();
  const client = new pg.Client({ connectionString: databaseUrl, application_name: "holdfast-engine-migrate" });
  await client.connect();
  const applied: string[] = [];
  try {
    await client.query("SELECT pg_advisory_lock($1)", [ENGINE_MIGRATION_LOCK]);
    await client.query("CREATE SCHEMA IF NOT EXISTS engine");
    await client.query(`CREATE TABLE IF NOT EXISTS engine.migrations (
      name text PRIMARY KEY, checksum text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = await client.query<{ name: string; checksum: string }>("SELECT name, checksum FROM engine.migrations");
    const known = new Map(done.rows.map((row) => [row.name, row.checksum]));
    for (const file of files) {
      const sql = readFileSync(path.join(MIGRATIONS_DIR, file), "utf8");
      const checksum = createHash("sha256").update(sql).digest("hex");
      const previous = known.get(file);
      if (previous !== undefined) {
        if (previous !== checksum) throw new Error(`engine migration ${file} was edited after it was applied`);
        continue;
      }
      await client.query("BEGIN");
      try {
        await client.query(sql);
        await client.query("INSERT INTO engine.migrations (name, checksum) VALUES ($1, $2)", [file, checksum]);
        await client.query("COMMIT");
      } catch (error) {
        await client.query("ROLLBACK");
        throw new Error(`engine migration ${file} failed: ${(error as Error).message}`);
      }
      applied.push(file);
    }
  } finally {
    await client.query("SELECT pg_advisory_unlock($1)", [ENGINE_MIGRATION_LOCK]).catch(() => {});
    await client.end();
  }
  return applied;
}
