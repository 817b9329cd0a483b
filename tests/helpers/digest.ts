import { db } from "@/lib/db";

// Rows that legitimately change on any request, refused or not: logs, rate-limit counters and the
// "last seen / last used" stamps that authentication refreshes.
const LOG_TABLES = new Set(["request_logs", "log_lines", "rate_limit_buckets", "_prisma_migrations"]);
const VOLATILE_COLUMNS: Record<string, string[]> = {
  api_tokens: ["last_used_at"],
  device_sessions: ["last_seen_at"],
};

/** Per table: row count and an md5 over its rows (volatile columns left out). Compare two with `toEqual`. */
export type Digest = Record<string, string>;

type TableScope = { table: string; where: string };

async function digestOf(scopes: TableScope[], params: unknown[]): Promise<Digest> {
  if (scopes.length === 0) return {};
  const parts = scopes.map(({ table, where }) => {
    const volatile = VOLATILE_COLUMNS[table] ?? [];
    const row = `(to_jsonb(t) - ARRAY[${volatile.map((c) => `'${c}'`).join(",")}]::text[])::text`;
    return `SELECT '${table}' AS name, count(*)::text || ':' || coalesce(md5(string_agg(${row}, '|' ORDER BY ${row})), '-') AS digest
            FROM public."${table}" t WHERE ${where}`;
  });
  const rows = await db().$queryRawUnsafe<{ name: string; digest: string }[]>(parts.join(" UNION ALL "), ...params);
  return Object.fromEntries(rows.map((r) => [r.name, r.digest]));
}

// The table list only changes with migrations, which run before the tests: read it once per file.
let tableList: Promise<{ table: string; columns: string[] }[]> | undefined;
const publicTables = () => {
  tableList ??= readPublicTables();
  return tableList;
};

async function readPublicTables(): Promise<{ table: string; columns: string[] }[]> {
  const rows = await db().$queryRawUnsafe<{ table_name: string; columns: string[] }[]>(
    `SELECT c.table_name, array_agg(c.column_name::text) AS columns
     FROM information_schema.columns c JOIN information_schema.tables t USING (table_schema, table_name)
     WHERE c.table_schema = 'public' AND t.table_type = 'BASE TABLE'
     GROUP BY c.table_name ORDER BY c.table_name`,
  );
  return rows.map((r) => ({ table: r.table_name, columns: r.columns }));
}

/**
 * Every tenant row of one workspace: the workspace itself and each table with a `workspace_id` column
 * (found at run time, so tables added later are covered too) — request logs excepted.
 */
export async function workspaceDigest(workspaceId: string, options: { except?: string[] } = {}): Promise<Digest> {
  const tables = await publicTables();
  const scopes: TableScope[] = [{ table: "workspaces", where: "t.id = $1::uuid" }];
  for (const { table, columns } of tables) {
    if (LOG_TABLES.has(table) || !columns.includes("workspace_id") || options.except?.includes(table)) continue;
    scopes.push({ table, where: "t.workspace_id = $1::uuid" });
  }
  return digestOf(scopes, [workspaceId]);
}

/** Every application row in the database (logs, rate-limit counters and last-seen stamps excepted). */
export async function databaseDigest(): Promise<Digest> {
  const tables = await publicTables();
  return digestOf(
    tables.filter(({ table }) => !LOG_TABLES.has(table)).map(({ table }) => ({ table, where: "true" })),
    [],
  );
}

/**
 * Everything of one person outside any workspace: the user row, their device sessions and memberships, and the
 * audit rows they caused. With `workspaceDigest` this covers what one caller can change, without depending on
 * unrelated activity elsewhere in the shared database.
 */
export async function userDigest(userId: string): Promise<Digest> {
  return digestOf(
    [
      { table: "users", where: "t.id = $1::uuid" },
      { table: "device_sessions", where: "t.user_id = $1::uuid" },
      { table: "memberships", where: "t.user_id = $1::uuid" },
      { table: "audit_logs", where: "t.actor_user_id = $1::uuid" },
    ],
    [userId],
  );
}
