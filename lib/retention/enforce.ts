import { recordAudit } from "@/lib/audit/record-audit";
import type { Database, DbClient } from "@/lib/db";
import { log } from "@/lib/log";

/** The tables a workspace's retention deletes from (the audit log and the usage ledger are never among them). */
export const RETENTION_TABLES = [
  "conversations",
  "messages",
  "generations",
  "generation_chunks",
  "context_builds",
  "agent_runs",
  "agent_steps",
  "agent_state_patches",
  "agent_approvals",
  "agent_run_events",
  "side_effects",
  "request_logs",
  "log_lines",
  "idempotency_records",
] as const;
export type RetentionTable = (typeof RETENTION_TABLES)[number];
export type RetentionCounts = Record<RetentionTable, number>;

/** Operational rows that belong to no workspace, kept this long (the default of a workspace's setting). */
export const GLOBAL_RETENTION_DAYS = 90;
export const GLOBAL_TABLES = ["request_logs", "log_lines", "event_outbox", "rate_limit_buckets"] as const;
export type GlobalCounts = Record<(typeof GLOBAL_TABLES)[number], number>;

export type WorkspaceRetention = {
  workspaceId: string;
  slug: string;
  retentionDays: number;
  cutoff: string;
  deleted: RetentionCounts;
};
export type RetentionReport = {
  dryRun: boolean;
  workspaces: WorkspaceRetention[];
  /** Rows of no workspace (null only when the run was limited to some workspaces). */
  global: GlobalCounts | null;
};

export type RetentionOptions = {
  /** Count what would go, delete nothing, record nothing. */
  dryRun?: boolean;
  /** Rows per transaction: each batch locks and deletes at most this many parents (and their children). */
  batchSize?: number;
  now?: Date;
  /** Only these workspaces (ids), and no global rows. */
  workspaceIds?: string[];
};

const FINISHED_RUN = ["succeeded", "failed", "canceled", "timed_out"];
const ACTIVE_GENERATION = ["queued", "running"];
const DAY_MS = 24 * 3600_000;
const ZERO_UUID = "00000000-0000-0000-0000-000000000000";
const WORKSPACE_PAGE = 100;

const zeroCounts = (): RetentionCounts =>
  Object.fromEntries(RETENTION_TABLES.map((table) => [table, 0])) as RetentionCounts;
export const totalOf = (counts: Record<string, number>) => Object.values(counts).reduce((sum, n) => sum + n, 0);

/**
 * The retention job (SPEC §6): for each workspace, deletes what is past its `retention_days` — conversations
 * whose last activity is older (with their messages, generations, chunks and context builds), finished agent runs
 * that finished before (with steps, patches, approvals, run events and side-effect ledger rows), request logs and
 * idempotency records — then operational rows of no workspace past GLOBAL_RETENTION_DAYS.
 *
 * Never touched: the audit log and usage ledger (kept by design), active work however old (a conversation with a
 * queued or running generation, a run not yet finished), and the world the agents acted on (records, sent emails,
 * simulated servers: the workspace's data, not operational state). Work is done in short transactions of
 * `batchSize` parents that delete children first, so a kill at any point leaves no orphans and a re-run just
 * continues. Each workspace where something was deleted gets a `retention.enforced` audit row with the counts.
 */
export async function enforceRetention(client: Database, options: RetentionOptions = {}): Promise<RetentionReport> {
  const report: RetentionReport = { dryRun: !!options.dryRun, workspaces: [], global: null };
  let after: string | null = ZERO_UUID;
  while (after) {
    const page = await enforceWorkspacePage(client, { ...options, after });
    report.workspaces.push(...page.workspaces);
    after = page.next;
  }
  if (!options.workspaceIds) report.global = await enforceGlobalRetention(client, options);
  return report;
}

/**
 * One page of workspaces (in id order, after `after`): the unit of work of the cron function's steps. `next` is
 * the cursor of the following page, null after the last.
 */
