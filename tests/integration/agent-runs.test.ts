// Agent runs end to end through the API (SPEC §4, API.md "Agent runs"): the operations agent on the offline model
// checks the simulated disk, waits durably for an approval, cleans, verifies; rejection, dry runs, loop detection,
// cancel, retry/rerun, and 20 runs racing one workspace's plan limit.
import { expect, test } from "vitest";
import { db } from "@/lib/db";
import { appUrl, createPersona, json, tokenFetch, uniqueSlug } from "../helpers/fixtures";
import { readSse } from "../helpers/sse";

type Api = ReturnType<typeof tokenFetch>;
type Tenant = { ws: string; api: Api; token: string; id: string };

async function tenant(roles: ("member" | "admin")[] = ["member", "admin"]): Promise<Tenant> {
  const ws = uniqueSlug("runs");
  const persona = await createPersona({ workspace: ws, roles, withToken: true });
  const { id } = await db().workspace.findUniqueOrThrow({ where: { slug: ws } });
  return { ws, api: tokenFetch(persona.token as string), token: persona.token as string, id };
}

async function startRun(t: Tenant, body: Record<string, unknown>, key: string = crypto.randomUUID()) {
  const response = await t.api(`/api/v1/workspaces/${t.ws}/runs`, {
    method: "POST",
    headers: { "Idempotency-Key": key },
    body: JSON.stringify(body),
  });
  const payload = await json(response);
  expect(response.status, JSON.stringify(payload)).toBe(202);
  expect(payload.run.status).toBe("queued");
  return payload.run.id as string;
}

async function getRun(t: Tenant, runId: string) {
  const response = await t.api(`/api/v1/workspaces/${t.ws}/runs/${runId}`);
  expect(response.status).toBe(200);
  const body = await json(response);
  expect(response.headers.get("etag")).toBe(`"${body.run.version}"`);
  return body.run;
}

async function waitFor(t: Tenant, runId: string, statuses: string[], timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await getRun(t, runId);
    if (statuses.includes(run.status)) return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} is ${run.status} (${JSON.stringify(run.error)})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function list(t: Tenant, path: string) {
  const response = await t.api(`/api/v1/workspaces/${t.ws}${path}`);
  expect(response.status).toBe(200);
  return (await json(response)).data;
}

async function decide(t: Tenant, runId: string, approvalId: string, decision: "approve" | "reject", note?: string) {
  return t.api(`/api/v1/workspaces/${t.ws}/runs/${runId}/approvals/${approvalId}`, {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
    body: JSON.stringify({ decision, note }),
  });
}

const OPS = { agent: "operations", goal: "app-1 is filling up: keep it healthy" };

