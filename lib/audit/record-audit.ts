import type { DbClient, Prisma } from "@/lib/db";
import type { Actor } from "@/lib/http/route";

export type AuditEntry = {
  workspaceId: string | null;
  actor: Actor | null;
  action: string;
  targetType: string;
  targetId?: string | null;
  requestId?: string | null;
  data?: Prisma.InputJsonValue;
};

/** Appends to the audit log (the table refuses UPDATE and DELETE). Pass the transaction doing the change. */
export async function recordAudit(db: DbClient, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({
    data: {
      workspaceId: entry.workspaceId,
      actorUserId: entry.actor?.userId ?? null,
      actorTokenId: entry.actor?.kind === "token" ? entry.actor.tokenId : null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      requestId: entry.requestId ?? null,
      data: entry.data ?? {},
    },
  });
}
