import { estimateMessageTokens, takeRecentWithinBudget } from "@/lib/ai/tokens";
import type { DbClient, Prisma } from "@/lib/db";
import { notFound } from "@/lib/http/errors";
import { resolvePrompt } from "@/lib/prompts/prompts";
import { isUuid } from "@/lib/workspaces/members";

/** Tokens of context (system prompt + snapshot + recent messages) a turn may send, and of answer it may get. */
export const CONTEXT_BUDGET_TOKENS = 3_000;
export const MAX_OUTPUT_TOKENS = 1_000;

export type ContextMessage = { role: "system" | "user" | "assistant"; content: string };
export type Snapshot = { summary?: string; facts?: { key: string; value: string; source_seq: number }[] };

export type BuiltContext = {
  contextBuildId: string;
  promptVersion: { id: string; name: string; version: number; label: string };
  messages: ContextMessage[];
  tokenEstimate: number;
};

/**
 * What the model sees for one generation: the labelled system prompt, the conversation snapshot (summary, facts)
 * and the most recent messages that fit the budget — recorded as a context build, so that the answer can be
 * explained and replayed. A retried generation reuses its first build.
 */
export async function buildContext(
  db: DbClient,
  input: { workspaceId: string; generationId: string; conversationId: string; uptoSeq: number; promptLabel: string },
): Promise<BuiltContext> {
  const prompt = await resolvePrompt(db, {
    workspaceId: input.workspaceId,
    name: "assistant",
    label: input.promptLabel,
  });
  const promptVersion = { id: prompt.id, name: prompt.name, version: prompt.version, label: prompt.label };
  const existing = await db.contextBuild.findFirst({
    where: { generationId: input.generationId, workspaceId: input.workspaceId },
  });
  if (existing) {
    const messages = existing.messages as ContextMessage[];
    return { contextBuildId: existing.id, promptVersion, messages, tokenEstimate: existing.tokenEstimate };
  }

  const conversation = await db.conversation.findFirstOrThrow({
    where: { id: input.conversationId, workspaceId: input.workspaceId },
    select: { snapshot: true },
  });
  const snapshot = conversation.snapshot as Snapshot;
  const system: ContextMessage = {
    role: "system",
    content: [prompt.content, describeSnapshot(snapshot)].filter(Boolean).join("\n\n"),
  };
  const history = await db.message.findMany({
    where: {
      conversationId: input.conversationId,
      workspaceId: input.workspaceId,
      seq: { lte: input.uptoSeq },
      content: { not: "" },
    },
    orderBy: { seq: "desc" },
    take: 200,
    select: { role: true, content: true },
  });
  const recent = takeRecentWithinBudget(
    history.reverse().map((m) => ({ role: m.role as ContextMessage["role"], content: m.content })),
    CONTEXT_BUDGET_TOKENS - estimateMessageTokens(system),
  );
  const messages = [system, ...recent];
  const tokenEstimate = messages.reduce((sum, m) => sum + estimateMessageTokens(m), 0);
  const build = await db.contextBuild.create({
    data: {
      workspaceId: input.workspaceId,
      generationId: input.generationId,
      promptVersionId: prompt.id,
      messages: messages as Prisma.InputJsonValue,
      snapshot: snapshot as Prisma.InputJsonValue,
      tokenEstimate,
    },
  });
  return { contextBuildId: build.id, promptVersion, messages, tokenEstimate };
}

function describeSnapshot(snapshot: Snapshot): string {
  const parts: string[] = [];
  if (snapshot.summary) parts.push(`Conversation so far: ${snapshot.summary}`);
  if (snapshot.facts?.length)
    parts.push(`Known facts: ${snapshot.facts.map((f) => `${f.key}: ${f.value}`).join("; ")}`);
  return parts.join("\n");
}

const FACT_PATTERN = /\bmy ([a-z][a-z ]{1,30}?) is ([^.,;!?\n]{1,80})/gi;
const SUMMARY_LIMIT = 600;

/**
 * The snapshot after a turn: facts the user stated ("my X is Y", newest wins) and a rolling summary of the
 * turns, bounded in size. Deterministic, so a replay rebuilds the same snapshot.
 */
export function nextSnapshot(previous: Snapshot, turn: { userSeq: number; user: string; assistant: string }): Snapshot {
  const facts = new Map((previous.facts ?? []).map((f) => [f.key, f]));
  for (const match of turn.user.matchAll(FACT_PATTERN)) {
    const key = (match[1] ?? "").trim().toLowerCase();
    facts.set(key, { key, value: (match[2] ?? "").trim(), source_seq: turn.userSeq });
  }
  const line = `user asked "${clip(turn.user, 80)}"; assistant answered "${clip(turn.assistant, 80)}".`;
  const summary = `${previous.summary ? `${previous.summary} ` : ""}${line}`;
  return {
    summary: summary.length > SUMMARY_LIMIT ? `…${summary.slice(-SUMMARY_LIMIT)}` : summary,
    facts: [...facts.values()],
  };
}

const clip = (text: string, max: number) => (text.length > max ? `${text.slice(0, max)}…` : text);

export async function getContextBuildOrThrow(db: DbClient, input: { workspaceId: string; contextBuildId: string }) {
  const build = isUuid(input.contextBuildId)
    ? await db.contextBuild.findFirst({ where: { id: input.contextBuildId, workspaceId: input.workspaceId } })
    : null;
  if (!build) throw notFound("context_build");
  const prompt = build.promptVersionId
    ? await db.promptVersion.findFirst({ where: { id: build.promptVersionId, workspaceId: input.workspaceId } })
    : null;
  return {
    id: build.id,
    generation_id: build.generationId,
    prompt_version: prompt ? { id: prompt.id, name: prompt.name, version: prompt.version } : null,
    messages: build.messages,
    snapshot: build.snapshot,
    token_estimate: build.tokenEstimate,
    created_at: build.createdAt.toISOString(),
  };
}
