import { recordAudit } from "@/lib/audit/record-audit";
import type { DbClient } from "@/lib/db";
import { ApiError, notFound } from "@/lib/http/errors";
import { staleVersion } from "@/lib/http/etag";
import type { Actor } from "@/lib/http/route";
import { diffLines } from "./diff";
import { BUILT_IN_PROMPT_NAMES, ensureBuiltInPrompt } from "./prompts";

type VersionRow = {
  id: string;
  name: string;
  version: number;
  content: string;
  createdById: string | null;
  createdAt: Date;
};
type LabelRow = { name: string; label: string; version: number; updatedAt: Date };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function presentVersion(row: VersionRow, labels: string[] = [], messagesCount = 0) {
  return {
    id: row.id,
    name: row.name,
    version: row.version,
    content: row.content,
    labels,
    created_by_id: row.createdById,
    created_at: row.createdAt.toISOString(),
    messages_count: messagesCount,
  };
}

export function presentLabel(row: LabelRow) {
  return {
    id: `${row.name}:${row.label}`,
    name: row.name,
    label: row.label,
    version: row.version,
    updated_at: row.updatedAt.toISOString(),
  };
}

/** Assistant messages stamped with each version of one prompt ("which messages used a version"). */
async function messageCounts(db: DbClient, workspaceId: string, versionIds: string[]): Promise<Map<string, number>> {
  if (versionIds.length === 0) return new Map();
  const rows = await db.message.groupBy({
    by: ["promptVersionId"],
    where: { workspaceId, promptVersionId: { in: versionIds } },
    _count: { _all: true },
  });
  return new Map(rows.map((r) => [r.promptVersionId as string, r._count._all]));
}

/** Every prompt name with its labels and latest version (the built-in `assistant` and `agent-*` always among them). */
export async function listPrompts(db: DbClient, workspaceId: string) {
  for (const name of BUILT_IN_PROMPT_NAMES) await ensureBuiltInPrompt(db, workspaceId, name);
  const [latest, labels] = await Promise.all([
    db.$queryRaw<(VersionRow & { versionsCount: number })[]>`
      SELECT DISTINCT ON (name) id::text, name, version, content, created_by_id::text AS "createdById",
             created_at AS "createdAt", count(*) OVER (PARTITION BY name)::int AS "versionsCount"
      FROM prompt_versions WHERE workspace_id = ${workspaceId}::uuid
      ORDER BY name, version DESC`,
    db.promptLabel.findMany({ where: { workspaceId }, orderBy: [{ name: "asc" }, { label: "asc" }] }),
  ]);
  return {
    data: latest.map((row) => ({
      id: row.name,
      name: row.name,
      latest_version: presentVersion(
        row,
        labels.filter((l) => l.name === row.name && l.version === row.version).map((l) => l.label),
      ),
      versions_count: row.versionsCount,
      labels: labels.filter((l) => l.name === row.name).map(presentLabel),
    })),
    next_cursor: null,
  };
}

async function requirePrompt(db: DbClient, workspaceId: string, name: string) {
  await ensureBuiltInPrompt(db, workspaceId, name);
  const exists = await db.promptVersion.findFirst({ where: { workspaceId, name }, select: { id: true } });
  if (!exists) throw notFound("prompt");
}

