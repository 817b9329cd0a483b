import { type ConsoleListQuery, consoleListPlan, isStuck, requestersOf } from "@/lib/console/list-query";
import type { DbClient, Prisma } from "@/lib/db";
import { notFound } from "@/lib/http/errors";
import { toPage } from "@/lib/http/pagination";
import { settleTokens } from "@/lib/usage/quota";
import { isUuid } from "@/lib/workspaces/members";

export const TERMINAL_STATUSES = ["succeeded", "failed", "canceled", "timed_out"] as const;
export type TerminalStatus = (typeof TERMINAL_STATUSES)[number];
export const isTerminal = (status: string): status is TerminalStatus =>
  (TERMINAL_STATUSES as readonly string[]).includes(status);

/** One NOTIFY per appended batch, not per chunk: NOTIFY serialises commits cluster-wide. */
export const CHUNK_CHANNEL = "generation_chunks";

export type ChunkKind = "delta" | "tool" | "status" | "end";
export type NewChunk = { kind: ChunkKind; data: Prisma.InputJsonValue };

type GenerationRow = {
  id: string;
  status: string;
  errorType: string | null;
  errorCode: string | null;
  errorMessage: string | null;
  assistantMessageId: string | null;
  userMessageId: string;
  conversationId: string;
  model: string;
  degraded: string | null;
  attempts: number;
  lastChunkSeq: number;
  createdAt: Date;
  updatedAt: Date;
};

export function presentGeneration(row: GenerationRow) {
  return {
    id: row.id,
    status: row.status,
    conversation_id: row.conversationId,
    user_message_id: row.userMessageId,
    message_id: row.assistantMessageId,
    model: row.model,
    degraded: row.degraded,
    attempts: row.attempts,
    last_seq: row.lastChunkSeq,
    ...(row.errorType ? { error: { type: row.errorType, code: row.errorCode, message: row.errorMessage } } : {}),
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export async function getGenerationOrThrow(db: DbClient, input: { workspaceId: string; generationId: string }) {
  const row = isUuid(input.generationId)
    ? await db.generation.findFirst({ where: { id: input.generationId, workspaceId: input.workspaceId } })
    : null;
  if (!row) throw notFound("generation");
  return row;
}

/**
 * Appends chunks after the generation's last seq and wakes stream readers with a single notification. Always
 * call it inside a transaction: the seq allocation and the insert must commit together (or a crash leaves a gap). Returns the seq of the last chunk and whether a cancel was requested meanwhile.
 */
export async function appendChunks(
  db: DbClient,
  generationId: string,
  chunks: NewChunk[],
): Promise<{ lastSeq: number; cancelRequested: boolean }> {
  const [row] = await db.$queryRaw<{ last_chunk_seq: number; cancel_requested_at: Date | null }[]>`
    UPDATE generations SET last_chunk_seq = last_chunk_seq + ${chunks.length}, updated_at = now()
    WHERE id = ${generationId}::uuid RETURNING last_chunk_seq, cancel_requested_at`;
  if (!row) throw notFound("generation");
  if (chunks.length > 0) {
    const first = row.last_chunk_seq - chunks.length + 1;
    await db.generationChunk.createMany({
      data: chunks.map((chunk, index) => ({ generationId, seq: first + index, kind: chunk.kind, data: chunk.data })),
    });
    await db.$executeRaw`SELECT pg_notify(${CHUNK_CHANNEL}, ${generationId})`;
  }
  return { lastSeq: row.last_chunk_seq, cancelRequested: row.cancel_requested_at !== null };
}

/**
 * Moves a generation to a terminal status exactly once (a no-op returning false if it already is terminal),
 * settles its quota reservation with the tokens really used, and ends its stream. Call it in a transaction.
 */
export async function finishGeneration(
  db: DbClient,
  input: {
    generationId: string;
    status: TerminalStatus;
    usedTokens: number;
    error?: { type: string; code: string; message: string };
    assistantMessageId?: string;
  },
): Promise<boolean> {
  const [finished] = await db.$queryRaw<{ workspace_id: string; reserved_tokens: number; created_at: Date }[]>`
    UPDATE generations
    SET status = ${input.status}::"GenerationStatus", finished_at = now(), updated_at = now(),
        error_type = ${input.error?.type ?? null}, error_code = ${input.error?.code ?? null},
        error_message = ${input.error?.message ?? null},
        assistant_message_id = COALESCE(${input.assistantMessageId ?? null}::uuid, assistant_message_id)
    WHERE id = ${input.generationId}::uuid AND status IN ('queued', 'running')
    RETURNING workspace_id, reserved_tokens, created_at`;
  if (!finished) return false;
  await settleTokens(db, {
    workspaceId: finished.workspace_id,
    reserved: finished.reserved_tokens,
    used: input.usedTokens,
    reservedAt: finished.created_at,
  });
  await appendChunks(db, input.generationId, [
    { kind: "end", data: { status: input.status, ...(input.error ? { error: input.error } : {}) } },
  ]);
  return true;
}

export const GENERATION_STATUSES = ["queued", "running", ...TERMINAL_STATUSES] as const;
export type GenerationStatus = (typeof GENERATION_STATUSES)[number];

/**
 * The runs console's generations list (same query as the runs list): each with its conversation's title, its
 * requester and `stuck` (queued or running with no new chunk for HOLDFAST_STUCK_AFTER_SECONDS).
 */
export async function listGenerations(
  db: DbClient,
  input: { workspaceId: string; query: ConsoleListQuery<GenerationStatus> },
) {
  const plan = consoleListPlan(input.workspaceId, input.query);
  const rows = await db.generation.findMany({
    where: plan.where as Prisma.GenerationWhereInput,
    orderBy: plan.orderBy as Prisma.GenerationOrderByWithRelationInput[],
    take: plan.take,
  });
  const page = rows.slice(0, input.query.limit);
  const conversationIds = [...new Set(page.map((row) => row.conversationId))];
  const [requester, conversations] = await Promise.all([
    requestersOf(
      db,
      page.map((row) => row.requestedById),
    ),
    conversationIds.length
      ? db.conversation.findMany({
          where: { workspaceId: input.workspaceId, id: { in: conversationIds } },
          select: { id: true, title: true },
        })
      : [],
  ]);
  const titleOf = new Map(conversations.map((c) => [c.id, c.title]));
  const now = Date.now();
  return toPage(rows, input.query.limit, plan.positionOf, (row) => ({
    id: row.id,
    conversation_id: row.conversationId,
    conversation_title: titleOf.get(row.conversationId) ?? null,
    status: row.status,
    model: row.model,
    prompt_label: row.promptLabel,
    degraded: row.degraded,
    attempts: row.attempts,
    error: row.errorType ? { type: row.errorType, code: row.errorCode, message: row.errorMessage } : null,
    requested_by: requester(row.requestedById),
    request_id: row.requestId,
    message_id: row.assistantMessageId,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    stuck: isStuck(row, now),
  }));
}
