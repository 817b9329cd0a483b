import "server-only";
import type { DbClient, Prisma } from "@/lib/db";
import { ToolError } from "./errors";

export type RecordView = {
  id: string;
  kind: string;
  externalId: string;
  name: string;
  data: Record<string, unknown>;
  version: number;
  updatedAt: string;
};

type RecordRow = {
  id: string;
  kind: string;
  externalId: string;
  name: string;
  data: unknown;
  version: number;
  updatedAt: Date;
};

const toView = (row: RecordRow): RecordView => ({
  id: row.id,
  kind: row.kind,
  externalId: row.externalId,
  name: row.name,
  data: (row.data ?? {}) as Record<string, unknown>,
  version: row.version,
  updatedAt: row.updatedAt.toISOString(),
});

/** The records every workspace starts with, so the support agent has customers and tickets to work on offline. */
export const SEED_RECORDS: { kind: string; externalId: string; name: string; data: Record<string, unknown> }[] = [
  {
    kind: "customer",
    externalId: "cus_1001",
    name: "Ada Lovelace",
    data: { email: "ada@example.test", plan: "pro", status: "active", openTickets: 1 },
  },
  {
    kind: "customer",
    externalId: "cus_1002",
    name: "Grace Hopper",
    data: { email: "grace@example.test", plan: "team", status: "active", openTickets: 1 },
  },
  {
    kind: "customer",
    externalId: "cus_1003",
    name: "Alan Turing",
    data: { email: "alan@example.test", plan: "free", status: "trial", openTickets: 0 },
  },
  {
    kind: "ticket",
    externalId: "tkt_2001",
    name: "Cannot export invoices",
    data: { customer: "cus_1001", status: "open", priority: "high", summary: "Invoice export returns an empty file." },
  },
  {
    kind: "ticket",
    externalId: "tkt_2002",
    name: "Question about seats",
    data: { customer: "cus_1002", status: "open", priority: "low", summary: "How do I add two more seats?" },
  },
];

/** Seeds SEED_RECORDS once per workspace (concurrent first uses insert them once). */
export async function ensureRecordsSeeded(db: DbClient, workspaceId: string): Promise<void> {
  const existing = await db.worldRecord.count({ where: { workspaceId } });
  if (existing > 0) return;
  await db.worldRecord.createMany({
    data: SEED_RECORDS.map((record) => ({
      workspaceId,
      kind: record.kind,
      externalId: record.externalId,
      name: record.name,
      data: record.data as Prisma.InputJsonObject,
    })),
    skipDuplicates: true,
  });
}

export async function listRecords(
  db: DbClient,
  input: { workspaceId: string; kind?: string; externalIds?: string[]; limit?: number },
): Promise<RecordView[]> {
  await ensureRecordsSeeded(db, input.workspaceId);
  const rows = await db.worldRecord.findMany({
    where: {
      workspaceId: input.workspaceId,
      ...(input.kind ? { kind: input.kind } : {}),
      ...(input.externalIds?.length ? { externalId: { in: input.externalIds } } : {}),
    },
    orderBy: [{ kind: "asc" }, { externalId: "asc" }],
    take: input.limit ?? 100,
  });
  return rows.map(toView);
}

/**
 * Merges `set` into a record's data and bumps its version, in one guarded UPDATE: with `expectedVersion` it
 * applies only to that version (else 409 `record_version_conflict`, naming the current version), so two
 * concurrent writers can never both win on the same version.
 */
export async function updateRecord(
  db: DbClient,
  input: {
    workspaceId: string;
    kind: string;
    externalId: string;
    set: Record<string, unknown>;
    expectedVersion?: number;
    name?: string;
  },
): Promise<RecordView> {
  await ensureRecordsSeeded(db, input.workspaceId);
  const expected = input.expectedVersion ?? null;
  const rows = await db.$queryRaw<RecordRow[]>`
    UPDATE records
    SET data = data || ${JSON.stringify(input.set)}::jsonb, name = COALESCE(${input.name ?? null}, name),
        version = version + 1, updated_at = now()
    WHERE workspace_id = ${input.workspaceId}::uuid AND kind = ${input.kind} AND external_id = ${input.externalId}
      AND (${expected}::int IS NULL OR version = ${expected}::int)
    RETURNING id, kind, external_id AS "externalId", name, data, version, updated_at AS "updatedAt"`;
  const row = rows[0];
  if (row) return toView(row);
  const current = await db.worldRecord.findFirst({
    where: { workspaceId: input.workspaceId, kind: input.kind, externalId: input.externalId },
    select: { version: true },
  });
  if (!current) {
    throw new ToolError("not_found", "record_not_found", `no ${input.kind} record ${input.externalId}`);
  }
  throw new ToolError(
    "conflict",
    "record_version_conflict",
    `${input.kind} ${input.externalId} is at version ${current.version}, not ${expected}; read it again first`,
  );
}

/** Creates a record or replaces its data (version + 1): how artifacts such as summaries are stored. */
export async function upsertRecord(
  db: DbClient,
  input: { workspaceId: string; kind: string; externalId: string; name: string; data: Record<string, unknown> },
): Promise<RecordView> {
  const rows = await db.$queryRaw<RecordRow[]>`
    INSERT INTO records (id, workspace_id, kind, external_id, name, data, version, created_at, updated_at)
    VALUES (gen_random_uuid(), ${input.workspaceId}::uuid, ${input.kind}, ${input.externalId}, ${input.name},
            ${JSON.stringify(input.data)}::jsonb, 1, now(), now())
    ON CONFLICT (workspace_id, kind, external_id) DO UPDATE
      SET name = EXCLUDED.name, data = EXCLUDED.data, version = records.version + 1, updated_at = now()
    RETURNING id, kind, external_id AS "externalId", name, data, version, updated_at AS "updatedAt"`;
  return toView(rows[0] as RecordRow);
}