export async function createPrompt(
  db: DbClient,
  input: { workspaceId: string; name: string; content: string; labels: string[]; actor: Actor; requestId: string },
) {
  await ensureBuiltInPrompt(db, input.workspaceId, input.name);
  const inserted = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO prompt_versions (id, workspace_id, name, version, content, created_by_id)
    VALUES (gen_random_uuid(), ${input.workspaceId}::uuid, ${input.name}, 1, ${input.content}, ${input.actor.userId}::uuid)
    ON CONFLICT (workspace_id, name, version) DO NOTHING RETURNING id::text`;
  if (inserted.length === 0) throw new ApiError("conflict", "prompt_exists", `prompt "${input.name}" already exists`);
  const labels = [...new Set(input.labels)];
  if (labels.length) {
    await db.promptLabel.createMany({
      data: labels.map((label) => ({ workspaceId: input.workspaceId, name: input.name, label, version: 1 })),
    });
  }
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "prompt.created",
    targetType: "prompt",
    targetId: input.name,
    requestId: input.requestId,
    data: { version: 1, labels },
  });
  const row = await db.promptVersion.findUniqueOrThrow({ where: { id: inserted[0]?.id } });
  return presentVersion(row, labels);
}

export async function createPromptVersion(
  db: DbClient,
  input: { workspaceId: string; name: string; content: string; actor: Actor; requestId: string },
) {
  await requirePrompt(db, input.workspaceId, input.name);
  // Versions are numbered without gaps: the next number is taken under a per-prompt advisory lock.
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`prompt:${input.workspaceId}:${input.name}`}))`;
  const last = await db.promptVersion.findFirstOrThrow({
    where: { workspaceId: input.workspaceId, name: input.name },
    orderBy: { version: "desc" },
    select: { version: true },
  });
  const row = await db.promptVersion.create({
    data: {
      workspaceId: input.workspaceId,
      name: input.name,
      version: last.version + 1,
      content: input.content,
      createdById: input.actor.userId,
    },
  });
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "prompt.version_created",
    targetType: "prompt",
    targetId: input.name,
    requestId: input.requestId,
    data: { version: row.version },
  });
  return presentVersion(row);
}

export async function listPromptVersions(db: DbClient, input: { workspaceId: string; name: string }) {
  await requirePrompt(db, input.workspaceId, input.name);
  const [rows, labels] = await Promise.all([
    db.promptVersion.findMany({
      where: { workspaceId: input.workspaceId, name: input.name },
      orderBy: { version: "desc" },
    }),
    db.promptLabel.findMany({ where: { workspaceId: input.workspaceId, name: input.name } }),
  ]);
  const counts = await messageCounts(
    db,
    input.workspaceId,
    rows.map((r) => r.id),
  );
  return {
    data: rows.map((row) =>
      presentVersion(
        row,
        labels.filter((l) => l.version === row.version).map((l) => l.label),
        counts.get(row.id) ?? 0,
      ),
    ),
    next_cursor: null,
  };
}

/** `ref` is a version number or a version id. */
export async function getPromptVersionOrThrow(db: DbClient, input: { workspaceId: string; name: string; ref: string }) {
  await requirePrompt(db, input.workspaceId, input.name);
  const where = UUID.test(input.ref)
    ? { workspaceId: input.workspaceId, name: input.name, id: input.ref }
    : /^\d{1,9}$/.test(input.ref)
      ? { workspaceId: input.workspaceId, name: input.name, version: Number(input.ref) }
      : null;
  const row = where ? await db.promptVersion.findFirst({ where }) : null;
  if (!row) throw notFound("prompt_version");
  const [labels, counts] = await Promise.all([
    db.promptLabel.findMany({ where: { workspaceId: input.workspaceId, name: input.name, version: row.version } }),
    messageCounts(db, input.workspaceId, [row.id]),
  ]);
  return presentVersion(
    row,
    labels.map((l) => l.label),
    counts.get(row.id) ?? 0,
  );
}

/** Line diff between two versions; defaults: `to` = latest, `from` = the one before it. */
export async function diffPromptVersions(
  db: DbClient,
  input: { workspaceId: string; name: string; from: string | null; to: string | null },
) {
  await requirePrompt(db, input.workspaceId, input.name);
  const number = (raw: string | null, what: string) => {
    if (raw === null || raw === "") return null;
    if (!/^\d{1,9}$/.test(raw) || Number(raw) < 1)
      throw new ApiError("validation", "invalid_query", `${what} must be a version number`);
    return Number(raw);
  };
  let to = number(input.to, "to");
  let from = number(input.from, "from");
  if (to === null) {
    const last = await db.promptVersion.findFirstOrThrow({
      where: { workspaceId: input.workspaceId, name: input.name },
      orderBy: { version: "desc" },
    });
    to = last.version;
  }
  from ??= Math.max(1, to - 1);
  const [a, b] = await Promise.all([
    getPromptVersionOrThrow(db, { ...input, ref: String(from) }),
    getPromptVersionOrThrow(db, { ...input, ref: String(to) }),
  ]);
  const lines = diffLines(a.content, b.content);
  return {
    diff: {
      name: input.name,
      from: a.version,
      to: b.version,
      added: lines.filter((l) => l.op === "add").length,
      removed: lines.filter((l) => l.op === "remove").length,
      lines,
    },
  };
}

