import "server-only";
import { z } from "zod";
import { listRecords, updateRecord } from "@/lib/world/records";
import { defineTool } from "./types";

const kind = z.string().trim().min(1).max(50);
const externalId = z.string().trim().min(1).max(100);

export function createRecordsTools({ workspaceId }: { workspaceId: string }) {
  const readRecords = defineTool({
    name: "read_records",
    description: "Read records (customers, tickets) from the records store, by kind and optionally by id.",
    risk: "read",
    inputSchema: z.object({
      kind: kind.optional(),
      ids: z.array(externalId).max(100).optional(),
      limit: z.number().int().min(1).max(100).default(20),
    }),
    timeoutMs: 5_000,
    rateLimit: { limit: 600, windowSeconds: 60 },
    execute: async (ctx, input) => ({
      records: await listRecords(ctx.db, {
        workspaceId,
        kind: input.kind,
        externalIds: input.ids,
        limit: input.limit,
      }),
    }),
  });

  const updateRecordTool = defineTool({
    name: "update_record",
    description: "Update a record: merge fields into its data. Pass expectedVersion to refuse a stale update.",
    risk: "write_local",
    inputSchema: z.object({
      kind,
      id: externalId,
      set: z.record(z.string().min(1).max(100), z.json()),
      expectedVersion: z.number().int().min(1).optional(),
    }),
    timeoutMs: 5_000,
    rateLimit: { limit: 120, windowSeconds: 60 },
    execute: async (ctx, input) => ({
      record: await updateRecord(ctx.db, {
        workspaceId,
        kind: input.kind,
        externalId: input.id,
        set: input.set,
        expectedVersion: input.expectedVersion,
      }),
    }),
    simulate: async (ctx, input) => {
      const [current] = await listRecords(ctx.db, { workspaceId, kind: input.kind, externalIds: [input.id] });
      return { wouldUpdate: { kind: input.kind, id: input.id, fromVersion: current?.version ?? null, set: input.set } };
    },
  });

  return { read_records: readRecords, update_record: updateRecordTool };
}
