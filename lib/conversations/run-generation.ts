import { classifyProviderError, type ProviderError } from "@/lib/ai/errors";
import { DEFAULT_CHAT_PARAMS } from "@/lib/ai/models";
import { resolveModel, resolveOfflineModel } from "@/lib/ai/providers";
import { streamGeneration } from "@/lib/ai/stream";
import { db, type Prisma } from "@/lib/db";
import { log } from "@/lib/log";
import { recordUsage } from "@/lib/usage/ledger";
import { chunkListener } from "./chunk-listener";
import { buildContext, MAX_OUTPUT_TOKENS, nextSnapshot, type Snapshot } from "./context";
import { appendChunks, finishGeneration, isTerminal } from "./generations";
import type { ConversationSettings } from "./schemas";

// Deltas are written in batches: at most this many ms or characters are held before they are persisted (and only
// persisted chunks are ever sent to a client, so nothing acknowledged can be lost).
const FLUSH_MS = 50;
const FLUSH_CHARS = 1_024;
const CANCEL_POLL_MS = 250;
/** From this attempt on, a provider that keeps failing is replaced by the offline model (degraded mode). */
const DEGRADE_FROM_ATTEMPT = 2;
const CONTINUE_INSTRUCTION =
  "Your previous answer was interrupted after the text above. Continue it exactly where it stopped, without repeating anything.";

export type ReplyOutcome = {
  kind: "completed" | "canceled" | "already_finished";
  text: string;
  usage: { inputTokens: number; outputTokens: number };
  costMicros: number;
  contextBuildId: string | null;
  promptVersionId: string | null;
  model: string;
  providerVersion: string | null;
  params: { temperature: number; seed: number };
  degraded: string | null;
};

/** Step 1: queued → running (once). False when there is nothing to do (finished, or canceled while queued). */
export async function startGeneration(generationId: string): Promise<boolean> {
  return db().$transaction(async (tx) => {
    const [row] = await tx.$queryRaw<{ status: string; cancel_requested_at: Date | null }[]>`
      SELECT status, cancel_requested_at FROM generations WHERE id = ${generationId}::uuid FOR UPDATE`;
    if (!row || isTerminal(row.status)) return false;
    if (row.status === "queued") {
      await tx.generation.update({ where: { id: generationId }, data: { status: "running", startedAt: new Date() } });
      await appendChunks(tx, generationId, [{ kind: "status", data: { status: "running" } }]);
      log("info", "generation.running", { generation_id: generationId });
    }
    return true;
  });
}

/**
 * Step 2: the model call, streamed into persisted chunks. A retry after a crash continues after the text already
 * persisted (the offline model is deterministic and simply skips it; a remote model is asked to continue).
 * Retriable provider errors are thrown for the engine to retry with backoff; a cancel ends the call at once.
 */
