import { type DbClient, db } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import { chunkListener } from "./chunk-listener";
import { getGenerationOrThrow, isTerminal } from "./generations";

const POLL_MS = 1_000;
const HEARTBEAT_MS = 15_000;
const PAGE = 500;

/** `Last-Event-ID` (or `?after_seq=`): the last seq the client applied; the stream resumes at the next one. */
export function readResumePoint(request: Request): number {
  const raw = request.headers.get("last-event-id") ?? new URL(request.url).searchParams.get("after_seq") ?? "0";
  const after = Number(raw);
  if (!Number.isInteger(after) || after < 0)
    throw new ApiError("validation", "invalid_resume_point", "Last-Event-ID must be a seq number");
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
  await getGenerationOrThrow(db(), input); // 404 before the stream opens
  const encoder = new TextEncoder();
  const abort = new AbortController();
  input.signal.addEventListener("abort", () => abort.abort(), { once: true });

  const body = new ReadableStream<Uint8Array>({
    async start(controller) {
      let after = input.afterSeq;
      let lastWrite = Date.now();
      const write = (text: string) => {
        controller.enqueue(encoder.encode(text));
        lastWrite = Date.now();
      };
      try {
        write("retry: 1000\n\n");
        while (!abort.signal.aborted) {
          const chunks = await readChunks(db(), input.generationId, after);
          for (const chunk of chunks) {
            write(`id: ${chunk.seq}\nevent: ${chunk.kind}\ndata: ${JSON.stringify(chunk.data)}\n\n`);
            after = chunk.seq;
            if (chunk.kind === "end") return;
          }
          if (chunks.length === PAGE) continue;
          const generation = await getGenerationOrThrow(db(), input);
          // A terminal generation always has its end chunk; this only guards against reading it too early.
          if (isTerminal(generation.status) && generation.lastChunkSeq <= after) return;
          await chunkListener().waitForChunks(input.generationId, POLL_MS, abort.signal);
          if (Date.now() - lastWrite > HEARTBEAT_MS) write(": keep-alive\n\n");
        }
      } catch (error) {
        if (!abort.signal.aborted) controller.error(error);
        return;
      } finally {
        try {
          controller.close();
        } catch {
          // already closed or errored
        }
      }
    },
    cancel() {
      abort.abort();
    },
  });
  return new Response(body, {
    headers: {
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-store, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
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
