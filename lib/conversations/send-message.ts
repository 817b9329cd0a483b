import { defaultModelId } from "@/lib/ai/providers";
import type { DbClient } from "@/lib/db";
import { enqueueEvent } from "@/lib/events/outbox";
import { ApiError, notFound } from "@/lib/http/errors";
import type { Actor } from "@/lib/http/route";
import { log } from "@/lib/log";
import { DEFAULT_PROMPT_LABEL } from "@/lib/prompts/prompts";
import { reserveTokens } from "@/lib/usage/quota";
import { isUuid } from "@/lib/workspaces/members";
import { requestCancel } from "./cancel";
import { CONTEXT_BUDGET_TOKENS, MAX_OUTPUT_TOKENS } from "./context";
import { appendChunks, presentGeneration } from "./generations";
import type { ConversationSettings } from "./schemas";

export const GENERATION_REQUESTED = "conversation/generation.requested";

type LockedConversation = {
  id: string;
  busy_policy: "enqueue" | "reject" | "interrupt";
  settings: ConversationSettings;
  last_seq: number;
};

/**
 * The send of SPEC §3, all in the caller's transaction (the idempotency transaction): the user message with the
 * next seq, the quota reservation and the queued generation, plus the event that starts it (outbox).
 * A send while another generation is active follows the conversation's busy policy.
 */
export async function sendMessage(
  db: DbClient,
  input: {
    workspaceId: string;
    conversationId: string;
    actor: Actor;
    content: string;
    model?: string;
    promptLabel?: string;
    requestId: string;
  },
) {
  const [conversation] = isUuid(input.conversationId)
    ? await db.$queryRaw<LockedConversation[]>`
        SELECT id, busy_policy, settings, last_seq FROM conversations
        WHERE id = ${input.conversationId}::uuid AND workspace_id = ${input.workspaceId}::uuid AND deleted_at IS NULL
        FOR UPDATE`
    : [];
  if (!conversation) throw notFound("conversation");

  // Without a provider every model id is answered by the offline model, and the answer's stamp says so.
  const model = input.model ?? conversation.settings.model ?? defaultModelId();
  const promptLabel = input.promptLabel ?? conversation.settings.prompt_label ?? DEFAULT_PROMPT_LABEL;

  const active = await db.generation.findMany({
    where: { conversationId: conversation.id, status: { in: ["queued", "running"] }, cancelRequestedAt: null },
    select: { id: true },
  });
  if (active.length > 0 && conversation.busy_policy === "reject") {
    throw new ApiError("conflict", "generation_in_progress", "an answer is still being generated in this conversation");
  }
  if (active.length > 0 && conversation.busy_policy === "interrupt") {
    for (const generation of active)
      await requestCancel(db, { workspaceId: input.workspaceId, generationId: generation.id });
  }

  const reservedTokens = CONTEXT_BUDGET_TOKENS + MAX_OUTPUT_TOKENS;

  const seq = conversation.last_seq + 1;
  await db.conversation.update({ where: { id: conversation.id }, data: { lastSeq: seq } });
  const message = await db.message.create({
    data: {
      workspaceId: input.workspaceId,
      conversationId: conversation.id,
      seq,
      role: "user",
      content: input.content,
      status: "confirmed",
      authorId: input.actor.userId,
    },
  });
  const generation = await db.generation.create({
    data: {
      workspaceId: input.workspaceId,
      conversationId: conversation.id,
      userMessageId: message.id,
      requestedById: input.actor.userId,
      model,
      promptLabel,
      reservedTokens,
      requestId: input.requestId,
    },
  });
  await db.message.update({ where: { id: message.id }, data: { generationId: generation.id } });
  const { lastSeq } = await appendChunks(db, generation.id, [{ kind: "status", data: { status: "queued" } }]);
  // Reserve the most this turn can use (settled with real usage when the generation ends). Last, because it locks
  // the workspace's quota row until commit: every concurrent send in the workspace queues on it.
  await reserveTokens(db, { workspaceId: input.workspaceId, tokens: reservedTokens });
  log("info", "generation.queued", { generation_id: generation.id, conversation_id: conversation.id, model });
  await enqueueEvent(db, {
    name: GENERATION_REQUESTED,
    data: {
      workspaceId: input.workspaceId,
      conversationId: conversation.id,
      generationId: generation.id,
      requestId: input.requestId,
    },
  });

  return {
    message: {
      id: message.id,
      seq,
      role: "user",
      content: message.content,
      status: message.status,
      generation_id: generation.id,
    },
    generation: presentGeneration({ ...generation, lastChunkSeq: lastSeq }),
    policy: { mode: conversation.busy_policy, active_before: active.length },
  };
}