/** Waits until every engine run started for this agent run (one per attempt) has reached an end state. */
async function engineRunsEnded(runId: string) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const runs = await db().$queryRaw<{ status: string }[]>`
      SELECT status FROM engine.runs WHERE (event::jsonb -> 'data' ->> 'runId') = ${runId}`;
    if (runs.length > 0 && runs.every((run) => ["completed", "failed", "cancelled"].includes(run.status))) return;
    if (Date.now() > deadline) throw new Error(`engine runs of ${runId} still ${JSON.stringify(runs)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

test("the agents API lists the three agents with their tools and risk levels", async () => {
  const t = await tenant();
  const agents = await list(t, "/agents");
  expect(agents.map((a: { name: string }) => a.name)).toEqual(["operations", "support", "research"]);
  expect(agents[0].tools).toEqual(
    expect.arrayContaining([expect.objectContaining({ name: "clean_logs", risk: "write_local" })]),
  );
});

test("operations: checks the disk, waits for approval, is approved, cleans once, verifies → succeeded", async () => {
  const t = await tenant();
  const runId = await startRun(t, { ...OPS, constraints: { require_approval: ["write_local"] } });
  await waitFor(t, runId, ["waiting_approval"]);
  const approvals = await list(t, `/runs/${runId}/approvals`);
  expect(approvals).toHaveLength(1);
  expect(approvals[0]).toMatchObject({ tool: "clean_logs", status: "pending", risk: "write_local" });

  const decided = await decide(t, runId, approvals[0].id, "approve", "go ahead");
  expect(decided.status).toBe(200);
  expect((await json(decided)).approval).toMatchObject({ status: "approved", note: "go ahead" });
  const again = await decide(t, runId, approvals[0].id, "reject");
  expect(again.status).toBe(409);

  const run = await waitFor(t, runId, ["succeeded", "failed", "canceled", "timed_out"]);
  expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
  expect(run.result).toContain("86%");
  expect(run.result).toContain("73%");
  expect(run.progress).toBe(100);
  expect(run.usage.llm_tokens).toBeGreaterThan(0);
  // Every ledger row of the run (model turns and tool calls) carries its agent, for the usage breakdown.
  const billed = await db().usageEntry.findMany({ where: { runId }, select: { agent: true, kind: true } });
  expect(new Set(billed.map((row) => row.kind))).toEqual(new Set(["model_call", "tool_call"]));
  expect(billed.every((row) => row.agent === "operations")).toBe(true);
  expect(run.state.plan.length).toBeGreaterThan(0);
  expect(run.state.known_facts).toEqual(
    expect.arrayContaining([expect.objectContaining({ key: "check_disk.usedPercent", value: 73 })]),
  );

  const ledger = await list(t, `/ledger?run_id=${runId}`);
  const cleanups = ledger.filter((e: { tool: string }) => e.tool === "clean_logs");
  expect(cleanups).toHaveLength(1);
  expect(cleanups[0]).toMatchObject({ status: "performed", dry_run: false });
  expect(await list(t, `/runs/${runId}/approvals`)).toEqual([expect.objectContaining({ status: "approved" })]);

  const steps = await list(t, `/runs/${runId}/steps`);
  expect(steps.map((s: { kind: string; tool_chosen: string | null }) => `${s.kind}:${s.tool_chosen}`)).toEqual([
    "model:check_disk",
    "tool:check_disk",
    "model:clean_logs",
    "tool:clean_logs",
    "model:check_disk",
    "tool:check_disk",
    "model:null",
  ]);
  // The state history: every step's recorded StatePatch ops.
  type Op = { op: string; facts?: { key: string; value: unknown }[]; questions?: string[] };
  const opsOf = (n: number) => (steps.find((s: { number: number }) => s.number === n)?.state_patch ?? []) as Op[];
  expect(opsOf(1)).toEqual([{ op: "replace_plan", plan: expect.arrayContaining(["check the disk usage"]) }]);
  expect(opsOf(2)).toEqual([
    expect.objectContaining({
      op: "add_facts",
      facts: expect.arrayContaining([{ key: "check_disk.usedPercent", value: 86, source: "step 2" }]),
    }),
  ]);
  expect(opsOf(4).map((op) => op.op)).toEqual(["add_questions", "add_facts"]);
  expect(opsOf(4)[0]?.questions?.[0]).toContain("clean_logs");
  expect(opsOf(6)[0]?.facts).toEqual(expect.arrayContaining([expect.objectContaining({ value: 73 })]));
  expect(steps.flatMap((s: { state_patch: Op[] }) => s.state_patch).some((op: Op) => op.op === "raise_flag")).toBe(
    false,
  );
  const firstModel = steps[0];
  expect(firstModel).toMatchObject({
    model: expect.any(String),
    prompt_version: "agent-operations@1",
    seed: 42,
    temperature: 0,
  });
  expect(firstModel.tools_considered).toEqual(["check_disk", "list_logs", "clean_logs"]);
  expect(firstModel.tokens.input).toBeGreaterThan(0);

  const audit = await db().auditLog.findMany({ where: { targetId: approvals[0].id } });
  expect(audit.map((a) => a.action)).toEqual(["approval.approved"]);

  // The run's SSE: every event from the start, ending with `end`; resuming after N gives exactly the rest.
  const url = `${appUrl()}/api/v1/workspaces/${t.ws}/runs/${runId}/events`;
  const headers = { authorization: `Bearer ${t.token}` };
  const all = await readSse(url, { headers });
  expect(all.ended).toBe(true);
  expect(all.events.map((e) => e.id)).toEqual(all.events.map((_, i) => i + 1));
  expect(all.events.at(-1)?.data).toMatchObject({ status: "succeeded" });
  expect(all.events.some((e) => e.event === "approval")).toBe(true);
  const resumed = await readSse(url, { headers, afterSeq: 5 });
  expect(resumed.events.map((e) => e.id)).toEqual(all.events.slice(5).map((e) => e.id));
});

test("rejected: the run concludes without cleaning", async () => {
  const t = await tenant();
  const runId = await startRun(t, { ...OPS, constraints: { require_approval: ["write_local"] } });
  await waitFor(t, runId, ["waiting_approval"]);
  const [approval] = await list(t, `/runs/${runId}/approvals`);
  expect((await decide(t, runId, approval.id, "reject", "not now")).status).toBe(200);
  const run = await waitFor(t, runId, ["succeeded", "failed", "canceled", "timed_out"]);
  expect(run.status).toBe("succeeded");
  expect(run.result).toContain("did not clean");
  expect(run.state.risk_flags).toEqual([expect.objectContaining({ code: "approval_rejected" })]);
  const ledger = await list(t, `/ledger?run_id=${runId}`);
  expect(ledger.filter((e: { tool: string }) => e.tool === "clean_logs")).toEqual([]);
});

test("an approval nobody decides expires: default deny", async () => {
  const t = await tenant();
  const runId = await startRun(t, {
    ...OPS,
    constraints: { require_approval: ["write_local"], approval_timeout_ms: 1_000 },
  });
  const run = await waitFor(t, runId, ["succeeded", "failed", "canceled", "timed_out"]);
  expect(run.status).toBe("succeeded");
  expect(await list(t, `/runs/${runId}/approvals`)).toEqual([expect.objectContaining({ status: "expired" })]);
  expect((await list(t, `/ledger?run_id=${runId}`)).filter((e: { tool: string }) => e.tool === "clean_logs")).toEqual(
    [],
  );
});

test("a dry run performs nothing: the clean-up is recorded as dry_run and the disk is unchanged", async () => {
  const t = await tenant();
  const runId = await startRun(t, { ...OPS, dry_run: true });
  const run = await waitFor(t, runId, ["succeeded", "failed", "canceled", "timed_out"]);
  expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
  expect(run.dry_run).toBe(true);
  const ledger = await list(t, `/ledger?run_id=${runId}`);
  expect(ledger.filter((e: { tool: string }) => e.tool === "clean_logs")).toEqual([
    expect.objectContaining({ status: "dry_run", dry_run: true }),
  ]);
  expect(
    ledger.filter((e: { status: string }) => e.status === "performed").map((e: { tool: string }) => e.tool),
  ).toEqual(["check_disk", "check_disk"]);
  expect(await list(t, `/runs/${runId}/approvals`)).toEqual([]);
  expect(run.result).toContain("86%");
  expect(run.result).not.toContain("73%");
});

test("a looping plan is stopped by loop detection with its reason, not by the step cap; retry and rerun", async () => {
  const t = await tenant();
  const runId = await startRun(t, {
    ...OPS,
    constraints: { require_approval: [] },
    offline_plan: "1. check_disk {} repeat",
  });
  const run = await waitFor(t, runId, ["succeeded", "failed", "canceled", "timed_out"]);
  expect(run.status).toBe("failed");
  expect(run.error).toMatchObject({ type: "conflict", code: "loop_detected" });
  expect(run.error.message).toContain("check_disk");
  expect(run.usage.steps).toBeLessThan(run.budget.max_steps);

  const retried = await t.api(`/api/v1/workspaces/${t.ws}/runs/${runId}/retry`, { method: "POST" });
  expect(retried.status).toBe(202);
  const after = await waitFor(t, runId, ["failed"], 45_000).then(async (r) =>
    r.attempts >= 2 ? r : waitFor(t, runId, ["failed"]),
  );
  expect(after.attempts).toBeGreaterThanOrEqual(2);

  const rerun = await t.api(`/api/v1/workspaces/${t.ws}/runs/${runId}/rerun`, {
    method: "POST",
    headers: { "Idempotency-Key": crypto.randomUUID() },
  });
  expect(rerun.status).toBe(202);
  const fresh = (await json(rerun)).run;
  expect(fresh.id).not.toBe(runId);
  expect(fresh.rerun_of).toBe(runId);
  const done = await waitFor(t, fresh.id, ["failed", "succeeded"]);
  expect(done.error).toMatchObject({ code: "loop_detected" });

  const member = await tenant(["member"]);
  const forbidden = await member.api(`/api/v1/workspaces/${member.ws}/runs/${runId}/retry`, { method: "POST" });
  expect(forbidden.status).toBe(403);
});

test("goal drift: steps that share no keyword with the goal and plan raise goal_drift, and the run goes on", async () => {
  const t = await tenant();
  const runId = await startRun(t, {
    ...OPS,
    constraints: { require_approval: [] },
    offline_plan: [
      "1. check_disk {} -- Composing a sonnet on tulips.",
      "2. list_logs {} -- Tulips bloom in spring.",
      '3. list_logs {"olderThanDays": 30} -- Sonnets rhyme in fourteen lines.',
      "final: Roses are red.",
    ].join("\n"),
  });
  const run = await waitFor(t, runId, ["succeeded", "failed", "canceled", "timed_out"]);
  expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
  expect(run.result).toBe("Roses are red.");
  // Flagged once, on the third off-topic model turn (step 5), not again on the fourth.
  expect(run.state.risk_flags).toEqual([
    expect.objectContaining({ code: "goal_drift", step: 5, message: expect.stringContaining("no keyword") }),
  ]);
  const steps = await list(t, `/runs/${runId}/steps`);
  const flagged = steps.filter((s: { state_patch: { op: string; flag?: { code: string } }[] }) =>
    s.state_patch.some((op) => op.op === "raise_flag" && op.flag?.code === "goal_drift"),
  );
  expect(flagged.map((s: { number: number; kind: string }) => `${s.kind}:${s.number}`)).toEqual(["model:5"]);
  expect(steps.at(-1)).toMatchObject({ kind: "model", tool_chosen: null });
});

test("cancel mid-run: a waiting run ends canceled, its approval closes, nothing is cleaned", async () => {
  const t = await tenant();
  const runId = await startRun(t, { ...OPS, constraints: { require_approval: ["write_local"] } });
  await waitFor(t, runId, ["waiting_approval"]);
  const canceled = await t.api(`/api/v1/workspaces/${t.ws}/runs/${runId}/cancel`, { method: "POST" });
  expect(canceled.status).toBe(202);
  expect((await json(canceled)).run.status).toBe("canceled");
  const [approval] = await list(t, `/runs/${runId}/approvals`);
  expect(approval.status).toBe("expired");
  expect((await decide(t, runId, approval.id, "approve")).status).toBe(409);
  // Once the engine's runs of it have ended (cancelOn), nothing can act on the run any more: it stayed canceled.
  await engineRunsEnded(runId);
  expect((await getRun(t, runId)).status).toBe("canceled");
  expect((await list(t, `/ledger?run_id=${runId}`)).filter((e: { tool: string }) => e.tool === "clean_logs")).toEqual(
    [],
  );
  const again = await t.api(`/api/v1/workspaces/${t.ws}/runs/${runId}/cancel`, { method: "POST" });
  expect(again.status).toBe(202);
});

test("a soft stop near the step budget makes the agent conclude with what it has", async () => {
  const t = await tenant();
  const runId = await startRun(t, { ...OPS, dry_run: true, budget: { max_steps: 4 } });
  const run = await waitFor(t, runId, ["succeeded", "failed", "canceled", "timed_out"]);
  expect(run.status, JSON.stringify(run.error)).toBe("succeeded");
  expect(run.usage.steps).toBeLessThanOrEqual(4);
  expect(run.state.risk_flags).toEqual(expect.arrayContaining([expect.objectContaining({ code: "budget_soft_stop" })]));
});

test("budgets: 20 runs racing one workspace's plan limit never exceed it", async () => {
  const t = await tenant();
  const LIMIT = 30_000;
  await db().workspace.update({ where: { id: t.id }, data: { planMonthlyTokens: BigInt(LIMIT) } });
  const ids = await Promise.all(
    Array.from({ length: 20 }, () => startRun(t, { ...OPS, dry_run: true, constraints: { require_approval: [] } })),
  );
  let overspent = false;
  const watch = setInterval(async () => {
    const [row] = await db().$queryRaw<{ used: bigint; reserved: bigint }[]>`
      SELECT used_tokens AS used, reserved_tokens AS reserved FROM quota_periods WHERE workspace_id = ${t.id}::uuid`;
    if (row && Number(row.used) + Number(row.reserved) > LIMIT) overspent = true;
  }, 20);
  const runs = [];
  try {
    for (const id of ids) runs.push(await waitFor(t, id, ["succeeded", "failed", "canceled", "timed_out"], 90_000));
  } finally {
    clearInterval(watch);
  }
  const [quota] = await db().$queryRaw<{ used: bigint; reserved: bigint; token_limit: bigint }[]>`
    SELECT used_tokens AS used, reserved_tokens AS reserved, token_limit FROM quota_periods WHERE workspace_id = ${t.id}::uuid`;
  expect(Number(quota?.token_limit)).toBe(LIMIT);
  expect(Number(quota?.used)).toBeLessThanOrEqual(LIMIT);
  expect(Number(quota?.reserved)).toBe(0);
  expect(overspent).toBe(false);
  const failed = runs.filter((r) => r.status === "failed");
  expect(failed.length).toBeGreaterThan(0);
  for (const run of failed) expect(run.error).toMatchObject({ type: "quota_exceeded", code: "quota_exceeded" });
  // Every run either finished or was refused a reservation; none overspent, and what was billed is what was used.
  expect(runs.every((r) => ["succeeded", "failed"].includes(r.status))).toBe(true);
  expect(Number(quota?.used)).toBeGreaterThan(LIMIT / 2);
  const billed = runs.reduce((sum, r) => sum + r.usage.llm_tokens, 0);
  expect(billed).toBe(Number(quota?.used));
}, 120_000);