export async function getLabelOrThrow(db: DbClient, input: { workspaceId: string; name: string; label: string }) {
  await requirePrompt(db, input.workspaceId, input.name);
  const row = await db.promptLabel.findUnique({
    where: { workspaceId_name_label: { workspaceId: input.workspaceId, name: input.name, label: input.label } },
  });
  if (!row) throw notFound("prompt_label");
  return presentLabel(row);
}

/**
 * Points a label at a version. The label's ETag is the version it points at: moving it needs If-Match with
 * that version (428 without, 412 with the current label when stale); creating a label needs
 * `If-None-Match: *` (412 if it exists by then). Without either, a label that does not exist is a 404.
 */
export async function moveLabel(
  db: DbClient,
  input: {
    workspaceId: string;
    name: string;
    label: string;
    version: number;
    ifMatch: number | null;
    createOnly: boolean;
    actor: Actor;
    requestId: string;
  },
) {
  await requirePrompt(db, input.workspaceId, input.name);
  await db.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`prompt:${input.workspaceId}:${input.name}`}))`;
  const key = { workspaceId: input.workspaceId, name: input.name, label: input.label };
  const current = await db.promptLabel.findUnique({ where: { workspaceId_name_label: key } });
  if (!current) {
    if (!input.createOnly && input.ifMatch === null) throw notFound("prompt_label");
    if (!input.createOnly)
      throw new ApiError(
        "precondition_failed",
        "label_missing",
        "the label does not exist; create it with If-None-Match: *",
      );
  } else {
    if (input.createOnly) throw staleVersion({ prompt_label: presentLabel(current) }, current.version);
    if (input.ifMatch === null)
      throw new ApiError("precondition_required", "if_match_required", "send If-Match with the label's ETag");
    if (input.ifMatch !== current.version) throw staleVersion({ prompt_label: presentLabel(current) }, current.version);
  }
  const target = await db.promptVersion.findUnique({
    where: { workspaceId_name_version: { workspaceId: input.workspaceId, name: input.name, version: input.version } },
  });
  if (!target)
    throw new ApiError(
      "unprocessable",
      "unknown_prompt_version",
      `prompt "${input.name}" has no version ${input.version}`,
    );
  const row = current
    ? await db.promptLabel.update({ where: { workspaceId_name_label: key }, data: { version: input.version } })
    : await db.promptLabel.create({ data: { ...key, version: input.version } });
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: current ? "prompt.label_moved" : "prompt.label_created",
    targetType: "prompt_label",
    targetId: `${input.name}:${input.label}`,
    requestId: input.requestId,
    data: { from: current?.version ?? null, to: input.version },
  });
  return { created: !current, label: presentLabel(row) };
}

const RECENT_USES = 20;

/** Which assistant messages and agent runs used a version: counts and the newest 20 of each. */
export async function promptVersionUsage(db: DbClient, input: { workspaceId: string; name: string; ref: string }) {
  // The version comes with its messages count (`messages_count`): counting them again would double the cost.
  const version = await getPromptVersionOrThrow(db, input);
  const scope = { workspaceId: input.workspaceId, promptVersionId: version.id };
  const [messages, runsCount, runs] = await Promise.all([
    db.message.findMany({
      where: scope,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: RECENT_USES,
      select: { id: true, conversationId: true, createdAt: true },
    }),
    db.agentRun.count({ where: scope }),
    db.agentRun.findMany({
      where: scope,
      orderBy: [{ createdAt: "desc" }, { id: "desc" }],
      take: RECENT_USES,
      select: { id: true, agent: true, status: true, createdAt: true },
    }),
  ]);
  return {
    prompt_version: { id: version.id, name: version.name, version: version.version, labels: version.labels },
    messages: {
      count: version.messages_count,
      recent: messages.map((m) => ({
        id: m.id,
        conversation_id: m.conversationId,
        created_at: m.createdAt.toISOString(),
      })),
    },
    runs: {
      count: runsCount,
      recent: runs.map((r) => ({ id: r.id, agent: r.agent, status: r.status, created_at: r.createdAt.toISOString() })),
    },
  };
}
