// The side-effect ledger (SPEC §4): key = run + tool + hash(normalized params); a repeat returns the recorded
// result; pending → performed | failed; in_doubt → reconcile before any retry; dry runs; timeouts; rate limits.
import { randomBytes, randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import { beforeAll, describe, expect, test } from "vitest";
import { z } from "zod";
import { db } from "@/lib/db";
import { createToolRegistry, type ToolRegistry } from "@/lib/tools/registry";
import { listSideEffects, performToolCall, sideEffectKey } from "@/lib/tools/side-effect-ledger";
import { defineTool } from "@/lib/tools/types";
import { ToolError } from "@/lib/world/errors";
import { listRecords } from "@/lib/world/records";
import { checkDiskUsage, listLogFiles } from "@/lib/world/sim-server";

async function createWorkspace(): Promise<string> {
  const slug = `ledger-${randomBytes(4).toString("hex")}`;
  return (await db().workspace.create({ data: { slug, name: slug } })).id;
}

async function rejection(promise: Promise<unknown>): Promise<ToolError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ToolError);
  return error as ToolError;
}

const email = (n = 1) => ({
  to: `customer${n}@example.test`,
  subject: `Update ${n}`,
  body: "Your ticket is resolved.",
});
const outboxCount = (workspaceId: string, runId?: string) =>
  db().outboxEmail.count({ where: { workspaceId, ...(runId ? { runId } : {}) } });

let ws: string;

beforeAll(async () => {
  ws = await createWorkspace();
});

describe("repeats", () => {
  test("a repeat returns the recorded result and acts once", async () => {
    const runId = randomUUID();
    const first = await performToolCall({ workspaceId: ws, runId, tool: "send_email", params: email() });
    const second = await performToolCall({ workspaceId: ws, runId, tool: "send_email", params: email() });
    expect(first).toMatchObject({ status: "performed", replayed: false, attempts: 1 });
    expect(second).toMatchObject({ status: "performed", replayed: true, attempts: 1 });
    expect(second.result).toEqual(first.result);
    expect(second.sideEffectId).toBe(first.sideEffectId);
    expect(await outboxCount(ws, runId)).toBe(1);
    const [entry] = await listSideEffects(db(), { workspaceId: ws, runId });
    expect(entry).toMatchObject({ tool: "send_email", risk: "external_action", status: "performed", dry_run: false });
    expect(entry?.performed_at).toEqual(expect.any(String));
  });

  test("the key is over normalized params: key order and defaults do not make a new call", async () => {
    const runId = randomUUID();
    const a = await performToolCall({ workspaceId: ws, runId, tool: "clean_logs", params: { olderThanDays: 7 } });
    const b = await performToolCall({ workspaceId: ws, runId, tool: "clean_logs", params: {} });
    expect(b).toMatchObject({ replayed: true, sideEffectId: a.sideEffectId });
    expect(a.key).toBe(sideEffectKey({ runId, tool: "clean_logs", params: { olderThanDays: 7 } }));
    const c = await performToolCall({
      workspaceId: ws,
      runId,
      tool: "send_email",
      params: { body: email(9).body, subject: email(9).subject, to: email(9).to },
    });
    const d = await performToolCall({ workspaceId: ws, runId, tool: "send_email", params: email(9) });
    expect(d).toMatchObject({ replayed: true, sideEffectId: c.sideEffectId });
    // Another run, or other params, is another call.
    const e = await performToolCall({ workspaceId: ws, runId: randomUUID(), tool: "send_email", params: email(9) });
    expect(e.replayed).toBe(false);
    expect(await outboxCount(ws, runId)).toBe(1);
  });

  test("100 concurrent identical calls send one email", async () => {
    const runId = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, () =>
        performToolCall({ workspaceId: ws, runId, tool: "send_email", params: email(2) }),
      ),
    );
    expect(new Set(outcomes.map((outcome) => outcome.sideEffectId)).size).toBe(1);
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome.result))).size).toBe(1);
    expect(await outboxCount(ws, runId)).toBe(1);
    expect(await db().sideEffect.count({ where: { workspaceId: ws, runId } })).toBe(1);
  });

  test("50 concurrent identical clean-ups free the space once", async () => {
    const cleanWs = await createWorkspace();
    const runId = randomUUID();
    const outcomes = await Promise.all(
      Array.from({ length: 50 }, () =>
        performToolCall({ workspaceId: cleanWs, runId, tool: "clean_logs", params: {} }),
      ),
    );
    expect(outcomes.filter((outcome) => !outcome.replayed)).toHaveLength(1);
    expect(new Set(outcomes.map((outcome) => JSON.stringify(outcome.result))).size).toBe(1);
    expect((await checkDiskUsage(db(), { workspaceId: cleanWs })).usedPercent).toBe(73);
  });

  test("bad input and unknown tools are refused before anything is recorded", async () => {
    const runId = randomUUID();
    expect(
      (await rejection(performToolCall({ workspaceId: ws, runId, tool: "send_email", params: { to: "nope" } }))).code,
    ).toBe("tool_input_invalid");
    expect((await rejection(performToolCall({ workspaceId: ws, runId, tool: "rm_rf", params: {} }))).code).toBe(
      "unknown_tool",
    );
    expect((await rejection(performToolCall({ workspaceId: ws, runId, tool: "constructor", params: {} }))).code).toBe(
      "unknown_tool",
    );
    expect(await db().sideEffect.count({ where: { workspaceId: ws, runId } })).toBe(0);
  });
});

