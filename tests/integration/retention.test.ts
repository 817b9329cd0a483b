// Retention (issue 6, SPEC §6): the hourly `enforce-retention` cron, run through the real engine, deletes exactly
// what is past each workspace's retention setting — checked row by row over every tenant table of two workspaces
// with different settings, seeded on both sides of each cutoff — and nothing else: not the audit log, not the
// usage ledger, not active work however old, not the agents' world. A second run deletes nothing.
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { beforeAll, describe, expect, test } from "vitest";
import { db, type Prisma } from "@/lib/db";
import { enforceRetention, RETENTION_TABLES, type RetentionReport } from "@/lib/retention/enforce";
import { workspaceDigest } from "../helpers/digest";
import { createPersona, createSignedInPersona, json, type SignedInPersona, uniqueSlug } from "../helpers/fixtures";

const DAY = 24 * 3600_000;
const daysAgo = (days: number) => new Date(Date.now() - days * DAY);
const FUNCTION_SUFFIX = "enforce-retention";

type Seeded = {
  id: string;
  slug: string;
  days: number;
  /** `table:id` of every row the job must delete, with the counts per table it must report. */
  doomed: Set<string>;
  generationIds: string[];
  runIds: string[];
};

// Tables keyed by something other than `id`, and the children of a workspace's rows that carry no workspace_id.
const KEY_OF: Record<string, string> = {
  generation_chunks: "generation_id::text || ':' || seq",
  agent_run_events: "run_id::text || ':' || seq",
  prompt_labels: "name || ':' || label",
  quota_periods: "period_start::text",
};

/** Every row of the two workspaces, as `table:key` → the row's JSON: what "everything else untouched" compares. */
async function rowsOf(workspaces: Seeded[]): Promise<Map<string, string>> {
  const tables = await db().$queryRaw<{ table_name: string }[]>`
    SELECT table_name::text FROM information_schema.columns
    WHERE table_schema = 'public' AND column_name = 'workspace_id' ORDER BY table_name`;
  const ids = workspaces.map((w) => w.id);
  const rows = new Map<string, string>();
  const read = async (table: string, where: string, params: unknown[]) => {
    const key = KEY_OF[table] ?? "id::text";
    const found = await db().$queryRawUnsafe<{ key: string; row: string }[]>(
      `SELECT ${key} AS key, to_jsonb(t)::text AS row FROM public."${table}" t WHERE ${where}`,
      ...params,
    );
    for (const r of found) rows.set(`${table}:${r.key}`, r.row);
  };
  for (const { table_name } of tables) await read(table_name, "t.workspace_id = ANY($1::uuid[])", [ids]);
  await read("workspaces", "t.id = ANY($1::uuid[])", [ids]);
  // Children found by the parents seeded (not by a join), so an orphan left behind would show.
  await read("generation_chunks", "t.generation_id = ANY($1::uuid[])", [workspaces.flatMap((w) => w.generationIds)]);
  await read("agent_run_events", "t.run_id = ANY($1::uuid[])", [workspaces.flatMap((w) => w.runIds)]);
  return rows;
}

/** Moves a row's timestamps (the columns Prisma fills itself). */
async function setTimes(table: string, id: string, times: Record<string, Date | null>) {
  const columns = Object.keys(times);
  const sets = columns.map((c, i) => `"${c}" = $${i + 2}`).join(", ");
  await db().$executeRawUnsafe(`UPDATE public."${table}" SET ${sets} WHERE id = $1::uuid`, id, ...Object.values(times));
}

/**
 * One workspace with `days` of retention and, for each kind of row, one just past the cutoff and one just inside
 * it (cutoff ± 5 days), plus rows 100 days old (past the cutoff of a 30-day workspace, inside a 200-day one's).
 */