export async function streamReply(generationId: string, attempt: number): Promise<ReplyOutcome> {
  const generation = await db().generation.findUniqueOrThrow({ where: { id: generationId } });
  const settings = (await db().conversation.findUniqueOrThrow({ where: { id: generation.conversationId } }))
    .settings as ConversationSettings;
  const params = {
    temperature: settings.temperature ?? DEFAULT_CHAT_PARAMS.temperature,
    seed: settings.seed ?? DEFAULT_CHAT_PARAMS.seed,
  };
  const base = { usage: { inputTokens: 0, outputTokens: 0 }, costMicros: 0, model: generation.model, params };
  const persisted = await persistedText(generationId);
  if (isTerminal(generation.status)) {
    return {
      ...base,
      kind: "already_finished",
      text: persisted,
      contextBuildId: null,
      promptVersionId: null,
      providerVersion: null,
      degraded: null,
    };
  }
  const userMessage = await db().message.findUniqueOrThrow({ where: { id: generation.userMessageId } });
  const context = await buildContext(db(), {
    workspaceId: generation.workspaceId,
    generationId,
    conversationId: generation.conversationId,
    uptoSeq: userMessage.seq,
    promptLabel: generation.promptLabel,
  });

  const degrade = attempt >= DEGRADE_FROM_ATTEMPT && generation.errorType === "provider_unavailable";
  const resolved = degrade ? resolveOfflineModel(undefined, generation.model) : resolveModel(generation.model);
  const degraded = degrade ? "offline_model" : generation.degraded;
  if (degrade && generation.degraded !== "offline_model") {
    await db().generation.update({ where: { id: generationId }, data: { degraded: "offline_model" } });
    await db().$transaction((tx) =>
      appendChunks(tx, generationId, [
        { kind: "status", data: { status: "degraded", reason: "provider_unavailable", model: resolved.stamp.modelId } },
      ]),
    );
  }

  const [system, ...history] = context.messages;
  const resumed = persisted.length > 0 && !resolved.offline;
  const messages = [
    ...history.map((m) => ({ role: m.role as "user" | "assistant", content: m.content })),
    ...(resumed
      ? [
          { role: "assistant" as const, content: persisted },
          { role: "user" as const, content: CONTINUE_INSTRUCTION },
        ]
      : []),
  ];
  let skip = resolved.offline ? persisted.length : 0;

  const abort = new AbortController();
  const writer = new ChunkWriter(generationId, () => abort.abort());
  const watcher = watchForCancel(generationId, abort);
  let text = persisted;
  try {
    for await (const event of streamGeneration({
      model: resolved,
      system: system?.content,
      messages,
      temperature: params.temperature,
      seed: params.seed,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      signal: abort.signal,
      headers: generation.requestId ? { "X-Request-Id": generation.requestId } : undefined,
    })) {
      if (event.type === "text-delta") {
        let delta = event.delta;
        if (skip > 0) {
          const cut = Math.min(skip, delta.length);
          delta = delta.slice(cut);
          skip -= cut;
        }
        if (!delta) continue;
        text += delta;
        writer.push(delta);
      } else if (event.type === "finish") {
        await writer.flush();
        return {
          kind: "completed",
          text,
          usage: { inputTokens: event.usage.inputTokens, outputTokens: event.usage.outputTokens },
          costMicros: event.costMicros,
          contextBuildId: context.contextBuildId,
          promptVersionId: context.promptVersion.id,
          model: resolved.stamp.modelId,
          providerVersion: resolved.stamp.providerVersion,
          params,
          degraded,
        };
      }
    }
    throw new Error("the model stream ended without finishing");
  } catch (error) {
    await writer.flush().catch(() => {});
    const classified = classifyProviderError(error);
    if (classified.kind === "canceled" && abort.signal.aborted) {
      return {
        ...base,
        kind: "canceled",
        text,
        contextBuildId: context.contextBuildId,
        promptVersionId: context.promptVersion.id,
        providerVersion: resolved.stamp.providerVersion,
        degraded,
      };
    }
    await rememberFailure(generationId, classified);
    throw classified;
  } finally {
    watcher.stop();
  }
}

/** Step 3: the assistant message with its version stamp, usage, quota settlement, snapshot and the end event. */
export async function finalizeGeneration(generationId: string, outcome: ReplyOutcome): Promise<{ status: string }> {
  if (outcome.kind === "already_finished") return { status: "already_finished" };
  return db().$transaction(async (tx) => {
    const generation = await tx.generation.findUniqueOrThrow({ where: { id: generationId } });
    if (isTerminal(generation.status)) return { status: generation.status };
    const [conversation] = await tx.$queryRaw<{ last_seq: number; snapshot: Snapshot }[]>`
      SELECT last_seq, snapshot FROM conversations WHERE id = ${generation.conversationId}::uuid FOR UPDATE`;
    if (!conversation) throw new Error(`conversation ${generation.conversationId} vanished`);
    const seq = conversation.last_seq + 1;
    const message = await tx.message.create({
      data: {
        workspaceId: generation.workspaceId,
        conversationId: generation.conversationId,
        seq,
        role: "assistant",
        content: outcome.text,
        status: outcome.kind === "canceled" ? "canceled" : "completed",
        generationId,
        promptVersionId: outcome.promptVersionId,
        model: outcome.model,
        providerVersion: outcome.providerVersion,
        params: outcome.params as Prisma.InputJsonValue,
        contextBuildId: outcome.contextBuildId,
        inputTokens: outcome.usage.inputTokens,
        outputTokens: outcome.usage.outputTokens,
        costMicros: BigInt(outcome.costMicros),
      },
    });
    const userMessage = await tx.message.findUniqueOrThrow({ where: { id: generation.userMessageId } });
    // A canceled turn (a cancel, or a conversation reset: lib/conversations/reset.ts) is not folded into the
    // snapshot: its answer is partial, and a reset must not be undone by the turn it stopped.
    await tx.conversation.update({
      where: { id: generation.conversationId },
      data: {
        lastSeq: seq,
        ...(outcome.kind === "canceled"
          ? {}
          : {
              snapshot: nextSnapshot(conversation.snapshot, {
                userSeq: userMessage.seq,
                user: userMessage.content,
                assistant: outcome.text,
              }) as Prisma.InputJsonValue,
            }),
      },
    });
    await recordUsage(tx, {
      workspaceId: generation.workspaceId,
      userId: generation.requestedById,
      kind: "model_call",
      model: outcome.model,
      inputTokens: outcome.usage.inputTokens,
      outputTokens: outcome.usage.outputTokens,
      costMicros: outcome.costMicros,
      messageId: message.id,
      generationId,
    });
    const status = outcome.kind === "canceled" ? "canceled" : "succeeded";
    await finishGeneration(tx, {
      generationId,
      status,
      usedTokens: outcome.usage.inputTokens + outcome.usage.outputTokens,
      assistantMessageId: message.id,
    });
    log("info", "generation.finished", {
      generation_id: generationId,
      status,
      message_id: message.id,
      model: outcome.model,
      input_tokens: outcome.usage.inputTokens,
      output_tokens: outcome.usage.outputTokens,
    });
    return { status };
  });
}

