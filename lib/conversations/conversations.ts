import { recordAudit } from "@/lib/audit/record-audit";
import type { DbClient } from "@/lib/db";
import { notFound } from "@/lib/http/errors";
import { staleVersion } from "@/lib/http/etag";
import { type Cursor, toPage } from "@/lib/http/pagination";
import type { Actor } from "@/lib/http/route";
import { isUuid } from "@/lib/workspaces/members";
import type { ConversationSettings } from "./schemas";

type ConversationRow = {
  id: string;
  title: string;
  settings: unknown;
  busyPolicy: string;
  version: number;
  lastSeq: number;
  createdAt: Date;
  updatedAt: Date;
};

export type ConversationView = {
  id: string;
  title: string;
  settings: ConversationSettings;
  version: number;
  last_seq: number;
  created_at: string;
  updated_at: string;
};

export function presentConversation(row: ConversationRow): ConversationView {
  return {
    id: row.id,
    title: row.title,
    settings: {
      ...(row.settings as ConversationSettings),
      busy_policy: row.busyPolicy as ConversationSettings["busy_policy"],
    },
    version: row.version,
    last_seq: row.lastSeq,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

function splitSettings(settings: ConversationSettings | undefined) {
  const { busy_policy, ...rest } = settings ?? {};
  return { busyPolicy: busy_policy, settings: rest };
}

export async function createConversation(
  db: DbClient,
  input: { workspaceId: string; actor: Actor; title?: string; settings?: ConversationSettings },
): Promise<ConversationView> {
  const { busyPolicy, settings } = splitSettings(input.settings);
  const row = await db.conversation.create({
    data: {
      workspaceId: input.workspaceId,
      createdById: input.actor.userId,
      title: input.title ?? "New conversation",
      settings,
      ...(busyPolicy ? { busyPolicy } : {}),
    },
  });
  return presentConversation(row);
}

export async function listConversations(
  db: DbClient,
  input: { workspaceId: string; limit: number; cursor: Cursor | null },
) {
  const { cursor } = input;
  const rows = await db.conversation.findMany({
    where: {
      workspaceId: input.workspaceId,
      deletedAt: null,
      ...(cursor ? { OR: [{ createdAt: { lt: cursor.at } }, { createdAt: cursor.at, id: { lt: cursor.id } }] } : {}),
    },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit + 1,
  });
  return toPage(rows, input.limit, (row) => ({ at: row.createdAt, id: row.id }), presentConversation);
}

export async function getConversationOrThrow(db: DbClient, input: { workspaceId: string; conversationId: string }) {
  const row = isUuid(input.conversationId)
    ? await db.conversation.findFirst({
        where: { id: input.conversationId, workspaceId: input.workspaceId, deletedAt: null },
      })
    : null;
  if (!row) throw notFound("conversation");
  return row;
}

type Change = { workspaceId: string; conversationId: string; expectedVersion: number; actor: Actor; requestId: string };

/** Title/settings edit, compare-and-set on `version` (no silent last-write-wins). */
export async function updateConversation(
  db: DbClient,
  input: Change & { title?: string; settings?: ConversationSettings },
): Promise<ConversationView> {
  const current = await getConversationOrThrow(db, input);
  const { busyPolicy, settings } = splitSettings(input.settings);
  const { count } = await db.conversation.updateMany({
    where: { id: current.id, workspaceId: input.workspaceId, version: input.expectedVersion, deletedAt: null },
    data: {
      ...(input.title !== undefined ? { title: input.title } : {}),
      ...(input.settings !== undefined ? { settings: { ...(current.settings as object), ...settings } } : {}),
      ...(busyPolicy ? { busyPolicy } : {}),
      version: { increment: 1 },
    },
  });
  if (count === 0) {
    const latest = await getConversationOrThrow(db, input);
    throw staleVersion({ conversation: presentConversation(latest) }, latest.version);
  }
  return presentConversation(await getConversationOrThrow(db, input));
}

export async function deleteConversation(db: DbClient, input: Change): Promise<void> {
  const current = await getConversationOrThrow(db, input);
  const { count } = await db.conversation.updateMany({
    where: { id: current.id, workspaceId: input.workspaceId, version: input.expectedVersion, deletedAt: null },
    data: { deletedAt: new Date(), version: { increment: 1 } },
  });
  if (count === 0) {
    const latest = await getConversationOrThrow(db, input);
    throw staleVersion({ conversation: presentConversation(latest) }, latest.version);
  }
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "conversation.deleted",
    targetType: "conversation",
    targetId: current.id,
    requestId: input.requestId,
  });
}
