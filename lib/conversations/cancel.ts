import type { DbClient } from "@/lib/db";
import { appendChunks, finishGeneration, getGenerationOrThrow } from "./generations";

/**
 * Cancels a generation (call in a transaction): a queued one ends `canceled` at once; a running one is flagged,
 * and its model step, which watches the flag, aborts the provider call, keeps the partial text and ends it.
 * A finished one is left as it is.
 */
export async function requestCancel(db: DbClient, input: { workspaceId: string; generationId: string }) {
  const generation = await getGenerationOrThrow(db, input);
  const [locked] = await db.$queryRaw<{ status: string; cancel_requested_at: Date | null }[]>`
    SELECT status, cancel_requested_at FROM generations WHERE id = ${generation.id}::uuid FOR UPDATE`;
  if (locked?.status === "queued") {
    await finishGeneration(db, { generationId: generation.id, status: "canceled", usedTokens: 0 });
  } else if (locked?.status === "running" && !locked.cancel_requested_at) {
    await db.generation.update({ where: { id: generation.id }, data: { cancelRequestedAt: new Date() } });
    await appendChunks(db, generation.id, [{ kind: "status", data: { status: "canceling" } }]);
  }
  return getGenerationOrThrow(db, input);
}