async function seedWorkspace(days: number): Promise<Seeded> {
  const slug = uniqueSlug("retention");
  const persona = await createPersona({ workspace: slug, roles: ["admin", "member"] });
  const { id } = await db().workspace.update({ where: { slug }, data: { retentionDays: days } });
  const seeded: Seeded = { id, slug, days, doomed: new Set(), generationIds: [], runIds: [] };
  const doom = (table: string, key: string) => seeded.doomed.add(`${table}:${key}`);
  const past = daysAgo(days + 5);
  const inside = daysAgo(days - 5);
  const expired = (at: Date) => at < daysAgo(days);

  /** A conversation with one turn (user message, generation, chunks, context build, answer) at `at`. */
  const conversation = async (name: string, at: Date, options: { lastActivity?: Date; generation?: string } = {}) => {
    const c = await db().conversation.create({ data: { workspaceId: id, title: name, lastSeq: 2 } });
    await setTimes("conversations", c.id, { created_at: at, updated_at: options.lastActivity ?? at });
    const user = await db().message.create({
      data: { workspaceId: id, conversationId: c.id, seq: 1, role: "user", content: name, status: "confirmed" },
    });
    const g = await db().generation.create({
      data: {
        workspaceId: id,
        conversationId: c.id,
        userMessageId: user.id,
        model: "offline",
        promptLabel: "production",
        reservedTokens: 10,
        status: (options.generation ?? "succeeded") as Prisma.GenerationCreateInput["status"],
      },
    });
    seeded.generationIds.push(g.id);
    await setTimes("generations", g.id, { created_at: at, updated_at: at });
    const build = await db().contextBuild.create({
      data: { workspaceId: id, generationId: g.id, messages: [], snapshot: {}, tokenEstimate: 3, createdAt: at },
    });
    const answer = await db().message.create({
      data: {
        workspaceId: id,
        conversationId: c.id,
        seq: 2,
        role: "assistant",
        content: `answer to ${name}`,
        status: "completed",
        generationId: g.id,
        contextBuildId: build.id,
        createdAt: at,
      },
    });
    await setTimes("messages", user.id, { created_at: at });
    await db().generationChunk.createMany({
      data: [1, 2].map((seq) => ({ generationId: g.id, seq, kind: "delta", data: { text: "x" }, createdAt: at })),
    });
    // Usage of the turn: billing, kept whatever happens to the conversation.
    await db().usageEntry.create({
      data: { workspaceId: id, kind: "model", messageId: answer.id, generationId: g.id, createdAt: at },
    });
    return { conversation: c.id, messages: [user.id, answer.id], generation: g.id, build: build.id };
  };
  const doomConversation = (turn: Awaited<ReturnType<typeof conversation>>) => {
    doom("conversations", turn.conversation);
    for (const m of turn.messages) doom("messages", m);
    doom("generations", turn.generation);
    doom("context_builds", turn.build);
    for (const seq of [1, 2]) doom("generation_chunks", `${turn.generation}:${seq}`);
  };

  // Past the cutoff in every way: deleted with everything in it.
  doomConversation(await conversation("old", past));
  // Created long ago, but active since: a new message inside the window keeps it.
  const revived = await conversation("revived", past);
  await db().message.create({
    data: {
      workspaceId: id,
      conversationId: revived.conversation,
      seq: 3,
      role: "user",
      content: "again",
      status: "confirmed",
      createdAt: inside,
    },
  });
  // Renamed inside the window (its own updated_at): kept.
  await conversation("renamed", past, { lastActivity: inside });
  // An old generation still running: active work, kept however old.
  await conversation("running", daysAgo(days + 400), { generation: "running" });
  await conversation("queued", past, { generation: "queued" });
  // Inside the window.
  await conversation("recent", inside);
  // 100 days old: gone in a 30-day workspace, kept in a 200-day one.
  const hundred = await conversation("hundred", daysAgo(100));
  if (expired(daysAgo(100))) doomConversation(hundred);

  /** An agent run with a step, a patch, an approval, two events and a side effect, created and finished as told. */
  const run = async (name: string, status: string, created: Date, finished: Date | null) => {
    const r = await db().agentRun.create({
      data: {
        workspaceId: id,
        agent: "operations",
        goal: name,
        constraints: {},
        budget: {},
        state: {},
        status: status as Prisma.AgentRunCreateInput["status"],
        // Far ahead, so the sweeper never ends the active ones.
        deadlineAt: new Date(Date.now() + 3 * DAY),
        model: "offline",
        promptVersion: "v1",
        temperature: 0,
        seed: 1,
      },
    });
    seeded.runIds.push(r.id);
    await setTimes("agent_runs", r.id, { created_at: created, updated_at: finished ?? created, finished_at: finished });
    const step = await db().agentStep.create({
      data: { workspaceId: id, runId: r.id, number: 1, kind: "tool", status: "succeeded", createdAt: created },
    });
    const patch = await db().agentStatePatch.create({
      data: { workspaceId: id, runId: r.id, stepNumber: 1, ops: [], createdAt: created },
    });
    const approval = await db().agentApproval.create({
      data: {
        workspaceId: id,
        runId: r.id,
        stepNumber: 1,
        tool: "send_email",
        risk: "external",
        params: {},
        status: status === "waiting_approval" ? "pending" : "approved",
        expiresAt: new Date(Date.now() + DAY),
      },
    });
    await db().agentRunEvent.createMany({
      data: [1, 2].map((seq) => ({ runId: r.id, seq, kind: "status", data: {}, createdAt: created })),
    });
    const effect = await db().sideEffect.create({
      data: {
        workspaceId: id,
        runId: r.id,
        tool: "send_email",
        risk: "external",
        key: `${r.id}:send_email:${randomUUID()}`,
        params: {},
        status: "performed",
      },
    });
    // The world the run acted on: an email it sent and a record it wrote. The workspace's data, always kept.
    await db().outboxEmail.create({
      data: { workspaceId: id, to: "a@example.test", subject: name, body: "hi", runId: r.id, sideEffectId: effect.id },
    });
    await db().worldRecord.create({
      data: { workspaceId: id, kind: "ticket", externalId: `T-${randomUUID()}`, name, createdAt: created },
    });
    await db().usageEntry.create({ data: { workspaceId: id, kind: "model", runId: r.id, createdAt: created } });
    if (finished && expired(finished) && ["succeeded", "failed", "canceled", "timed_out"].includes(status)) {
      doom("agent_runs", r.id);
      doom("agent_steps", step.id);
      doom("agent_state_patches", patch.id);
      doom("agent_approvals", approval.id);
      doom("side_effects", effect.id);
      for (const seq of [1, 2]) doom("agent_run_events", `${r.id}:${seq}`);
    }
  };
  await run("succeeded long ago", "succeeded", past, past);
  await run("failed long ago", "failed", past, past);
  await run("canceled long ago", "canceled", past, past);
  await run("timed out long ago", "timed_out", past, past);
  await run("hundred", "succeeded", daysAgo(101), daysAgo(100));
  // Created long ago but finished inside the window: kept.
  await run("finished lately", "failed", past, inside);
  // Active, however old: running, waiting for an approval, queued.
  await run("still running", "running", daysAgo(days + 400), null);
  await run("still waiting", "waiting_approval", past, null);
  await run("still queued", "queued", past, null);
  await run("recent", "succeeded", inside, inside);

  // Operational rows on both sides of the cutoff.
  for (const [at, name] of [
    [past, "past"],
    [inside, "inside"],
    [daysAgo(100), "hundred"],
  ] as const) {
    const log = await db().requestLog.create({
      data: {
        requestId: `retention-${name}-${randomUUID()}`,
        workspaceId: id,
        method: "GET",
        route: "/x",
        status: 200,
        durationMs: 1,
        createdAt: at,
      },
    });
    const record = await db().idempotencyRecord.create({
      data: {
        workspaceId: id,
        actorKey: `user:${persona.userId}`,
        key: `k-${randomUUID()}`,
        requestHash: "h",
        route: "POST /x",
        createdAt: at,
      },
    });
    const line = await db().logLine.create({
      data: { workspaceId: id, requestId: `req-${randomUUID()}`, level: "info", event: "test.old", createdAt: at },
    });
    if (expired(at)) {
      doom("request_logs", log.id);
      doom("log_lines", line.id);
      doom("idempotency_records", record.id);
    }
    // The audit log and usage ledger are kept, however old.
    await db().auditLog.create({
      data: { workspaceId: id, action: "test.old", targetType: "workspace", targetId: id, createdAt: at },
    });
    await db().usageEntry.create({ data: { workspaceId: id, kind: "tool", createdAt: at } });
  }
  return seeded;
}