export async function enforceWorkspacePage(
  client: Database,
  options: RetentionOptions & { after?: string },
): Promise<{ workspaces: WorkspaceRetention[]; next: string | null }> {
  const now = options.now ?? new Date();
  const batch = batchOf(options);
  const workspaces = await client.workspace.findMany({
    where: { id: { gt: options.after ?? ZERO_UUID, ...(options.workspaceIds ? { in: options.workspaceIds } : {}) } },
    select: { id: true, slug: true, retentionDays: true },
    orderBy: { id: "asc" },
    take: WORKSPACE_PAGE,
  });
  const done: WorkspaceRetention[] = [];
  for (const workspace of workspaces) {
    const cutoff = new Date(now.getTime() - workspace.retentionDays * DAY_MS);
    const deleted = await enforceWorkspace(client, { workspaceId: workspace.id, cutoff }, batch);
    const entry = { workspaceId: workspace.id, slug: workspace.slug, retentionDays: workspace.retentionDays };
    done.push({ ...entry, cutoff: cutoff.toISOString(), deleted });
    if (totalOf(deleted) > 0 && !batch.dryRun) {
      await recordAudit(client, {
        workspaceId: workspace.id,
        actor: null,
        action: "retention.enforced",
        targetType: "workspace",
        targetId: workspace.id,
        data: { retention_days: workspace.retentionDays, cutoff: cutoff.toISOString(), deleted },
      });
      log("info", "retention.enforced", { workspace_id: workspace.id, ...deleted });
    }
  }
  const next = workspaces.length === WORKSPACE_PAGE ? (workspaces.at(-1)?.id ?? null) : null;
  return { workspaces: done, next };
}

type Batch = { size: number; dryRun: boolean };
const batchOf = (options: RetentionOptions): Batch => ({ size: options.batchSize ?? 500, dryRun: !!options.dryRun });
type Scope = { workspaceId: string; cutoff: Date };
type Key = { at: Date; id: string };

async function enforceWorkspace(client: Database, scope: Scope, batch: Batch): Promise<RetentionCounts> {
  const counts = zeroCounts();
  const add = (more: Partial<RetentionCounts>) => {
    for (const [table, n] of Object.entries(more)) counts[table as RetentionTable] += n;
  };
  for (const kind of PARENTS) {
    await inBatches(
      client,
      batch,
      (tx, from) => kind.expired(tx, scope, from, batch),
      async (tx, ids) => add(await (batch.dryRun ? kind.count : kind.remove)(tx, scope, ids)),
    );
  }
  add(await purgeOperational(client, scope, batch));
  return counts;
}

/**
 * Pages through parents in (created_at, id) order, one transaction per page: `select` picks (and, when deleting,
 * locks) a page after the last key, `handle` counts or deletes it. Rows skipped because they are locked or still
 * active stay behind the key and are looked at again on the next run.
 */
async function inBatches(
  client: Database,
  batch: Batch,
  select: (tx: DbClient, from: Key) => Promise<Key[]>,
  handle: (tx: DbClient, ids: string[]) => Promise<void>,
): Promise<void> {
  let from: Key = { at: new Date(0), id: ZERO_UUID };
  for (;;) {
    const page = await client.$transaction(
      async (tx) => {
        const rows = await select(tx, from);
        if (rows.length > 0)
          await handle(
            tx,
            rows.map((r) => r.id),
          );
        return rows;
      },
      { maxWait: 10_000, timeout: 60_000 },
    );
    const last = page.at(-1);
    if (!last || page.length < batch.size) return;
    from = last;
  }
}

// A conversation's last activity is the newest of its own update, its messages and its generations; one with a
// generation still queued or running is active, however old. (A dry run takes the same locks, so it counts
// exactly what a real run would delete at that moment.)
function expiredConversations(tx: DbClient, scope: Scope, from: Key, batch: Batch): Promise<Key[]> {
  return tx.$queryRaw<Key[]>`
    SELECT c.id::text AS id, c.created_at AS at FROM conversations c
    WHERE c.workspace_id = ${scope.workspaceId}::uuid AND c.created_at < ${scope.cutoff}
      AND c.created_at >= ${from.at} AND (c.created_at, c.id) > (${from.at}, ${from.id}::uuid)
      AND c.updated_at < ${scope.cutoff}
      AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = c.id AND m.created_at >= ${scope.cutoff})
      AND NOT EXISTS (SELECT 1 FROM generations g WHERE g.conversation_id = c.id
                        AND (g.status::text = ANY(${ACTIVE_GENERATION}) OR g.updated_at >= ${scope.cutoff}))
    ORDER BY c.created_at, c.id LIMIT ${batch.size}
    FOR UPDATE OF c SKIP LOCKED`;
}

