import "server-only";
import type { DbClient } from "@/lib/db";

export type OutboxEmailView = {
  id: string;
  to: string;
  subject: string;
  body: string;
  runId: string | null;
  sideEffectId: string | null;
  sentAt: string;
};

type OutboxRow = {
  id: string;
  to: string;
  subject: string;
  body: string;
  runId: string | null;
  sideEffectId: string | null;
  sentAt: Date;
};

const toView = (row: OutboxRow): OutboxEmailView => ({
  id: row.id,
  to: row.to,
  subject: row.subject,
  body: row.body,
  runId: row.runId,
  sideEffectId: row.sideEffectId,
  sentAt: row.sentAt.toISOString(),
});

/**
 * "Sends" an email: one row in the workspace's outbox. Idempotent by side effect: a second send for the same
 * side effect inserts nothing and returns the email the first one sent.
 */
export async function sendOutboxEmail(
  db: DbClient,
  input: { workspaceId: string; to: string; subject: string; body: string; runId?: string; sideEffectId?: string },
): Promise<{ email: OutboxEmailView; sent: boolean }> {
  if (!input.sideEffectId) {
    const row = await db.outboxEmail.create({
      data: {
        workspaceId: input.workspaceId,
        to: input.to,
        subject: input.subject,
        body: input.body,
        runId: input.runId,
      },
    });
    return { email: toView(row), sent: true };
  }
  const inserted = await db.outboxEmail.createMany({
    data: [
      {
        workspaceId: input.workspaceId,
        to: input.to,
        subject: input.subject,
        body: input.body,
        runId: input.runId,
        sideEffectId: input.sideEffectId,
      },
    ],
    skipDuplicates: true,
  });
  const email = await findOutboxEmailBySideEffect(db, {
    workspaceId: input.workspaceId,
    sideEffectId: input.sideEffectId,
  });
  if (!email) throw new Error("outbox email vanished after insert");
  return { email, sent: inserted.count === 1 };
}

/** The email a side effect sent, if it did: what `send_email` reconciles against. */
export async function findOutboxEmailBySideEffect(
  db: DbClient,
  input: { workspaceId: string; sideEffectId: string },
): Promise<OutboxEmailView | undefined> {
  const row = await db.outboxEmail.findFirst({
    where: { workspaceId: input.workspaceId, sideEffectId: input.sideEffectId },
  });
  return row ? toView(row) : undefined;
}

export async function listOutboxEmails(
  db: DbClient,
  input: { workspaceId: string; runId?: string; limit?: number },
): Promise<OutboxEmailView[]> {
  const rows = await db.outboxEmail.findMany({
    where: { workspaceId: input.workspaceId, ...(input.runId ? { runId: input.runId } : {}) },
    orderBy: [{ sentAt: "desc" }, { id: "desc" }],
    take: input.limit ?? 100,
  });
  return rows.map(toView);
}
