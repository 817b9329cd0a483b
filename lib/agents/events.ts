import { CHUNK_CHANNEL } from "@/lib/conversations/generations";
import type { DbClient, Prisma } from "@/lib/db";
import { notFound } from "@/lib/http/errors";
import { log } from "@/lib/log";

export type RunEventKind = "status" | "step" | "approval" | "state" | "end";
export type NewRunEvent = { kind: RunEventKind; data: Prisma.InputJsonValue };

/**
 * Appends events to a run's stream after its last seq and wakes stream readers (the chunk listener's channel:
 * its payload is the stream's id, and run ids never collide with generation ids). Call it in a transaction.
 */
export async function appendRunEvents(db: DbClient, runId: string, events: NewRunEvent[]): Promise<number> {
  const [row] = await db.$queryRaw<{ last_event_seq: number }[]>`
    UPDATE agent_runs SET last_event_seq = last_event_seq + ${events.length}, updated_at = now()
    WHERE id = ${runId}::uuid RETURNING last_event_seq`;
  if (!row) throw notFound("run");
  if (events.length > 0) {
    const first = row.last_event_seq - events.length + 1;
    await db.agentRunEvent.createMany({
      data: events.map((event, index) => ({ runId, seq: first + index, kind: event.kind, data: event.data })),
    });
    await db.$executeRaw`SELECT pg_notify(${CHUNK_CHANNEL}, ${runId})`;
    for (const event of events) log("info", `run.${event.kind}`, { run_id: runId, ...loggedFieldsOf(event.data) });
  }
  return row.last_event_seq;
}

// A run's state transitions are logged from its event stream, with the scalar facts only: step results, state
// values and notes can hold anyone's text and stay in the database.
const LOGGED_FIELDS = ["status", "number", "kind", "tool", "id", "decision", "retry", "duration_ms"];

function loggedFieldsOf(data: Prisma.InputJsonValue): Record<string, unknown> {
  if (!data || typeof data !== "object" || Array.isArray(data)) return {};
  const record = data as Record<string, unknown>;
  const fields: Record<string, unknown> = {};
  for (const key of LOGGED_FIELDS) {
    const value = record[key];
    if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") fields[key] = value;
  }
  const error = record.error as { code?: unknown } | undefined;
  if (typeof error?.code === "string") fields.error_code = error.code;
  return fields;
}