/** Children first: nothing references a conversation's rows by foreign key, so order is for readers only. */
async function deleteConversations(tx: DbClient, scope: Scope, ids: string[]): Promise<Partial<RetentionCounts>> {
  const generations = (
    await tx.$queryRaw<{ id: string }[]>`
      SELECT id::text FROM generations WHERE conversation_id = ANY(${ids}::uuid[])`
  ).map((g) => g.id);
  return {
    generation_chunks: await tx.$executeRaw`
      DELETE FROM generation_chunks WHERE generation_id = ANY(${generations}::uuid[])`,
    context_builds: await tx.$executeRaw`
      DELETE FROM context_builds
      WHERE workspace_id = ${scope.workspaceId}::uuid AND generation_id = ANY(${generations}::uuid[])`,
    generations: await tx.$executeRaw`DELETE FROM generations WHERE id = ANY(${generations}::uuid[])`,
    messages: await tx.$executeRaw`DELETE FROM messages WHERE conversation_id = ANY(${ids}::uuid[])`,
    conversations: await tx.$executeRaw`DELETE FROM conversations WHERE id = ANY(${ids}::uuid[])`,
  };
}

async function countConversations(tx: DbClient, scope: Scope, ids: string[]): Promise<Partial<RetentionCounts>> {
  const [row] = await tx.$queryRaw<Record<string, number>[]>`
    WITH g AS (SELECT id FROM generations WHERE conversation_id = ANY(${ids}::uuid[]))
    SELECT (SELECT count(*)::int FROM generation_chunks WHERE generation_id IN (SELECT id FROM g)) AS generation_chunks,
           (SELECT count(*)::int FROM context_builds
             WHERE workspace_id = ${scope.workspaceId}::uuid AND generation_id IN (SELECT id FROM g)) AS context_builds,
           (SELECT count(*)::int FROM g) AS generations,
           (SELECT count(*)::int FROM messages WHERE conversation_id = ANY(${ids}::uuid[])) AS messages`;
  return { ...row, conversations: ids.length };
}

// Finished runs only: queued, running and waiting runs are active work, however old.
function expiredRuns(tx: DbClient, scope: Scope, from: Key, batch: Batch): Promise<Key[]> {
  return tx.$queryRaw<Key[]>`
    SELECT r.id::text AS id, r.created_at AS at FROM agent_runs r
    WHERE r.workspace_id = ${scope.workspaceId}::uuid AND r.created_at < ${scope.cutoff}
      AND r.created_at >= ${from.at} AND (r.created_at, r.id) > (${from.at}, ${from.id}::uuid)
      AND r.status::text = ANY(${FINISHED_RUN}) AND r.finished_at < ${scope.cutoff}
    ORDER BY r.created_at, r.id LIMIT ${batch.size}
    FOR UPDATE OF r SKIP LOCKED`;
}

/**
 * A run goes with its steps, patches, approvals, event stream and side-effect ledger rows: the ledger makes a
 * run's tool calls exactly-once, its keys contain the run, and a finished, deleted run calls nothing again.
 */
async function deleteRuns(tx: DbClient, scope: Scope, ids: string[]): Promise<Partial<RetentionCounts>> {
  return {
    agent_steps: await tx.$executeRaw`DELETE FROM agent_steps WHERE run_id = ANY(${ids}::uuid[])`,
    agent_state_patches: await tx.$executeRaw`DELETE FROM agent_state_patches WHERE run_id = ANY(${ids}::uuid[])`,
    agent_approvals: await tx.$executeRaw`DELETE FROM agent_approvals WHERE run_id = ANY(${ids}::uuid[])`,
    agent_run_events: await tx.$executeRaw`DELETE FROM agent_run_events WHERE run_id = ANY(${ids}::uuid[])`,
    side_effects: await tx.$executeRaw`
      DELETE FROM side_effects WHERE workspace_id = ${scope.workspaceId}::uuid AND run_id = ANY(${ids}::uuid[])`,
    agent_runs: await tx.$executeRaw`DELETE FROM agent_runs WHERE id = ANY(${ids}::uuid[])`,
  };
}

async function countRuns(tx: DbClient, scope: Scope, ids: string[]): Promise<Partial<RetentionCounts>> {
  const [row] = await tx.$queryRaw<Record<string, number>[]>`
    SELECT (SELECT count(*)::int FROM agent_steps WHERE run_id = ANY(${ids}::uuid[])) AS agent_steps,
           (SELECT count(*)::int FROM agent_state_patches WHERE run_id = ANY(${ids}::uuid[])) AS agent_state_patches,
           (SELECT count(*)::int FROM agent_approvals WHERE run_id = ANY(${ids}::uuid[])) AS agent_approvals,
           (SELECT count(*)::int FROM agent_run_events WHERE run_id = ANY(${ids}::uuid[])) AS agent_run_events,
           (SELECT count(*)::int FROM side_effects
             WHERE workspace_id = ${scope.workspaceId}::uuid AND run_id = ANY(${ids}::uuid[])) AS side_effects`;
  return { ...row, agent_runs: ids.length };
}

