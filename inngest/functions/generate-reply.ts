// generate-reply — answers one user message: start, stream the model's reply into chunks, finalize
import { NonRetriableError, RetryAfterError } from "inngest";
import { isProviderError } from "@/lib/ai/errors";
import { failGeneration, finalizeGeneration, startGeneration, streamReply } from "@/lib/conversations/run-generation";
import { inngest } from "../client";
import { generationRequested } from "../events";

export const generateReply = inngest.createFunction(
  {
    id: "generate-reply",
    triggers: [generationRequested],
    retries: 4,
    // One generation at a time per conversation: a second message waits its turn (the `enqueue` policy).
    concurrency: { key: "event.data.conversationId", limit: 1 },
    idempotency: "event.data.generationId",
    onFailure: async ({ event, error }) => {
      await failGeneration(event.data.event.data.generationId, error);
    },
  },
  async ({ event, step, attempt }) => {
    const { generationId } = event.data;
    const started = await step.run("start", () => startGeneration(generationId));
    if (!started) return { generationId, status: "skipped" };
    const reply = await step.run("stream-reply", async () => {
      try {
        return await streamReply(generationId, attempt);
      } catch (error) {
        if (!isProviderError(error)) throw error;
        if (!error.retriable) throw new NonRetriableError(error.message, { cause: error });
        if (error.retryAfterMs !== undefined)
          throw new RetryAfterError(error.message, error.retryAfterMs, { cause: error });
        throw error;
      }
    });
    const { status } = await step.run("finalize", () => finalizeGeneration(generationId, reply));
    return { generationId, status };
  },
);
