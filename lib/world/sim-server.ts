import "server-only";
import type { DbClient } from "@/lib/db";
import { ToolError } from "./errors";

const GIB = 1024 ** 3;
const MIB = 1024 ** 2;

export const SIM_HOSTNAME = "app-1";

/**
 * The deterministic layout every workspace's simulated server starts with: a 100 GiB disk, 65 GiB used by the
 * system and data, 21 GiB by logs (86 % in all). Rotated logs older than a week hold 13 GiB, so the operations
 * agent's clean-up brings the disk to 73 %.
 */
export const SIM_LAYOUT = {
  diskBytes: 100 * GIB,
  baseUsedBytes: 65 * GIB,
  logs: [
    { path: "/var/log/app/app.log", sizeBytes: 3 * GIB, ageDays: 0 },
    { path: "/var/log/app/app.log.1", sizeBytes: 2 * GIB, ageDays: 1 },
    { path: "/var/log/app/app.log.2.gz", sizeBytes: 3 * GIB, ageDays: 8 },
    { path: "/var/log/app/app.log.3.gz", sizeBytes: 3 * GIB, ageDays: 15 },
    { path: "/var/log/app/app.log.4.gz", sizeBytes: 3 * GIB, ageDays: 22 },
    { path: "/var/log/nginx/access.log", sizeBytes: 1 * GIB, ageDays: 0 },
    { path: "/var/log/nginx/access.log.1.gz", sizeBytes: 2 * GIB, ageDays: 9 },
    { path: "/var/log/nginx/access.log.2.gz", sizeBytes: 2 * GIB, ageDays: 16 },
    { path: "/var/log/postgresql/postgresql.log", sizeBytes: 512 * MIB, ageDays: 0 },
    { path: "/var/log/journal/system.journal", sizeBytes: 1.5 * GIB, ageDays: 3 },
  ],
} as const;

/** Rotated logs (`name.log.N`, `name.log.N.gz`) may be removed; live logs are never touched. */
const ROTATED = "\\.log\\.[0-9]+(\\.gz)?$";

export type DiskUsage = {
  hostname: string;
  diskBytes: number;
  usedBytes: number;
  freeBytes: number;
  usedPercent: number;
};

export type LogFileView = { path: string; sizeBytes: number; ageDays: number; rotated: boolean };

const percent = (used: number, total: number) => Math.round((used / total) * 1000) / 10;

function usageOf(row: { hostname: string; diskBytes: bigint; usedBytes: bigint }): DiskUsage {
  const diskBytes = Number(row.diskBytes);
  const usedBytes = Number(row.usedBytes);
  return {
    hostname: row.hostname,
    diskBytes,
    usedBytes,
    freeBytes: diskBytes - usedBytes,
    usedPercent: percent(usedBytes, diskBytes),
  };
}

function checkHostname(hostname: string | undefined) {
  if (hostname !== undefined && hostname !== SIM_HOSTNAME) {
    throw new ToolError(
      "not_found",
      "server_not_found",
      `no server "${hostname}"; the workspace has "${SIM_HOSTNAME}"`,
    );
  }
}

/** The workspace's simulated server, created with SIM_LAYOUT on first use (concurrent first uses create one). */
export async function ensureSimServer(db: DbClient, workspaceId: string): Promise<{ id: string }> {
  const existing = await db.simServer.findUnique({
    where: { workspaceId_hostname: { workspaceId, hostname: SIM_HOSTNAME } },
    select: { id: true },
  });
  if (existing) return existing;
  const logBytes = SIM_LAYOUT.logs.reduce((sum, log) => sum + log.sizeBytes, 0);
  const logs = JSON.stringify(SIM_LAYOUT.logs);
  // Server and logs in one statement: nobody ever sees the server without its logs.
  const [created] = await db.$queryRaw<{ id: string }[]>`
    WITH server AS (
      INSERT INTO sim_servers (id, workspace_id, hostname, disk_bytes, used_bytes, created_at, updated_at)
      VALUES (gen_random_uuid(), ${workspaceId}::uuid, ${SIM_HOSTNAME}, ${SIM_LAYOUT.diskBytes}::bigint,
              ${SIM_LAYOUT.baseUsedBytes + logBytes}::bigint, now(), now())
      ON CONFLICT (workspace_id, hostname) DO NOTHING
      RETURNING id
    ), logs AS (
      INSERT INTO sim_log_files (id, workspace_id, server_id, path, size_bytes, modified_at)
      SELECT gen_random_uuid(), ${workspaceId}::uuid, server.id, log.path, log."sizeBytes",
             now() - make_interval(days => log."ageDays")
      FROM server, jsonb_to_recordset(${logs}::jsonb) AS log(path text, "sizeBytes" bigint, "ageDays" int)
    )
    SELECT id FROM server`;
  if (created) return created;
  // Another caller created it first.
  return db.simServer.findUniqueOrThrow({
    where: { workspaceId_hostname: { workspaceId, hostname: SIM_HOSTNAME } },
    select: { id: true },
  });
}

