import type { DbClient, Prisma } from "@/lib/db";
import { db } from "@/lib/db";
import { log } from "@/lib/log";
import { activeTraceparent, SpanKind, withSpan } from "@/lib/telemetry/tracing";

export type OutboxEvent = { name: string; data: Prisma.InputJsonValue };

/**
 * Records an event in the caller's transaction. It is sent to the engine after commit (`relayOutbox`), and
 * the outbox row id is the event id, so a resend is deduplicated by the engine.
 */
export async function enqueueEvent(tx: DbClient, event: OutboxEvent): Promise<string> {
  const attributes = { "messaging.destination.name": event.name };
  return withSpan(`event ${event.name}`, { kind: SpanKind.PRODUCER, attributes }, async (span) => {
    // The engine continues the trace from here: its run spans are children of this one (docs/observability.md).
    const traceparent = activeTraceparent();
    const data = traceparent && isJsonObject(event.data) ? { ...event.data, traceparent } : event.data;
    const row = await tx.eventOutbox.create({ data: { name: event.name, data } });
    span.setAttribute("messaging.message.id", row.id);
    return row.id;
  });
}

function isJsonObject(value: Prisma.InputJsonValue): value is Prisma.InputJsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * Sends unsent outbox events (oldest first, `limit` at a time). Safe to run from many processes at once: rows are
 * claimed with SKIP LOCKED and marked sent in the same transaction as the send.
 */
export async function relayOutbox(limit = 100): Promise<number> {
  const { inngest } = await import("@/inngest/client");
  return db().$transaction(
    async (tx) => {
      const rows = await tx.$queryRaw<{ id: string; name: string; data: Prisma.JsonObject }[]>`
        SELECT id, name, data FROM event_outbox WHERE sent_at IS NULL ORDER BY created_at LIMIT ${limit}
        FOR UPDATE SKIP LOCKED`;
      if (rows.length === 0) return 0;
      await inngest.send(rows.map((row) => ({ id: row.id, name: row.name, data: row.data })));
      await tx.$executeRaw`UPDATE event_outbox SET sent_at = now() WHERE id = ANY(${rows.map((r) => r.id)}::uuid[])`;
      return rows.length;
    },
    { timeout: 30_000 },
  );
}

/** After-commit hook: a failed relay is only logged — the periodic relay function sends it later. */
export async function relayOutboxSoon(requestId?: string): Promise<void> {
  await relayOutbox().catch((error: unknown) => log("warn", "outbox.relay_failed", { request_id: requestId, error }));
}
