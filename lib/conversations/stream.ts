import { type DbClient, db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { persistedEventStream } from "@/lib/http/event-stream";
import { chunkListener } from "./chunk-listener";
import { getGenerationOrThrow, isTerminal } from "./generations";

const POLL_MS = 1_000;
const PAGE = 500;

/** `Last-Event-ID` (or `?after_seq=`): the last seq the client applied; the stream resumes at the next one. */
export function readResumePoint(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after_seq") ?? "0";
  const after = Number(raw);
  if (!Number.isInteger(after) || after < 0) {
    throw new ApiError("validation", "invalid_resume_point", "Last-Event-ID must be a seq number");
  }
  return after;
}

/**
 * SSE of a generation's persisted chunks after `afterSeq`, then the live ones as they are appended (on any
 * instance: chunks live in the database), ending with the `end` event. Watching never starts a generation.
 */
export async function streamGeneration(input: {
  workspaceId: string;
  generationId: string;
  afterSeq: number;
  signal: AbortSignal;
}): Promise<Response> {
  const generation = await getGenerationOrThrow(db(), input); // 404 before the stream opens
  return persistedEventStream({
    afterSeq: input.afterSeq,
    signal: input.signal,
    pageSize: PAGE,
    read: (after) => readChunks(db(), generation.id, after),
    // A terminal generation always has its end chunk; this only guards against reading it too early.
    isFinished: async (after) => {
      const current = await getGenerationOrThrow(db(), input);
      return isTerminal(current.status) && current.lastChunkSeq <= after;
    },
    watch: () => {
      const watch = chunkListener().watch(generation.id);
      return { wait: (signal) => watch.wait(POLL_MS, signal), close: watch.close };
    },
  });
}

function readChunks(db: DbClient, generationId: string, afterSeq: number) {
  return db.generationChunk.findMany({
    where: { generationId, seq: { gt: afterSeq } },
    orderBy: { seq: "asc" },
    take: PAGE,
    select: { seq: true, kind: true, data: true },
  });
}