/** Rows deleted with their children: how to find a page of expired ones, delete them, or count them. */
const PARENTS = [
  { expired: expiredConversations, remove: deleteConversations, count: countConversations },
  { expired: expiredRuns, remove: deleteRuns, count: countRuns },
];

const OPERATIONAL = ["request_logs", "log_lines", "idempotency_records"] as const;

/** Request logs, their log lines and idempotency records (no children), deleted `batch.size` at a time. */
async function purgeOperational(client: Database, scope: Scope, batch: Batch): Promise<Partial<RetentionCounts>> {
  const counts: Partial<RetentionCounts> = {};
  // Table names come from the constant list above, never from input.
  for (const table of OPERATIONAL) {
    const where = "workspace_id = $1::uuid AND created_at < $2";
    const params = [scope.workspaceId, scope.cutoff] as const;
    counts[table] = batch.dryRun
      ? ((
          await client.$queryRawUnsafe<{ n: number }[]>(
            `SELECT count(*)::int AS n FROM ${table} WHERE ${where}`,
            ...params,
          )
        )[0]?.n ?? 0)
      : await repeatDelete(batch, () =>
          client.$executeRawUnsafe(
            `DELETE FROM ${table} WHERE id IN (SELECT id FROM ${table} WHERE ${where} LIMIT $3)`,
            ...params,
            batch.size,
          ),
        );
  }
  return counts;
}

/**
 * Rows of no workspace: request logs and log lines of anonymous calls, relayed outbox events, rate-limit windows
 * long over.
 */
export async function enforceGlobalRetention(client: Database, options: RetentionOptions = {}): Promise<GlobalCounts> {
  const now = options.now ?? new Date();
  const cutoff = new Date(now.getTime() - GLOBAL_RETENTION_DAYS * DAY_MS);
  const batch = batchOf(options);
  if (batch.dryRun) {
    const [row] = await client.$queryRaw<GlobalCounts[]>`
      SELECT (SELECT count(*)::int FROM request_logs WHERE workspace_id IS NULL AND created_at < ${cutoff}) AS request_logs,
             (SELECT count(*)::int FROM log_lines WHERE workspace_id IS NULL AND created_at < ${cutoff}) AS log_lines,
             (SELECT count(*)::int FROM event_outbox WHERE sent_at < ${cutoff}) AS event_outbox,
             (SELECT count(*)::int FROM rate_limit_buckets WHERE window_start < ${cutoff}) AS rate_limit_buckets`;
    return row as GlobalCounts;
  }
  const counts: GlobalCounts = {
    request_logs: await repeatDelete(
      batch,
      () => client.$executeRaw`
      DELETE FROM request_logs WHERE id IN (
        SELECT id FROM request_logs WHERE workspace_id IS NULL AND created_at < ${cutoff} LIMIT ${batch.size})`,
    ),
    log_lines: await repeatDelete(
      batch,
      () => client.$executeRaw`
      DELETE FROM log_lines WHERE id IN (
        SELECT id FROM log_lines WHERE workspace_id IS NULL AND created_at < ${cutoff} LIMIT ${batch.size})`,
    ),
    event_outbox: await repeatDelete(
      batch,
      () => client.$executeRaw`
      DELETE FROM event_outbox WHERE id IN (
        SELECT id FROM event_outbox WHERE sent_at < ${cutoff} LIMIT ${batch.size})`,
    ),
    rate_limit_buckets: await repeatDelete(
      batch,
      () => client.$executeRaw`
      DELETE FROM rate_limit_buckets WHERE key IN (
        SELECT key FROM rate_limit_buckets WHERE window_start < ${cutoff} LIMIT ${batch.size})`,
    ),
  };
  if (totalOf(counts) > 0) log("info", "retention.enforced_global", counts);
  return counts;
}

/** Runs a bounded DELETE (its own statement, its own transaction) until it deletes less than a batch. */
async function repeatDelete(batch: Batch, statement: () => Promise<number>): Promise<number> {
  let deleted = 0;
  for (;;) {
    const n = await statement();
    deleted += n;
    if (n < batch.size) return deleted;
  }
}
