// The database the migrations build must be exactly what prisma/schema.prisma describes, and the migrations
// must be recorded in _prisma_migrations as Prisma records them. The Prisma CLI's schema engine is not available
// here, so the comparison is done by reading the Prisma CLI's own DMMF of schema.prisma and the live catalog.
import { createHash, randomBytes } from "node:crypto";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, inject, test } from "vitest";
import { applyMigrations } from "@/lib/db/migrate";
import { createTestDatabase } from "../helpers/database";
import { type Datamodel, loadDatamodel } from "../helpers/prisma-dmmf";
import { describeDrift } from "../helpers/schema-drift";

const MIGRATIONS = path.join(process.cwd(), "prisma", "migrations");
const folders = readdirSync(MIGRATIONS, { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

const scratchDatabases: string[] = [];
let datamodel: Datamodel;

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: inject("pgAdminUrl") });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A brand-new, empty database (no template, no migrations). */
async function emptyDatabase(): Promise<string> {
  const name = `drift_empty_${randomBytes(4).toString("hex")}`;
  await admin((client) => client.query(`CREATE DATABASE "${name}"`));
  scratchDatabases.push(name);
  const url = new URL(inject("pgAdminUrl"));
  url.pathname = `/${name}`;
  return url.toString();
}

/** A migrated copy of the template, to break on purpose. */
async function migratedCopy(): Promise<string> {
  const name = `drift_copy_${randomBytes(4).toString("hex")}`;
  scratchDatabases.push(name);
  return createTestDatabase(inject("pgAdminUrl"), name);
}

async function sql(databaseUrl: string, statements: string) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    return await client.query(statements);
  } finally {
    await client.end();
  }
}

let fresh: string;

beforeAll(async () => {
  datamodel = await loadDatamodel();
  fresh = await emptyDatabase();
  const applied = await applyMigrations(fresh);
  expect(applied).toEqual(folders);
});

afterAll(async () => {
  await admin(async (client) => {
    for (const name of scratchDatabases) await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  });
});

