import { eventType } from "inngest";
import { z } from "zod";

// Event schemas, one per event, named `domain/noun.verb`. Functions trigger on these and `inngest.send` takes
// `event.create(data)`, so payloads are validated at both ends.

/** Sent by operators to check the app ↔ engine path end to end. */
export const enginePing = eventType("holdfast/engine.ping", {
  schema: z.object({ requestId: z.string().min(1) }),
});

/** A user message was sent: answer it (lib/conversations/send-message.ts writes it to the outbox). */
export const generationRequested = eventType("conversation/generation.requested", {
  schema: z.object({
    workspaceId: z.string().uuid(),
    conversationId: z.string().uuid(),
    generationId: z.string().uuid(),
    requestId: z.string().optional(),
  }),
});
