import { chunkListener } from "@/lib/conversations/chunk-listener";
import { db } from "@/lib/db";
import { persistedEventStream } from "@/lib/http/event-stream";
import { getRunOrThrow } from "./runs";
import { isActiveRun } from "./schemas";

const PAGE = 500;
const POLL_MS = 1_000;

/** SSE of a run's persisted events after `afterSeq`, then the live ones, ending with `end`. */
export async function streamRunEvents(input: {
  workspaceId: string;
  runId: string;
  afterSeq: number;
  signal: AbortSignal;
}): Promise<Response> {
  const run = await getRunOrThrow(db(), input); // 404 before the stream opens
  return persistedEventStream({
    afterSeq: input.afterSeq,
    signal: input.signal,
    pageSize: PAGE,
    read: (after) =>
      db().agentRunEvent.findMany({
        where: { runId: run.id, seq: { gt: after } },
        orderBy: { seq: "asc" },
        take: PAGE,
        select: { seq: true, kind: true, data: true },
      }),
    isFinished: async (after) => {
      const current = await db().agentRun.findUniqueOrThrow({ where: { id: run.id } });
      return !isActiveRun(current.status) && current.lastEventSeq <= after;
    },
    watch: () => {
      const watch = chunkListener().watch(run.id);
      return { wait: (signal) => watch.wait(POLL_MS, signal), close: watch.close };
    },
  });
}