describe("dry runs", () => {
  test("write and external tools are recorded as dry_run and the world is untouched; reads really run", async () => {
    const dryWs = await createWorkspace();
    const runId = randomUUID();
    const before = await checkDiskUsage(db(), { workspaceId: dryWs });
    const read = await performToolCall({ workspaceId: dryWs, runId, tool: "check_disk", params: {}, dryRun: true });
    expect(read).toMatchObject({ status: "performed", result: { usedPercent: 86 } });
    const clean = await performToolCall({ workspaceId: dryWs, runId, tool: "clean_logs", params: {}, dryRun: true });
    expect(clean).toMatchObject({
      status: "dry_run",
      result: {
        dryRun: true,
        tool: "clean_logs",
        params: { olderThanDays: 7 },
        preview: { wouldFreeBytes: 13 * 1024 ** 3 },
      },
    });
    const send = await performToolCall({
      workspaceId: dryWs,
      runId,
      tool: "send_email",
      params: email(),
      dryRun: true,
    });
    expect(send).toMatchObject({ status: "dry_run", result: { dryRun: true, params: email() } });
    const update = await performToolCall({
      workspaceId: dryWs,
      runId,
      tool: "update_record",
      params: { kind: "customer", id: "cus_1001", set: { plan: "free" } },
      dryRun: true,
    });
    expect(update).toMatchObject({ status: "dry_run", result: { preview: { wouldUpdate: { fromVersion: 1 } } } });
    const summary = await performToolCall({
      workspaceId: dryWs,
      runId,
      tool: "write_summary",
      params: { title: "T", content: "C" },
      dryRun: true,
    });
    expect(summary.status).toBe("dry_run");

    expect(await checkDiskUsage(db(), { workspaceId: dryWs })).toEqual(before);
    expect((await listLogFiles(db(), { workspaceId: dryWs })).files).toHaveLength(10);
    expect(await outboxCount(dryWs)).toBe(0);
    expect(await db().worldRecord.count({ where: { workspaceId: dryWs, version: { gt: 1 } } })).toBe(0);
    expect(await db().worldRecord.count({ where: { workspaceId: dryWs, kind: "summary" } })).toBe(0);
    const ledger = await listSideEffects(db(), { workspaceId: dryWs, runId });
    expect(ledger.map((entry) => [entry.tool, entry.status]).sort()).toEqual([
      ["check_disk", "performed"],
      ["clean_logs", "dry_run"],
      ["send_email", "dry_run"],
      ["update_record", "dry_run"],
      ["write_summary", "dry_run"],
    ]);
    // A repeat of a dry-run call is replayed too.
    const again = await performToolCall({
      workspaceId: dryWs,
      runId,
      tool: "send_email",
      params: email(),
      dryRun: true,
    });
    expect(again).toMatchObject({ status: "dry_run", replayed: true });
  });
});

