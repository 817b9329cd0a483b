import "server-only";
import { z } from "zod";
import { findOutboxEmailBySideEffect, sendOutboxEmail } from "@/lib/world/outbox";
import { defineTool } from "./types";

export function createEmailTools({ workspaceId }: { workspaceId: string }) {
  const sendEmail = defineTool({
    name: "send_email",
    description: "Send an email to a customer (it goes to the workspace outbox).",
    risk: "external_action",
    inputSchema: z.object({
      to: z.email().max(320),
      subject: z.string().trim().min(1).max(200),
      body: z.string().min(1).max(20_000),
    }),
    timeoutMs: 10_000,
    rateLimit: { limit: 300, windowSeconds: 60 },
    execute: async (ctx, input) => {
      // The side effect id is the outbox's idempotency key: the same call can never send twice.
      const { email } = await sendOutboxEmail(ctx.db, {
        workspaceId,
        ...input,
        runId: ctx.runId,
        sideEffectId: ctx.sideEffectId,
      });
      return { emailId: email.id, to: email.to, sentAt: email.sentAt };
    },
    reconcile: async (ctx, _input, sideEffect) => {
      const email = await findOutboxEmailBySideEffect(ctx.db, { workspaceId, sideEffectId: sideEffect.id });
      return email
        ? { happened: true, result: { emailId: email.id, to: email.to, sentAt: email.sentAt } }
        : { happened: false };
    },
  });

  return { send_email: sendEmail };
}
