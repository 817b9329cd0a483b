import type { DbClient } from "@/lib/db";

export type UsageInput = {
  workspaceId: string;
  userId: string | null;
  kind: "model_call" | "tool_call";
  model?: string | null;
  inputTokens?: number;
  outputTokens?: number;
  costMicros?: number;
  messageId?: string | null;
  generationId?: string | null;
  runId?: string | null;
  /** The run's agent, with `runId`. */
  agent?: string | null;
};

/** One usage-ledger row per model or tool call, written in the same transaction as what it bills. */
export async function recordUsage(db: DbClient, input: UsageInput): Promise<void> {
  await db.usageEntry.create({
    data: {
      workspaceId: input.workspaceId,
      userId: input.userId,
      kind: input.kind,
      model: input.model ?? null,
      inputTokens: input.inputTokens ?? 0,
      outputTokens: input.outputTokens ?? 0,
      costMicros: BigInt(input.costMicros ?? 0),
      messageId: input.messageId ?? null,
      generationId: input.generationId ?? null,
      runId: input.runId ?? null,
      agent: input.agent ?? null,
    },
  });
}
