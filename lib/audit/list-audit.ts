import type { DbClient } from "@/lib/db";
import { type Cursor, toPage } from "@/lib/http/pagination";

export async function listAuditEntries(
  db: DbClient,
  input: { workspaceId: string; limit: number; cursor: Cursor | null },
) {
  const { cursor } = input;
  const rows = await db.auditLog.findMany({
    where: {
      workspaceId: input.workspaceId,
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  return toPage(
    rows,
    input.limit,
    (row) => ({ at: row.createdAt, id: row.id }),
    (row) => ({
      id: row.id,
      action: row.action,
      target_type: row.targetType,
      target_id: row.targetId,
      actor_user_id: row.actorUserId,
      actor_token_id: row.actorTokenId,
      request_id: row.requestId,
      data: row.data,
      created_at: row.createdAt.toISOString(),
    }),
  );
}