/** onFailure: the last attempt failed (or a non-retriable error) — end the generation with a normalized reason. */
export async function failGeneration(generationId: string, error: { name?: string; message?: string }): Promise<void> {
  const generation = await db().generation.findUnique({ where: { id: generationId } });
  if (!generation || isTerminal(generation.status)) return;
  const timedOut = generation.errorType === "timeout";
  log("warn", "generation.failed", {
    generation_id: generationId,
    status: timedOut ? "timed_out" : "failed",
    error_code: generation.errorCode ?? "generation_failed",
  });
  await db().$transaction((tx) =>
    finishGeneration(tx, {
      generationId,
      status: timedOut ? "timed_out" : "failed",
      usedTokens: 0,
      error: {
        type: generation.errorType ?? "internal",
        code: generation.errorCode ?? "generation_failed",
        message: generation.errorMessage ?? error.message ?? "the generation failed",
      },
    }),
  );
}

async function rememberFailure(generationId: string, error: ProviderError) {
  log("warn", "generation.attempt_failed", { generation_id: generationId, kind: error.kind, code: error.code });
  await db().generation.update({
    where: { id: generationId },
    data: {
      errorType: error.publicType,
      errorCode: error.code,
      errorMessage: error.message,
      attempts: { increment: 1 },
    },
  });
}

async function persistedText(generationId: string): Promise<string> {
  const deltas = await db().generationChunk.findMany({
    where: { generationId, kind: "delta" },
    orderBy: { seq: "asc" },
    select: { data: true },
  });
  return deltas.map((chunk) => (chunk.data as { text: string }).text).join("");
}

/**
 * Persists deltas in batches without holding up the provider read: at most one write is in flight, text that
 * arrives meanwhile joins the next batch, and a timer flushes a quiet buffer after FLUSH_MS. The slower the
 * database, the larger the batches — never one transaction per token. Reports a cancel seen while writing.
 */
class ChunkWriter {
  private buffer = "";
  private inFlight: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private failure: unknown = null;

  constructor(
    private readonly generationId: string,
    private readonly onCancel: () => void,
  ) {}

  push(delta: string) {
    if (this.failure) throw this.failure;
    this.buffer += delta;
    if (this.buffer.length >= FLUSH_CHARS) this.startWrite();
    else this.timer ??= setTimeout(() => this.startWrite(), FLUSH_MS);
  }

  /** Waits until everything pushed so far is persisted. */
  async flush() {
    while ((this.inFlight || this.buffer) && !this.failure) {
      this.startWrite();
      await this.inFlight;
    }
    if (this.failure) throw this.failure;
  }

  private startWrite() {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.inFlight || !this.buffer || this.failure) return;
    const text = this.buffer;
    this.buffer = "";
    // One transaction: a kill between allocating the seq and inserting the chunk must not leave a gap.
    this.inFlight = db()
      .$transaction((tx) => appendChunks(tx, this.generationId, [{ kind: "delta", data: { text } }]))
      .then(({ cancelRequested }) => {
        if (cancelRequested) this.onCancel();
      })
      .catch((error: unknown) => {
        this.failure = error;
      })
      .finally(() => {
        this.inFlight = null;
        if (this.buffer) this.timer ??= setTimeout(() => this.startWrite(), FLUSH_MS);
      });
  }
}

/** Aborts the model call when a cancel is requested, even while the provider sends nothing. */
function watchForCancel(generationId: string, abort: AbortController) {
  const stopped = new AbortController();
  const watch = chunkListener().watch(generationId);
  void (async () => {
    while (!stopped.signal.aborted && !abort.signal.aborted) {
      const row = await db().generation.findUnique({
        where: { id: generationId },
        select: { cancelRequestedAt: true },
      });
      if (row?.cancelRequestedAt) {
        abort.abort();
        return;
      }
      await watch.wait(CANCEL_POLL_MS, stopped.signal);
    }
  })()
    .catch((error: unknown) => log("warn", "generation.cancel_watch_failed", { generation_id: generationId, error }))
    .finally(watch.close);
  return { stop: () => stopped.abort() };
}