describe("rate limits", () => {
  test("per tool per workspace: over the limit is a retriable 429; repeats and other workspaces are not counted", async () => {
    const limitedWs = await createWorkspace();
    const otherWs = await createWorkspace();
    const limited = (workspaceId: string): ToolRegistry => {
      const tools = createToolRegistry({ workspaceId });
      return { ...tools, check_disk: { ...tools.check_disk, rateLimit: { limit: 3, windowSeconds: 60 } } };
    };
    const runId = randomUUID();
    const call = (workspaceId: string, server?: string, run = runId) =>
      performToolCall(
        { workspaceId, runId: run, tool: "check_disk", params: server ? { server } : {} },
        { tools: limited(workspaceId) },
      );
    await call(limitedWs);
    await call(limitedWs, "app-1");
    await call(limitedWs, undefined, randomUUID());
    const error = await rejection(call(limitedWs, undefined, randomUUID()));
    expect(error).toMatchObject({ type: "rate_limited", code: "tool_rate_limited", retriable: true, status: 429 });
    expect(Number(error.headers["Retry-After"])).toBeGreaterThan(0);
    // A refused call left no row behind.
    expect(await db().sideEffect.count({ where: { workspaceId: limitedWs } })).toBe(3);
    // A repeat does not act, so it is not limited.
    expect((await call(limitedWs)).replayed).toBe(true);
    // Another workspace has its own bucket.
    expect((await call(otherWs)).status).toBe("performed");
  });
});