test("the DMMF names every model of schema.prisma (the comparison has something to compare)", () => {
  const schema = readFileSync(path.join(process.cwd(), "prisma", "schema.prisma"), "utf8");
  const models = [...schema.matchAll(/^model\s+(\w+)\s*\{/gm)].map((m) => m[1]).sort();
  expect(datamodel.models.map((m) => m.name).sort()).toEqual(models);
  expect(datamodel.indexes.length).toBeGreaterThan(datamodel.models.length);
});

test("a database built from nothing by the migrations matches schema.prisma exactly", async () => {
  expect(await describeDrift(datamodel, fresh)).toEqual([]);
});

test("so does the database the app under test runs on", async () => {
  expect(await describeDrift(datamodel, inject("databaseUrl"))).toEqual([]);
});

describe("_prisma_migrations", () => {
  test("migrations are in Prisma's folder layout", () => {
    for (const folder of folders) {
      expect(folder, "folder names start with a 14-digit UTC timestamp").toMatch(/^\d{14}_[a-z0-9_]+$/);
      expect(existsSync(path.join(MIGRATIONS, folder, "migration.sql")), folder).toBe(true);
    }
    const lock = readFileSync(path.join(MIGRATIONS, "migration_lock.toml"), "utf8");
    expect(lock).toMatch(/^provider\s*=\s*"postgresql"\s*$/m);
  });

  test("holds one finished row per migration folder, with the sha256 of its migration.sql", async () => {
    const { rows } = await sql(
      fresh,
      `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count, logs, started_at
       FROM _prisma_migrations ORDER BY migration_name`,
    );
    expect(rows.map((r) => r.migration_name)).toEqual(folders);
    for (const row of rows) {
      const file = readFileSync(path.join(MIGRATIONS, row.migration_name, "migration.sql"));
      expect(row.checksum, row.migration_name).toBe(createHash("sha256").update(file).digest("hex"));
      expect(row.finished_at, row.migration_name).toBeInstanceOf(Date);
      expect(row.finished_at.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime());
      expect(row.rolled_back_at, row.migration_name).toBeNull();
      expect(row.applied_steps_count, row.migration_name).toBe(1);
    }
  });

  test("the table has Prisma's own shape", async () => {
    const { rows } = await sql(
      fresh,
      `SELECT column_name, data_type, is_nullable, character_maximum_length FROM information_schema.columns
       WHERE table_name = '_prisma_migrations' ORDER BY column_name`,
    );
    expect(
      rows.map(
        (r) =>
          `${r.column_name} ${r.data_type}${r.character_maximum_length ? `(${r.character_maximum_length})` : ""} ${r.is_nullable}`,
      ),
    ).toEqual([
      "applied_steps_count integer NO",
      "checksum character varying(64) NO",
      "finished_at timestamp with time zone YES",
      "id character varying(36) NO",
      "logs text YES",
      "migration_name character varying(255) NO",
      "rolled_back_at timestamp with time zone YES",
      "started_at timestamp with time zone NO",
    ]);
  });

  test("running the migrations again applies nothing and changes nothing", async () => {
    const before = await sql(fresh, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(await applyMigrations(fresh)).toEqual([]);
    const after = await sql(fresh, "SELECT * FROM _prisma_migrations ORDER BY migration_name");
    expect(after.rows).toEqual(before.rows);
  });

  test("concurrent migrators apply each migration once", async () => {
    const url = await emptyDatabase();
    const results = await Promise.all([applyMigrations(url), applyMigrations(url), applyMigrations(url)]);
    expect(results.flat().sort()).toEqual(folders);
    const { rows } = await sql(url, "SELECT count(*)::int AS n FROM _prisma_migrations");
    expect(rows[0].n).toBe(folders.length);
    expect(await describeDrift(datamodel, url)).toEqual([]);
  });

  test("an applied migration whose file has changed since is refused, and nothing is applied", async () => {
    const url = await migratedCopy();
    const edited = folders[0] as string;
    // The file cannot be edited in a shared checkout; changing the recorded checksum is the same mismatch.
    await sql(url, `UPDATE _prisma_migrations SET checksum = repeat('0', 64) WHERE migration_name = '${edited}'`);
    await expect(applyMigrations(url)).rejects.toThrow(new RegExp(`${edited}.*edited after it was applied`));
  });
});

describe("the comparison itself catches drift", () => {
  let broken: string;
  let problems: string[];

  beforeAll(async () => {
    broken = await migratedCopy();
    await sql(
      broken,
      `ALTER TABLE users ADD COLUMN nickname text;
       ALTER TABLE users ALTER COLUMN name DROP NOT NULL;
       ALTER TABLE device_sessions ALTER COLUMN ip_address TYPE varchar(64);
       ALTER TABLE memberships ALTER COLUMN version DROP DEFAULT;
       ALTER TABLE invitations ALTER COLUMN expires_at TYPE timestamp(3);
       DROP INDEX audit_logs_request_id_idx;
       DROP INDEX users_email_key;
       CREATE INDEX sneaky_idx ON workspaces (name);
       ALTER TABLE api_tokens DROP CONSTRAINT api_tokens_workspace_id_fkey;
       ALTER TABLE memberships DROP CONSTRAINT memberships_user_id_fkey,
         ADD CONSTRAINT memberships_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE RESTRICT ON UPDATE CASCADE;
       ALTER TYPE "Role" ADD VALUE 'owner';
       CREATE TABLE forgotten (id uuid PRIMARY KEY);
       ALTER TABLE rate_limit_buckets DROP COLUMN count;`,
    );
    problems = await describeDrift(datamodel, broken);
  });

  test.each([
    ["an unknown column", /^users\.nickname: column in the database, not in schema\.prisma$/],
    ["a required column made nullable", /^users\.name: nullable in the database, required/],
    ["a changed column type", /^device_sessions\.ip_address: type varchar, schema\.prisma wants text$/],
    ["a dropped default", /^memberships\.version: schema\.prisma has a default, the column has none$/],
    [
      "timestamptz turned into timestamp",
      /^invitations\.expires_at: type timestamp, schema\.prisma wants timestamptz$/,
    ],
    ["a missing @@index", /^index on audit_logs\(request_id\): missing in the database$/],
    ["a missing @unique", /^unique index on users\(email\): missing in the database$/],
    ["an index schema.prisma does not know", /^index sneaky_idx on workspaces\(name\): in the database, not in/],
    ["a missing foreign key", /^foreign key api_tokens\(workspace_id\) → workspaces\(id\): missing in the database$/],
    [
      "a foreign key with another ON DELETE",
      /^foreign key memberships\(user_id\) → users\(id\): ON DELETE Restrict, schema\.prisma says Cascade$/,
    ],
    ["an enum value schema.prisma does not know", /^enum Role: database has \[member, admin, billing_owner, owner\]/],
    ["an unknown table", /^table forgotten: in the database, not in schema\.prisma$/],
    ["a missing column", /^rate_limit_buckets\.count \(RateLimitBucket\.count\): missing in the database$/],
  ])("%s", (_, pattern) => {
    expect(
      problems.some((line) => pattern.test(line)),
      `no line matches ${pattern} in:\n${problems.join("\n")}`,
    ).toBe(true);
  });

  test("and reports nothing else", () => {
    expect(problems, problems.join("\n")).toHaveLength(13);
  });
});
