import { recordAudit } from "@/lib/audit/record-audit";
import type { DbClient } from "@/lib/db";
import type { Actor } from "@/lib/http/route";
import { requestCancel } from "./cancel";
import { getConversationOrThrow, presentConversation } from "./conversations";

/**
 * Resets a conversation (the runs console's action; call it in a transaction): clears its context snapshot
 * (summary, facts) and cancels its queued and running generations exactly as `POST …/generations/{id}/cancel`
 * does. Its messages stay. Audited `conversation.reset`.
 */
export async function resetConversation(
  db: DbClient,
  input: { workspaceId: string; conversationId: string; actor: Actor; requestId: string },
) {
  const conversation = await getConversationOrThrow(db, input);
  await db.$queryRaw`SELECT id FROM conversations WHERE id = ${conversation.id}::uuid FOR UPDATE`;
  const pending = await db.generation.findMany({
    where: { workspaceId: input.workspaceId, conversationId: conversation.id, status: { in: ["queued", "running"] } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  for (const generation of pending) {
    await requestCancel(db, { workspaceId: input.workspaceId, generationId: generation.id });
  }
  await db.conversation.update({
    where: { id: conversation.id },
    data: { snapshot: {}, version: { increment: 1 } },
  });
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "conversation.reset",
    targetType: "conversation",
    targetId: conversation.id,
    requestId: input.requestId,
    data: { canceled_generations: pending.map((g) => g.id), previous_snapshot: conversation.snapshot ?? {} },
  });
  return {
    conversation: presentConversation(await getConversationOrThrow(db, input)),
    canceled_generations: pending.length,
  };
}
