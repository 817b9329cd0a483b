import { recordAudit } from "@/lib/audit/record-audit";
import type { DbClient, Role } from "@/lib/db";
import { notFound } from "@/lib/http/errors";
import { staleVersion } from "@/lib/http/etag";
import type { Actor, WorkspaceRef } from "@/lib/http/route";

export type WorkspaceView = {
  id: string;
  slug: string;
  name: string;
  roles: Role[];
  retention_days: number;
  version: number;
};

type WorkspaceRow = { id: string; slug: string; name: string; retentionDays: number; version: number };

const presentWorkspace = (row: WorkspaceRow, roles: Role[]): WorkspaceView => ({
  id: row.id,
  slug: row.slug,
  name: row.name,
  roles,
  retention_days: row.retentionDays,
  version: row.version,
});

const columns = { id: true, slug: true, name: true, retentionDays: true, version: true } as const;

export async function getWorkspaceView(db: DbClient, input: { workspace: WorkspaceRef; roles: Role[] }) {
  const row = await db.workspace.findUnique({ where: { id: input.workspace.id }, select: columns });
  if (!row) throw notFound("workspace");
  return presentWorkspace(row, input.roles);
}

/**
 * Compare-and-set of the retention setting under the workspace row lock (run it in a transaction): a stale
 * `expectedVersion` is a 412 carrying the current workspace. Audited `workspace.retention` with old and new values;
 * setting the value it already has changes nothing and records nothing.
 */
export async function updateRetention(
  db: DbClient,
  input: {
    workspace: WorkspaceRef;
    roles: Role[];
    expectedVersion: number;
    retentionDays: number;
    actor: Actor;
    requestId: string;
  },
): Promise<WorkspaceView> {
  const [locked] = await db.$queryRaw<WorkspaceRow[]>`
    SELECT id::text, slug, name, retention_days AS "retentionDays", version FROM workspaces
    WHERE id = ${input.workspace.id}::uuid FOR UPDATE`;
  if (!locked) throw notFound("workspace");
  const current = presentWorkspace(locked, input.roles);
  if (current.version !== input.expectedVersion) throw staleVersion({ workspace: current }, current.version);
  if (locked.retentionDays === input.retentionDays) return current;
  const updated = await db.workspace.update({
    where: { id: locked.id },
    data: { retentionDays: input.retentionDays, version: { increment: 1 } },
    select: columns,
  });
  await recordAudit(db, {
    workspaceId: locked.id,
    actor: input.actor,
    action: "workspace.retention",
    targetType: "workspace",
    targetId: locked.id,
    requestId: input.requestId,
    data: { from: locked.retentionDays, to: input.retentionDays },
  });
  return presentWorkspace(updated, input.roles);
}