describe("failures, timeouts and crashes", () => {
  const hangingTool = (risk: "read" | "write_local", timeoutMs = 200) =>
    defineTool({
      name: "slow_tool",
      description: "hangs",
      risk,
      inputSchema: z.object({ n: z.number() }),
      timeoutMs,
      rateLimit: { limit: 1000, windowSeconds: 60 },
      execute: async (ctx) => {
        await delay(60_000, undefined, { signal: ctx.signal }).catch(() => undefined);
        return { late: true };
      },
    });

  test("a tool timeout is recorded as a retriable failure; the next call tries again", async () => {
    const runId = randomUUID();
    const tools: ToolRegistry = { slow_tool: hangingTool("read") };
    const started = Date.now();
    const error = await rejection(
      performToolCall({ workspaceId: ws, runId, tool: "slow_tool", params: { n: 1 } }, { tools }),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(error).toMatchObject({ type: "timeout", code: "tool_timeout", retriable: true });
    const row = await db().sideEffect.findFirstOrThrow({ where: { workspaceId: ws, runId } });
    expect(row).toMatchObject({ status: "failed", attempts: 1, error: expect.objectContaining({ retriable: true }) });
    await rejection(performToolCall({ workspaceId: ws, runId, tool: "slow_tool", params: { n: 1 } }, { tools }));
    expect((await db().sideEffect.findFirstOrThrow({ where: { workspaceId: ws, runId } })).attempts).toBe(2);
  });

  test("a write_local tool that hangs times out, and its transaction commits nothing", async () => {
    const runId = randomUUID();
    const tools: ToolRegistry = { slow_tool: hangingTool("write_local", 300) };
    const error = await rejection(
      performToolCall({ workspaceId: ws, runId, tool: "slow_tool", params: { n: 2 } }, { tools }),
    );
    expect(error).toMatchObject({ code: "tool_timeout", retriable: true });
    await delay(200);
    const row = await db().sideEffect.findFirstOrThrow({ where: { workspaceId: ws, runId } });
    expect(row).toMatchObject({ status: "failed", result: null, leaseOwner: null });
  });

  test("a write_local tool that fails leaves neither its write nor a performed record", async () => {
    const runId = randomUUID();
    const base = createToolRegistry({ workspaceId: ws });
    const failing = defineTool({
      ...base.update_record,
      name: "update_then_fail",
      execute: async (ctx, input) => {
        await base.update_record.execute(ctx, input);
        throw new ToolError("unprocessable", "broke_after_write", "failed after writing");
      },
    });
    const [before] = await listRecords(db(), { workspaceId: ws, externalIds: ["tkt_2001"] });
    expect(before?.version).toBe(1);
    const params = { kind: "ticket", id: "tkt_2001", set: { status: "closed" } };
    const error = await rejection(
      performToolCall(
        { workspaceId: ws, runId, tool: "update_then_fail", params },
        { tools: { update_then_fail: failing } },
      ),
    );
    expect(error.code).toBe("broke_after_write");
    const [after] = await db().worldRecord.findMany({ where: { workspaceId: ws, externalId: "tkt_2001" } });
    expect(after?.version).toBe(1);
    expect(after?.data).toEqual(before?.data);
    expect(await db().sideEffect.findFirstOrThrow({ where: { workspaceId: ws, runId } })).toMatchObject({
      status: "failed",
    });
  });

  test("a pending call whose caller died: in_doubt, reconciled as performed when the email went out", async () => {
    const runId = randomUUID();
    const params = email(3);
    // What a crashed caller leaves: a claimed row (attempts 1, lapsed lease) and, here, the email it sent.
    const key = sideEffectKey({ runId, tool: "send_email", params });
    const crashed = await db().sideEffect.create({
      data: {
        workspaceId: ws,
        runId,
        tool: "send_email",
        risk: "external_action",
        key,
        params,
        status: "pending",
        attempts: 1,
        leaseOwner: randomUUID(),
        leaseExpiresAt: new Date(Date.now() - 1000),
      },
    });
    await db().outboxEmail.create({
      data: { workspaceId: ws, ...params, runId, sideEffectId: crashed.id },
    });
    const outcome = await performToolCall({ workspaceId: ws, runId, tool: "send_email", params });
    expect(outcome).toMatchObject({ sideEffectId: crashed.id, status: "performed", reconciled: true, attempts: 2 });
    expect(await outboxCount(ws, runId)).toBe(1);
  });

  test("… and acted on again when it did not", async () => {
    const runId = randomUUID();
    const params = email(4);
    const crashed = await db().sideEffect.create({
      data: {
        workspaceId: ws,
        runId,
        tool: "send_email",
        risk: "external_action",
        key: sideEffectKey({ runId, tool: "send_email", params }),
        params,
        status: "pending",
        attempts: 1,
        leaseOwner: randomUUID(),
        leaseExpiresAt: new Date(Date.now() - 1000),
      },
    });
    const outcome = await performToolCall({ workspaceId: ws, runId, tool: "send_email", params });
    expect(outcome).toMatchObject({ sideEffectId: crashed.id, status: "performed", reconciled: false, attempts: 2 });
    expect(await outboxCount(ws, runId)).toBe(1);
  });

  test("a call held by a live caller is waited for, not acted on twice", async () => {
    const runId = randomUUID();
    const params = email(5);
    let sends = 0;
    const base = createToolRegistry({ workspaceId: ws });
    const slowSend = defineTool({
      ...base.send_email,
      execute: async (ctx, input) => {
        sends++;
        await delay(600); // longer than the lease: the heartbeat must keep it
        return base.send_email.execute(ctx, input);
      },
    });
    const tools: ToolRegistry = { send_email: slowSend };
    const [a, b] = await Promise.all([
      performToolCall({ workspaceId: ws, runId, tool: "send_email", params }, { tools, leaseMs: 300 }),
      delay(50).then(() =>
        performToolCall({ workspaceId: ws, runId, tool: "send_email", params }, { tools, leaseMs: 300 }),
      ),
    ]);
    expect(sends).toBe(1);
    expect(a.sideEffectId).toBe(b.sideEffectId);
    expect(await outboxCount(ws, runId)).toBe(1);
  });

  test("an external action that timed out is in_doubt; the retry reconciles instead of sending again", async () => {
    const runId = randomUUID();
    const params = email(6);
    const base = createToolRegistry({ workspaceId: ws });
    const sendsThenStalls = defineTool({
      ...base.send_email,
      timeoutMs: 200,
      execute: async (ctx, input) => {
        const result = await base.send_email.execute(ctx, input);
        await delay(5_000);
        return result;
      },
    });
    const error = await rejection(
      performToolCall(
        { workspaceId: ws, runId, tool: "send_email", params },
        { tools: { send_email: sendsThenStalls } },
      ),
    );
    expect(error).toMatchObject({ code: "tool_timeout", retriable: true });
    expect((await db().sideEffect.findFirstOrThrow({ where: { workspaceId: ws, runId } })).status).toBe("in_doubt");
    const outcome = await performToolCall({ workspaceId: ws, runId, tool: "send_email", params });
    expect(outcome).toMatchObject({ status: "performed", reconciled: true });
    expect(await outboxCount(ws, runId)).toBe(1);
  });
});
