import path from "node:path";
import pg from "pg";
import { applyMigrations } from "@/lib/db/migrate";
import { ensureDatabase, startEmbeddedPostgres } from "@/lib/platform/embedded-postgres";

const TEMPLATE = "holdfast_template";
const namespace = process.env.HOLDFAST_TEST_NAMESPACE ?? "";

export type TestCluster = { adminUrl: string; databaseUrl: string; stop: () => Promise<void> };

/** Refuses anything but a local cluster: tests drop and create databases. */
function assertLocal(url: string) {
  const host = new URL(url).hostname;
  if (!["127.0.0.1", "localhost", "::1"].includes(host)) throw new Error(`tests refuse a non-local database (${host})`);
}

/**
 * Starts the embedded test cluster (or uses TEST_PG_ADMIN_URL), builds a freshly migrated template database
 * and one shared test database cloned from it.
 */
export async function prepareTestCluster(): Promise<TestCluster> {
  let adminUrl = process.env.TEST_PG_ADMIN_URL;
  let stop = async () => {};
  if (!adminUrl) {
    const server = await startEmbeddedPostgres({
      // HOLDFAST_TEST_NAMESPACE lets several suites run at once on one machine, each with its own cluster.
      dataDir: path.join(process.cwd(), ".holdfast", `test-pg${namespace ? `-${namespace}` : ""}`),
      port: Number(process.env.TEST_PG_PORT ?? 54339),
    });
    adminUrl = server.adminUrl;
    if (server.origin !== "shared") stop = server.stop; // never stop a cluster another live run owns
  }
  assertLocal(adminUrl);
  await recreateDatabase(adminUrl, TEMPLATE);
  await applyMigrations(await ensureDatabase(adminUrl, TEMPLATE));
  const databaseUrl = await createTestDatabase(adminUrl, "holdfast_test");
  return { adminUrl, databaseUrl, stop };
}

/** A new database, migrated (cloned from the template), dropped first if it exists. */
export async function createTestDatabase(adminUrl: string, name: string): Promise<string> {
  assertLocal(adminUrl);
  await recreateDatabase(adminUrl, name, TEMPLATE);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

async function recreateDatabase(adminUrl: string, name: string, template?: string) {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await client.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
  } finally {
    await client.end();
  }
}