const countsByTable = (seeded: Seeded) => {
  const counts = Object.fromEntries(RETENTION_TABLES.map((t) => [t, 0])) as Record<string, number>;
  for (const key of seeded.doomed) {
    const table = key.slice(0, key.indexOf(":"));
    counts[table] = (counts[table] ?? 0) + 1;
  }
  return counts;
};

/** `npm run holdfast -- retention …` against the test database, its JSON report parsed. */
async function retentionCli(args: string[]): Promise<RetentionReport> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/holdfast.ts", "retention", "--json", ...args],
    { env: { ...process.env, LOG_LEVEL: "silent" } },
  );
  return JSON.parse(stdout) as RetentionReport;
}

/** The engine's function id of the retention cron (the app id prefixes it). */
async function retentionCron(): Promise<{ function_id: string; expression: string }> {
  const crons = await db().$queryRaw<{ function_id: string; expression: string }[]>`
    SELECT function_id, expression FROM engine.crons WHERE function_id LIKE ${`%-${FUNCTION_SUFFIX}`}`;
  expect(crons, "the engine has the enforce-retention cron registered").toHaveLength(1);
  return crons[0] as { function_id: string; expression: string };
}

/** Makes the engine's cron due now and waits for the run it starts to complete; returns its output. */
async function runCronThroughEngine(functionId: string): Promise<unknown> {
  const [{ started }] = (await db().$queryRaw<{ started: Date }[]>`SELECT clock_timestamp() AS started`) as [
    { started: Date },
  ];
  await db().$executeRaw`UPDATE engine.crons SET next_at = now() WHERE function_id = ${functionId}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const [run] = await db().$queryRaw<{ status: string; output: unknown; error: unknown }[]>`
      SELECT status, output, error FROM engine.runs
      WHERE function_id = ${functionId} AND created_at >= ${started} ORDER BY created_at LIMIT 1`;
    if (run && ["completed", "failed", "cancelled"].includes(run.status)) {
      expect(run.status, `the retention run: ${JSON.stringify(run.error)}`).toBe("completed");
      return run.output;
    }
    if (Date.now() > deadline) throw new Error(`no completed ${functionId} run within 60 s (last: ${run?.status})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("the retention cron", () => {
  let short: Seeded;
  let long: Seeded;
  let before: Map<string, string>;
  let started: Date;

  beforeAll(async () => {
    short = await seedWorkspace(30);
    long = await seedWorkspace(200);
    before = await rowsOf([short, long]);
    started = new Date();
  });

  test("is registered with the engine as an hourly cron", async () => {
    const cron = await retentionCron();
    expect(cron.expression).toMatch(/^\d+ \* \* \* \*$/);
  });

  test("a dry run counts exactly what is past retention and deletes nothing", async () => {
    const report = await enforceRetention(db(), { dryRun: true, workspaceIds: [short.id, long.id] });
    for (const seeded of [short, long]) {
      const entry = report.workspaces.find((w) => w.workspaceId === seeded.id);
      expect(entry?.deleted, seeded.slug).toEqual(countsByTable(seeded));
    }
    expect(report.global).toBeNull();
    expect(await rowsOf([short, long])).toEqual(before);
  });

  test("the command line's --dry-run reports the same and deletes nothing", async () => {
    const report = await retentionCli(["--dry-run", "--workspace", short.slug, "--workspace", long.slug]);
    expect(report.dryRun).toBe(true);
    expect(report.workspaces.map((w) => [w.slug, w.deleted])).toEqual(
      [short, long].sort((x, y) => x.id.localeCompare(y.id)).map((w) => [w.slug, countsByTable(w)]),
    );
    expect(await rowsOf([short, long])).toEqual(before);
  });

  test("run by the engine, deletes exactly the rows past each workspace's cutoff, row by row, and nothing else", async () => {
    // The seeding really has rows on both sides in both workspaces, and the 30-day one loses more.
    expect(short.doomed.size).toBeGreaterThan(long.doomed.size);
    expect(long.doomed.size).toBeGreaterThan(0);
    const output = (await runCronThroughEngine((await retentionCron()).function_id)) as { deleted: number };
    expect(output.deleted).toBeGreaterThanOrEqual(short.doomed.size + long.doomed.size);

    const after = await rowsOf([short, long]);
    const doomed = new Set([...short.doomed, ...long.doomed]);
    for (const key of doomed) expect(before.has(key), `seeded ${key}`).toBe(true);
    const expected = new Map([...before].filter(([key]) => !doomed.has(key)));
    // What the run added: one audit row per workspace, nothing else.
    const added = [...after].filter(([key]) => !before.has(key));
    const audit = added.map(([key, row]) => ({ key, row: JSON.parse(row) }));
    expect(audit.map((a) => [a.key.split(":")[0], a.row.action, a.row.workspace_id]).sort()).toEqual(
      [
        ["audit_logs", "retention.enforced", short.id],
        ["audit_logs", "retention.enforced", long.id],
      ].sort(),
    );
    for (const seeded of [short, long]) {
      const row = audit.find((a) => a.row.workspace_id === seeded.id)?.row;
      expect(row.data.deleted, `${seeded.slug}: counts per table`).toEqual(countsByTable(seeded));
      expect(row.data.retention_days).toBe(seeded.days);
      expect(row.actor_user_id).toBeNull();
      expect(new Date(row.created_at).getTime()).toBeGreaterThanOrEqual(started.getTime() - 1000);
    }
    const kept = new Map([...after].filter(([key]) => before.has(key)));
    // Every surviving row is byte-for-byte what it was, and exactly the doomed rows are gone.
    expect([...kept.keys()].sort()).toEqual([...expected.keys()].sort());
    expect(kept).toEqual(expected);
  });

  test("a second run (from the command line) deletes nothing and records nothing", async () => {
    const rows = await rowsOf([short, long]);
    const report = await retentionCli(["--workspace", short.slug, "--workspace", long.slug]);
    expect(report.dryRun).toBe(false);
    for (const entry of report.workspaces) {
      expect(
        Object.values(entry.deleted).every((n) => n === 0),
        JSON.stringify(entry),
      ).toBe(true);
    }
    expect(report.workspaces.map((w) => w.workspaceId).sort()).toEqual([short.id, long.id].sort());
    expect(await rowsOf([short, long])).toEqual(rows);
  });
});

describe("rows of no workspace", () => {
  test("request logs of anonymous calls and relayed outbox events go after 90 days; unsent events stay", async () => {
    const log = (at: Date) =>
      db().requestLog.create({
        data: {
          requestId: `anon-${randomUUID()}`,
          method: "POST",
          route: "/api/v1/signup",
          status: 400,
          durationMs: 1,
          createdAt: at,
        },
      });
    const [oldLog, newLog] = [await log(daysAgo(91)), await log(daysAgo(89))];
    const event = (sentAt: Date | null) =>
      db().eventOutbox.create({ data: { name: "test/retention", data: {}, createdAt: daysAgo(200), sentAt } });
    const [oldSent, newSent, unsent] = [await event(daysAgo(95)), await event(daysAgo(10)), await event(null)];
    const report = await enforceRetention(db(), { workspaceIds: undefined });
    expect(report.global?.request_logs).toBeGreaterThanOrEqual(1);
    expect(report.global?.event_outbox).toBeGreaterThanOrEqual(1);
    const logs = await db().requestLog.findMany({
      where: { id: { in: [oldLog.id, newLog.id] } },
      select: { id: true },
    });
    expect(logs.map((l) => l.id)).toEqual([newLog.id]);
    const events = await db().eventOutbox.findMany({
      where: { id: { in: [oldSent.id, newSent.id, unsent.id] } },
      select: { id: true },
    });
    expect(events.map((e) => e.id).sort()).toEqual([newSent.id, unsent.id].sort());
  });
});

describe("the retention setting: GET/PATCH /api/v1/workspaces/{ws}", () => {
  let slug: string;
  let workspaceId: string;
  let admin: SignedInPersona;
  let member: SignedInPersona;
  const path = () => `/api/v1/workspaces/${slug}`;
  const patch = (who: SignedInPersona, body: unknown, ifMatch?: string | null) =>
    who.api(path(), {
      method: "PATCH",
      body: JSON.stringify(body),
      headers: ifMatch ? { "if-match": ifMatch } : {},
    });
  const read = async () => {
    const response = await admin.api(path());
    expect(response.status).toBe(200);
    return { etag: response.headers.get("etag") as string, workspace: (await json(response)).workspace };
  };
  const retentionAudits = () =>
    db().auditLog.findMany({ where: { workspaceId, action: "workspace.retention" }, orderBy: { createdAt: "asc" } });

  beforeAll(async () => {
    slug = uniqueSlug("settings");
    admin = await createSignedInPersona({ workspace: slug, roles: ["admin"] });
    member = await createSignedInPersona({ workspace: slug, roles: ["member", "billing_owner"] });
    workspaceId = (await db().workspace.findUniqueOrThrow({ where: { slug } })).id;
  });

  test("GET shows retention_days and a version matching its ETag, to every member; the old fields stay", async () => {
    const { etag, workspace } = await read();
    expect(workspace).toMatchObject({ id: workspaceId, slug, retention_days: 90, roles: ["admin"] });
    expect(typeof workspace.name).toBe("string");
    expect(etag).toBe(`"${workspace.version}"`);
    const asMember = await member.api(path());
    expect(asMember.status).toBe(200);
    expect((await json(asMember)).workspace).toMatchObject({ retention_days: 90, version: workspace.version });
  });

  test("an admin changes it with If-Match; the ETag moves, the change is audited with old and new values", async () => {
    const { etag, workspace } = await read();
    const response = await patch(admin, { retention_days: 30 }, etag);
    const body = await json(response);
    expect(response.status, JSON.stringify(body)).toBe(200);
    expect(body.workspace).toMatchObject({ id: workspaceId, retention_days: 30 });
    expect(body.workspace.version).not.toBe(workspace.version);
    expect(response.headers.get("etag")).toBe(`"${body.workspace.version}"`);
    expect((await read()).workspace.retention_days).toBe(30);
    expect((await db().workspace.findUniqueOrThrow({ where: { id: workspaceId } })).retentionDays).toBe(30);
    const audits = await retentionAudits();
    expect(audits).toHaveLength(1);
    expect(audits[0]).toMatchObject({
      actorUserId: admin.userId,
      targetType: "workspace",
      targetId: workspaceId,
      requestId: response.headers.get("x-request-id"),
      data: { from: 90, to: 30 },
    });
  });

  test("without If-Match: 428, nothing written", async () => {
    const before = await workspaceDigest(workspaceId);
    const response = await patch(admin, { retention_days: 45 }, null);
    expect(response.status).toBe(428);
    expect((await json(response)).error).toMatchObject({ type: "precondition_required", code: "if_match_required" });
    expect(await workspaceDigest(workspaceId)).toEqual(before);
  });

  test("a stale If-Match: 412 with the current workspace and its ETag, nothing written", async () => {
    const first = await read();
    const moved = await patch(admin, { retention_days: 60 }, first.etag);
    expect(moved.status).toBe(200);
    const before = await workspaceDigest(workspaceId);
    const stale = await patch(admin, { retention_days: 7 }, first.etag);
    expect(stale.status).toBe(412);
    const body = await json(stale);
    expect(body.workspace).toMatchObject({ id: workspaceId, retention_days: 60 });
    expect(stale.headers.get("etag")).toBe(`"${body.workspace.version}"`);
    expect(await workspaceDigest(workspaceId)).toEqual(before);
    // Retrying with the ETag the 412 returned works.
    const retried = await patch(admin, { retention_days: 7 }, stale.headers.get("etag"));
    expect(retried.status).toBe(200);
    expect((await json(retried)).workspace.retention_days).toBe(7);
  });

  test.each([
    [{ retention_days: 0 }],
    [{ retention_days: 3651 }],
    [{ retention_days: -5 }],
    [{ retention_days: 1.5 }],
    [{ retention_days: "30" }],
    [{ retention_days: null }],
    [{}],
    [{ retention_days: 30, name: "renamed" }],
  ])("a bad body %j: 400, nothing written", async (body) => {
    const { etag } = await read();
    const before = await workspaceDigest(workspaceId);
    const response = await patch(admin, body, etag);
    expect(response.status).toBe(400);
    expect((await json(response)).error).toMatchObject({ type: "validation", code: "invalid_body" });
    expect(await workspaceDigest(workspaceId)).toEqual(before);
  });

  test("the bounds themselves are accepted", async () => {
    for (const days of [1, 3650]) {
      const response = await patch(admin, { retention_days: days }, (await read()).etag);
      expect(response.status).toBe(200);
      expect((await json(response)).workspace.retention_days).toBe(days);
    }
  });

  test("a member (or billing owner) gets 403, nothing written", async () => {
    const { etag } = await read();
    const before = await workspaceDigest(workspaceId);
    const response = await patch(member, { retention_days: 5 }, etag);
    expect(response.status).toBe(403);
    expect((await json(response)).error).toMatchObject({ type: "forbidden" });
    expect(await workspaceDigest(workspaceId)).toEqual(before);
  });
});