export async function checkDiskUsage(
  db: DbClient,
  input: { workspaceId: string; hostname?: string },
): Promise<DiskUsage> {
  checkHostname(input.hostname);
  await ensureSimServer(db, input.workspaceId);
  const row = await db.simServer.findUniqueOrThrow({
    where: { workspaceId_hostname: { workspaceId: input.workspaceId, hostname: SIM_HOSTNAME } },
  });
  return usageOf(row);
}

export async function listLogFiles(
  db: DbClient,
  input: { workspaceId: string; hostname?: string; olderThanDays?: number },
): Promise<{ hostname: string; files: LogFileView[]; totalBytes: number }> {
  checkHostname(input.hostname);
  const server = await ensureSimServer(db, input.workspaceId);
  const rows = await db.$queryRaw<{ path: string; size_bytes: bigint; age_days: number; rotated: boolean }[]>`
    SELECT path, size_bytes, floor(extract(epoch FROM now() - modified_at) / 86400)::int AS age_days,
           path ~ ${ROTATED} AS rotated
    FROM sim_log_files
    WHERE workspace_id = ${input.workspaceId}::uuid AND server_id = ${server.id}::uuid AND deleted_at IS NULL
      AND modified_at <= now() - make_interval(days => ${input.olderThanDays ?? 0})
    ORDER BY path`;
  const files = rows.map((row) => ({
    path: row.path,
    sizeBytes: Number(row.size_bytes),
    ageDays: row.age_days,
    rotated: row.rotated,
  }));
  return { hostname: SIM_HOSTNAME, files, totalBytes: files.reduce((sum, file) => sum + file.sizeBytes, 0) };
}

/**
 * Removes the rotated logs older than `olderThanDays` and gives their bytes back to the disk, in one statement
 * (so it is atomic on its own, and inside the ledger's transaction when a tool calls it).
 */
export async function cleanLogFiles(
  db: DbClient,
  input: { workspaceId: string; hostname?: string; olderThanDays: number },
): Promise<{ deleted: string[]; freedBytes: number; usage: DiskUsage }> {
  checkHostname(input.hostname);
  const server = await ensureSimServer(db, input.workspaceId);
  const [row] = await db.$queryRaw<
    { paths: string[] | null; freed: bigint; hostname: string; disk_bytes: bigint; used_bytes: bigint }[]
  >`
    WITH removed AS (
      UPDATE sim_log_files SET deleted_at = now()
      WHERE workspace_id = ${input.workspaceId}::uuid AND server_id = ${server.id}::uuid AND deleted_at IS NULL
        AND path ~ ${ROTATED} AND modified_at <= now() - make_interval(days => ${input.olderThanDays})
      RETURNING path, size_bytes
    ), freed AS (
      SELECT array_agg(path ORDER BY path) AS paths, COALESCE(sum(size_bytes), 0)::bigint AS bytes FROM removed
    ), server AS (
      UPDATE sim_servers SET used_bytes = used_bytes - (SELECT bytes FROM freed), updated_at = now()
      WHERE id = ${server.id}::uuid
      RETURNING hostname, disk_bytes, used_bytes
    )
    SELECT freed.paths, freed.bytes AS freed, server.hostname, server.disk_bytes, server.used_bytes
    FROM freed, server`;
  if (!row) throw new Error("simulated server vanished during clean-up");
  return {
    deleted: row.paths ?? [],
    freedBytes: Number(row.freed),
    usage: usageOf({ hostname: row.hostname, diskBytes: row.disk_bytes, usedBytes: row.used_bytes }),
  };
}

/** What a clean-up would remove, without removing it (dry runs). */
export async function previewCleanLogFiles(
  db: DbClient,
  input: { workspaceId: string; hostname?: string; olderThanDays: number },
): Promise<{ wouldDelete: string[]; wouldFreeBytes: number }> {
  const { files } = await listLogFiles(db, input);
  const rotated = files.filter((file) => file.rotated);
  return {
    wouldDelete: rotated.map((file) => file.path),
    wouldFreeBytes: rotated.reduce((sum, file) => sum + file.sizeBytes, 0),
  };
}
