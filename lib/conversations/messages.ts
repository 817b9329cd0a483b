import type { DbClient } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";

export function readAfterSeq(url: URL): { afterSeq: number; limit: number } {
  const afterSeq = Number(url.searchParams.get("after_seq") ?? "0");
  const limit = Number(url.searchParams.get("limit") ?? "100");
  if (!Number.isInteger(afterSeq) || afterSeq < 0)
    throw new ApiError("validation", "invalid_after_seq", "after_seq must be a seq number");
  if (!Number.isInteger(limit) || limit < 1 || limit > 100)
    throw new ApiError("validation", "invalid_limit", "limit must be an integer from 1 to 100");
  return { afterSeq, limit };
}

/** Messages in seq order after `afterSeq`; the cursor of the next page is simply the last seq. */
export async function listMessages(
  db: DbClient,
  input: { workspaceId: string; conversationId: string; afterSeq: number; limit: number },
) {
  const rows = await db.message.findMany({
    where: { workspaceId: input.workspaceId, conversationId: input.conversationId, seq: { gt: input.afterSeq } },
    orderBy: { seq: "asc" },
    take: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const promptIds = [...new Set(page.flatMap((row) => (row.promptVersionId ? [row.promptVersionId] : [])))];
  const prompts = new Map(
    (
      await db.promptVersion.findMany({
        where: { id: { in: promptIds }, workspaceId: input.workspaceId },
        select: { id: true, name: true, version: true },
      })
    ).map((prompt) => [prompt.id, prompt]),
  );
  // Whether an answer came from the degraded fallback lives on its generation.
  const degradedGenerations = new Set(
    (
      await db.generation.findMany({
        where: {
          id: { in: page.flatMap((row) => (row.role === "assistant" && row.generationId ? [row.generationId] : [])) },
          workspaceId: input.workspaceId,
          degraded: { not: null },
        },
        select: { id: true },
      })
    ).map((generation) => generation.id),
  );
  return {
    data: page.map((row) =>
      presentMessage(row, {
        prompt: row.promptVersionId ? prompts.get(row.promptVersionId) : undefined,
        degraded: row.generationId !== null && degradedGenerations.has(row.generationId),
      }),
    ),
    next_cursor: rows.length > input.limit ? String(page.at(-1)?.seq) : null,
  };
}

type MessageRow = Awaited<ReturnType<DbClient["message"]["findFirstOrThrow"]>>;

type PromptRef = { id: string; name: string; version: number };

export function presentMessage(row: MessageRow, extra: { prompt?: PromptRef; degraded?: boolean } = {}) {
  const base = {
    id: row.id,
    seq: row.seq,
    role: row.role,
    content: row.content,
    status: row.status,
    generation_id: row.generationId,
    created_at: row.createdAt.toISOString(),
  };
  if (row.role !== "assistant") return base;
  return {
    ...base,
    prompt_version: extra.prompt ?? null,
    degraded: extra.degraded ?? false,
    model: row.model,
    provider_version: row.providerVersion,
    params: row.params,
    context_build_id: row.contextBuildId,
    usage: {
      input_tokens: row.inputTokens ?? 0,
      output_tokens: row.outputTokens ?? 0,
      cost: Number(row.costMicros ?? 0) / 1_000_000,
      cost_micros: Number(row.costMicros ?? 0),
    },
  };
}
