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
    /** W3C trace context of the request that sent it (lib/events/outbox.ts); the engine continues the trace. */
    traceparent: z.string().optional(),
  }),
});

/** An agent run was created (or retried): run it. `engineKey` is unique per engine run of the agent run. */
export const runRequested = eventType("agent/run.requested", {
  schema: z.object({
    workspaceId: z.string().uuid(),
    runId: z.string().uuid(),
    engineKey: z.string().min(1),
    requestId: z.string().optional(),
    traceparent: z.string().optional(),
  }),
});

/** Cancel an agent run: matched by the run function's `cancelOn`. */
export const runCancel = eventType("agent/run.cancel", {
  schema: z.object({ workspaceId: z.string().uuid(), runId: z.string().uuid() }),
});

/** A human decided an approval: resumes the run's `waitForEvent`. */
export const approvalDecided = eventType("agent/approval.decided", {
  schema: z.object({
    workspaceId: z.string().uuid(),
    runId: z.string().uuid(),
    approvalId: z.string().uuid(),
    decision: z.enum(["approve", "reject"]),
  }),
});
