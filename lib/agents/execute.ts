import type { ModelMessage } from "ai";
import { z } from "zod";
import { isProviderError, ProviderError } from "@/lib/ai/errors";
import { costOf } from "@/lib/ai/models";
import { parseOfflinePlan } from "@/lib/ai/offline-plan";
import { type GenerationResult, runGeneration, type ToolSpec } from "@/lib/ai/stream";
import { estimateJsonTokens } from "@/lib/ai/tokens";
import { type DbClient, db, type Prisma } from "@/lib/db";
import type { AgentRun, AgentStep } from "@/lib/db/generated/client.ts";
import { ApiError } from "@/lib/http/errors";
import { createToolRegistry, type ToolRegistry } from "@/lib/tools/registry";
import { performToolCall, sideEffectKey } from "@/lib/tools/side-effect-ledger";
import type { ToolRisk } from "@/lib/tools/types";
import { recordUsage } from "@/lib/usage/ledger";
import { reserveTokens, settleTokens } from "@/lib/usage/quota";
import { ToolError } from "@/lib/world/errors";
import { detectGoalDrift } from "./drift";
import { appendRunEvents, type NewRunEvent } from "./events";
import { findAgent } from "./registry";
import { finishRun, type RunError } from "./runs";
import {
  applyStatePatch,
  budgetSchema,
  factsFromResult,
  type RunState,
  runStateSchema,
  type StatePatchOp,
} from "./state";

// The bodies of the run-agent function's memoized steps. Each is idempotent on its own: a step whose row is
// already recorded (a crash after the commit, before the engine memoized it) returns what was recorded.

/** Longest a model answer may be; part of every turn's reservation. */
export const MAX_OUTPUT_TOKENS = 1_024;
/** A run that changes nothing in its state for this many steps is stopped (loop detection). */
export const NO_PROGRESS_STEPS = 8;
const STEP_MODEL_TIMEOUT_MS = 120_000;
const CANCEL_POLL_MS = 250;

export type PendingTool = {
  number: number;
  toolCallId: string;
  tool: string;
  params: unknown;
  risk: ToolRisk | null;
  needsApproval: boolean;
};
export type StepOutcome = { kind: "stop"; status: string } | { kind: "continue" };
export type TurnOutcome = { kind: "stop"; status: string } | { kind: "tool"; tool: PendingTool };

const constraintsOf = (run: AgentRun) =>
  z
    .object({
      require_approval: z.array(z.string()).default([]),
      approval_timeout_ms: z.number().default(3_600_000),
    })
    .parse(run.constraints);

function stop(status: string): { kind: "stop"; status: string } {
  return { kind: "stop", status };
}

async function loadRun(client: DbClient, runId: string) {
  return client.agentRun.findUnique({ where: { id: runId } });
}

/** Locks the run and ends it `timed_out` when its deadline passed. */
async function lockRunning(tx: DbClient, runId: string): Promise<AgentRun | { stopped: string }> {
  await tx.$queryRaw`SELECT id FROM agent_runs WHERE id = ${runId}::uuid FOR UPDATE`;
  const run = await loadRun(tx, runId);
  if (!run) return { stopped: "missing" };
  if (run.status !== "running") return { stopped: run.status };
  if (run.deadlineAt.getTime() <= Date.now()) {
    await finishRun(tx, {
      runId,
      status: "timed_out",
      error: { type: "timeout", code: "run_deadline_exceeded", message: "the run passed its deadline" },
    });
    return { stopped: "timed_out" };
  }
  return run;
}

/** The run's system prompt: the text of the prompt version recorded at creation (the registry's for older runs). */
async function systemPromptOf(run: AgentRun, fallback: string): Promise<string> {
  if (!run.promptVersionId) return fallback;
  const version = await db().promptVersion.findFirst({
    where: { id: run.promptVersionId, workspaceId: run.workspaceId },
    select: { content: true },
  });
  return version?.content ?? fallback;
}

/** Applies and records a state patch; returns whether the state changed. */
async function patchState(tx: DbClient, run: AgentRun, stepNumber: number, ops: StatePatchOp[]): Promise<boolean> {
  if (ops.length === 0) return false;
  const { state, changed } = applyStatePatch(runStateSchema.parse(run.state), ops);
  await tx.agentStatePatch.create({
    data: { workspaceId: run.workspaceId, runId: run.id, stepNumber, ops: ops as Prisma.InputJsonValue },
  });
  if (changed) {
    await tx.agentRun.update({
      where: { id: run.id },
      data: { state: state as Prisma.InputJsonValue, version: { increment: 1 } },
    });
  }
  return changed;
}

function presentStepEvent(step: AgentStep) {
  return {
    number: step.number,
    kind: step.kind,
    status: step.status,
    tool: step.toolChosen,
    params: step.params,
    reasoning_summary: step.reasoningSummary,
    result: step.result,
    error: step.error,
  } as Prisma.InputJsonValue;
}

/** `start`: queued → running (a new engine run of the same agent run continues after its last recorded step). */
export async function startRun(runId: string) {
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM agent_runs WHERE id = ${runId}::uuid FOR UPDATE`;
    const run = await loadRun(tx, runId);
    if (!run || !["queued", "running"].includes(run.status)) return { proceed: false as const };
    await tx.agentRun.update({
      where: { id: runId },
      data: {
        status: "running",
        startedAt: run.startedAt ?? new Date(),
        attempts: { increment: 1 },
        version: { increment: 1 },
      },
    });
    await appendRunEvents(tx, runId, [{ kind: "status", data: { status: "running", progress: run.progress } }]);
    const last = await tx.agentStep.findFirst({ where: { runId }, orderBy: { number: "desc" } });
    const pending =
      last && last.kind === "model" && last.toolChosen
        ? pendingToolOf(run, last.number + 1, last.toolCallId ?? `call-${last.number}`, last.toolChosen, last.params)
        : null;
    return { proceed: true as const, nextNumber: (last?.number ?? 0) + 1, pending };
  });
}

function pendingToolOf(run: AgentRun, number: number, toolCallId: string, tool: string, params: unknown): PendingTool {
  const registry = createToolRegistry({ workspaceId: run.workspaceId }) as ToolRegistry;
  const risk = Object.hasOwn(registry, tool) ? (registry[tool]?.risk ?? null) : null;
  const needsApproval = !run.dryRun && risk !== null && constraintsOf(run).require_approval.includes(risk);
  return { number, toolCallId, tool, params: params ?? {}, risk, needsApproval };
}

/** The conversation the model sees: the goal, then every recorded tool call with its result. */
function buildMessages(run: AgentRun, steps: AgentStep[], maxBytes: number): ModelMessage[] {
  const messages: ModelMessage[] = [{ role: "user", content: run.goal }];
  for (const step of steps) {
    if (step.kind === "model" && step.toolChosen) {
      messages.push({
        role: "assistant",
        content: [
          ...(step.reasoningSummary ? [{ type: "text" as const, text: step.reasoningSummary }] : []),
          {
            type: "tool-call" as const,
            toolCallId: step.toolCallId ?? `call-${step.number}`,
            toolName: step.toolChosen,
            input: step.params ?? {},
          },
        ],
      });
    } else if (step.kind === "tool" && step.toolChosen) {
      const previous = steps.find((s) => s.number === step.number - 1);
      const toolCallId = previous?.toolCallId ?? `call-${step.number - 1}`;
      let value = (step.status === "failed" ? { error: step.error } : (step.result ?? null)) as Prisma.JsonValue;
      if (JSON.stringify(value ?? null).length > maxBytes) {
        value = { truncated: true, preview: JSON.stringify(value).slice(0, maxBytes) };
      }
      messages.push({
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId,
            toolName: step.toolChosen,
            output:
              step.status === "failed"
                ? { type: "error-json", value: value as never }
                : { type: "json", value: value as never },
          },
        ],
      });
    }
  }
  return messages;
}

function failureOf(error: unknown): RunError {
  if (error instanceof ApiError) return { type: error.publicType, code: error.code, message: error.message };
  return { type: "internal", code: "run_failed", message: "the run failed unexpectedly" };
}

/** Ends a run `failed` with the normalized reason of `error` (onFailure, and hard stops). */
export async function failRun(runId: string, error: unknown): Promise<boolean> {
  const reason =
    error && typeof error === "object" && "type" in error && "code" in error && "message" in error
      ? (error as RunError)
      : failureOf(error);
  return db().$transaction((tx) => finishRun(tx, { runId, status: "failed", error: reason }));
}

/** Loop detection's second rule: no state change for NO_PROGRESS_STEPS steps. */
async function stalledSince(tx: DbClient, runId: string, number: number): Promise<boolean> {
  if (number <= NO_PROGRESS_STEPS) return false;
  const patches = await tx.agentStatePatch.findMany({ where: { runId }, select: { stepNumber: true } });
  const lastChange = Math.max(0, ...patches.map((p) => p.stepNumber));
  return number - lastChange > NO_PROGRESS_STEPS;
}

/** One model turn: budget checks, reservation, the model call, settlement, the audited step record. */
export async function modelTurn(runId: string, number: number): Promise<TurnOutcome> {
  const existing = await db().agentStep.findUnique({ where: { runId_number: { runId, number } } });
  const runNow = await loadRun(db(), runId);
  if (!runNow) return stop("missing");
  if (existing) {
    if (existing.toolChosen) {
      return {
        kind: "tool",
        tool: pendingToolOf(
          runNow,
          number + 1,
          existing.toolCallId ?? `call-${number}`,
          existing.toolChosen,
          existing.params,
        ),
      };
    }
    return stop(runNow.status);
  }
  const agent = findAgent(runNow.agent);
  if (!agent) {
    await failRun(runId, { type: "validation", code: "unknown_agent", message: `no agent ${runNow.agent}` });
    return stop("failed");
  }
  const system = await systemPromptOf(runNow, agent.system);
  const budget = budgetSchema.parse(runNow.budget);
  const registry = createToolRegistry({ workspaceId: runNow.workspaceId }) as ToolRegistry;
  const tools: Record<string, ToolSpec> = {};
  for (const name of agent.tools) {
    const tool = registry[name];
    if (tool) tools[name] = { description: tool.description, inputSchema: tool.inputSchema };
  }
  const steps = await db().agentStep.findMany({ where: { runId }, orderBy: { number: "asc" } });
  const messages = buildMessages(runNow, steps, budget.max_artifact_bytes_in_context);
  const estimate = Math.ceil(
    estimateJsonTokens({ system, messages, tools: agent.tools.map((n) => registry[n]?.description) }) * 1.5,
  );
  const reserve = estimate + MAX_OUTPUT_TOKENS;
  const reserveCost = costOf(runNow.model, { inputTokens: estimate, outputTokens: MAX_OUTPUT_TOKENS });

  // Reserve against the run's budget and the workspace's plan, in one transaction (guarded UPDATEs).
  type Reservation = { ok: true; soft: string | null } | { ok: false; stopped: string; error?: RunError };
  const reservation: Reservation = await db()
    .$transaction(async (tx): Promise<Reservation> => {
      const run = await lockRunning(tx, runId);
      if ("stopped" in run) return { ok: false, stopped: run.stopped };
      if (run.reservedTokens > 0) {
        // A crashed turn's reservation: release it before taking a new one.
        await settleTokens(tx, {
          workspaceId: run.workspaceId,
          reserved: run.reservedTokens,
          used: 0,
          reservedAt: new Date(),
        });
      }
      if (await stalledSince(tx, runId, number)) {
        return { ok: false, stopped: "failed", error: loopError(`no state change for ${NO_PROGRESS_STEPS} steps`) };
      }
      const exhausted =
        run.stepsUsed >= budget.max_steps
          ? `max_steps (${budget.max_steps})`
          : run.llmTokens >= budget.max_llm_tokens
            ? `max_llm_tokens (${budget.max_llm_tokens})`
            : Number(run.costMicros) >= budget.max_cost
              ? `max_cost (${budget.max_cost})`
              : null;
      if (exhausted) return { ok: false, stopped: "failed", error: budgetError(exhausted) };
      const take = Math.max(1, Math.min(reserve, budget.max_llm_tokens - run.llmTokens));
      const takeCost = Math.max(0, Math.min(reserveCost, budget.max_cost - Number(run.costMicros)));
      await tx.agentRun.update({
        where: { id: runId },
        data: { reservedTokens: take, reservedCostMicros: BigInt(takeCost) },
      });
      await reserveTokens(tx, { workspaceId: run.workspaceId, tokens: take });
      // Soft stop: too little left for another tool round trip after this turn — the agent is told to conclude.
      const soft =
        run.stepsUsed + 3 > budget.max_steps
          ? "max_steps"
          : run.llmTokens + 2 * reserve > budget.max_llm_tokens
            ? "max_llm_tokens"
            : Number(run.costMicros) + 2 * reserveCost > budget.max_cost
              ? "max_cost"
              : run.deadlineAt.getTime() - Date.now() < 10_000
                ? "max_wall_time_ms"
                : null;
      return { ok: true, soft };
    })
    .catch((error: unknown) => {
      if (error instanceof ApiError && error.type === "quota_exceeded") {
        return { ok: false as const, stopped: "failed", error: failureOf(error) };
      }
      throw error;
    });
  if (!reservation.ok) {
    if (reservation.error) {
      await failRun(runId, reservation.error);
      return stop("failed");
    }
    return stop(reservation.stopped);
  }

  const controller = new AbortController();
  const watcher = setInterval(() => {
    loadRun(db(), runId)
      .then((run) => {
        if (run && run.status !== "running") controller.abort();
      })
      .catch(() => {});
  }, CANCEL_POLL_MS);
  const started = Date.now();
  let result: GenerationResult;
  try {
    const conclude = reservation.soft
      ? [
          {
            role: "system" as const,
            content: `Budget nearly used (${reservation.soft}): conclude now with what you have. [holdfast:conclude]`,
          },
        ]
      : [];
    result = await runGeneration({
      modelId: runNow.model,
      system,
      messages: [...messages, ...conclude],
      tools,
      toolChoice: reservation.soft ? "none" : "auto",
      temperature: runNow.temperature,
      seed: runNow.seed,
      maxOutputTokens: MAX_OUTPUT_TOKENS,
      signal: controller.signal,
      requestTimeoutMs: Math.max(1_000, Math.min(STEP_MODEL_TIMEOUT_MS, runNow.deadlineAt.getTime() - Date.now())),
      offlinePlan: runNow.offlinePlan ? parseOfflinePlan(runNow.offlinePlan) : undefined,
      headers: runNow.requestId ? { "X-Request-Id": runNow.requestId } : undefined,
    });
  } catch (error) {
    await releaseReservation(runId);
    if (isProviderError(error) && error.kind === "canceled")
      return stop((await loadRun(db(), runId))?.status ?? "canceled");
    throw error;
  } finally {
    clearInterval(watcher);
  }

  const call = result.toolCalls[0];
  return db().$transaction(async (tx): Promise<TurnOutcome> => {
    await tx.$queryRaw`SELECT id FROM agent_runs WHERE id = ${runId}::uuid FOR UPDATE`;
    const run = await loadRun(tx, runId);
    if (!run) return stop("missing");
    const used = result.usage.totalTokens;
    await settleTokens(tx, {
      workspaceId: run.workspaceId,
      reserved: run.reservedTokens,
      used,
      reservedAt: new Date(),
    });
    await recordUsage(tx, {
      workspaceId: run.workspaceId,
      userId: run.requestedById,
      kind: "model_call",
      model: result.stamp.modelId,
      inputTokens: result.usage.inputTokens,
      outputTokens: result.usage.outputTokens,
      costMicros: result.costMicros,
      runId,
      agent: run.agent,
    });
    await tx.agentRun.update({
      where: { id: runId },
      data: {
        reservedTokens: 0,
        reservedCostMicros: 0n,
        llmTokens: { increment: used },
        costMicros: { increment: BigInt(result.costMicros) },
        stepsUsed: { increment: 1 },
        version: { increment: 1 },
      },
    });
    if (run.status !== "running") return stop(run.status);
    const step = await tx.agentStep.create({
      data: {
        workspaceId: run.workspaceId,
        runId,
        number,
        kind: "model",
        reasoningSummary: result.text.slice(0, 2_000) || null,
        toolsConsidered: Object.keys(tools),
        toolChosen: call?.toolName ?? null,
        toolCallId: call?.toolCallId ?? null,
        params: (call?.input ?? undefined) as Prisma.InputJsonValue | undefined,
        result: call ? undefined : ({ text: result.text, finish_reason: result.finishReason } as Prisma.InputJsonValue),
        durationMs: Date.now() - started,
        inputTokens: result.usage.inputTokens,
        outputTokens: result.usage.outputTokens,
        costMicros: BigInt(result.costMicros),
        model: result.stamp.modelId,
        promptVersion: run.promptVersion,
        seed: run.seed,
        temperature: run.temperature,
        status: "succeeded",
      },
    });
    const ops: StatePatchOp[] = [];
    if (steps.length === 0) ops.push({ op: "replace_plan", plan: [...agent.planOutline] });
    if (reservation.soft) {
      ops.push({
        op: "raise_flag",
        flag: { code: "budget_soft_stop", message: `${reservation.soft} nearly used: concluding`, step: number },
      });
    }
    const drift = detectGoalDrift({
      purpose: [
        run.goal,
        ...runStateSchema.parse(run.state).plan,
        ...agent.planOutline,
        agent.description,
        system,
        ...Object.values(tools).map((tool) => tool.description ?? ""),
      ],
      agentTools: agent.tools,
      previous: steps
        .filter((s) => s.kind === "model")
        .map((s) => ({ text: s.reasoningSummary, tool: s.toolChosen, params: s.params })),
      current: { text: result.text, tool: call?.toolName ?? null, params: call?.input ?? null },
    });
    if (drift) ops.push({ op: "raise_flag", flag: { code: "goal_drift", message: drift, step: number } });
    await patchState(tx, run, number, ops);
    await appendRunEvents(tx, runId, [{ kind: "step", data: presentStepEvent(step) }]);
    if (!call) {
      await finishRun(tx, { runId, status: "succeeded", result: result.text });
      return stop("succeeded");
    }
    return { kind: "tool", tool: pendingToolOf(run, number + 1, call.toolCallId, call.toolName, call.input) };
  });
}

async function releaseReservation(runId: string) {
  await db().$transaction(async (tx) => {
    const [run] = await tx.$queryRaw<{ workspace_id: string; reserved_tokens: number }[]>`
      SELECT workspace_id, reserved_tokens FROM agent_runs WHERE id = ${runId}::uuid FOR UPDATE`;
    if (!run || run.reserved_tokens === 0) return;
    await settleTokens(tx, {
      workspaceId: run.workspace_id,
      reserved: run.reserved_tokens,
      used: 0,
      reservedAt: new Date(),
    });
    await tx.agentRun.update({ where: { id: runId }, data: { reservedTokens: 0, reservedCostMicros: 0n } });
  });
}

const budgetError = (what: string): RunError => ({
  type: "quota_exceeded",
  code: "budget_exhausted",
  message: `the run used its budget: ${what}`,
});
const loopError = (why: string): RunError => ({
  type: "conflict",
  code: "loop_detected",
  message: `loop detected: ${why}`,
});

/** Creates the approval a tool call waits for (once), and moves the run to `waiting_approval`. */
export async function requestApproval(runId: string, pending: PendingTool) {
  return db().$transaction(async (tx) => {
    const run = await lockRunning(tx, runId);
    const existing = await tx.agentApproval.findUnique({
      where: { runId_stepNumber: { runId, stepNumber: pending.number } },
    });
    if (existing)
      return {
        approvalId: existing.id,
        status: existing.status,
        expiresAt: existing.expiresAt.toISOString(),
        requestedAt: existing.createdAt.toISOString(),
      };
    if ("stopped" in run) {
      const now = new Date().toISOString();
      return { approvalId: null, status: run.stopped, expiresAt: now, requestedAt: now };
    }
    const ttl = constraintsOf(run).approval_timeout_ms;
    const expiresAt = new Date(Math.min(Date.now() + ttl, run.deadlineAt.getTime()));
    const approval = await tx.agentApproval.create({
      data: {
        workspaceId: run.workspaceId,
        runId,
        stepNumber: pending.number,
        tool: pending.tool,
        risk: pending.risk ?? "unknown",
        params: (pending.params ?? {}) as Prisma.InputJsonValue,
        expiresAt,
      },
    });
    await tx.agentRun.update({ where: { id: runId }, data: { status: "waiting_approval", version: { increment: 1 } } });
    await patchState(tx, run, pending.number, [
      { op: "add_questions", questions: [`May I run ${pending.tool} ${JSON.stringify(pending.params)}?`] },
    ]);
    await appendRunEvents(tx, runId, [
      {
        kind: "approval",
        data: {
          id: approval.id,
          status: "pending",
          tool: pending.tool,
          params: approval.params,
          expires_at: expiresAt.toISOString(),
        },
      },
      { kind: "status", data: { status: "waiting_approval" } },
    ]);
    return {
      approvalId: approval.id,
      status: "pending" as string,
      expiresAt: expiresAt.toISOString(),
      requestedAt: approval.createdAt.toISOString(),
    };
  });
}

/** After the wait: the database holds the decision (an undecided approval expires: default deny). */
/** Undecided and not yet expired (an expired one is settled by `resolveApproval` as a denial). */
export async function isApprovalPending(approvalId: string): Promise<boolean> {
  const approval = await db().agentApproval.findUnique({ where: { id: approvalId } });
  return approval?.status === "pending" && approval.expiresAt.getTime() > Date.now();
}

export async function resolveApproval(runId: string, approvalId: string) {
  return db().$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM agent_runs WHERE id = ${runId}::uuid FOR UPDATE`;
    await tx.$executeRaw`
      UPDATE agent_approvals SET status = 'expired', decided_at = now(), updated_at = now()
      WHERE id = ${approvalId}::uuid AND status = 'pending'`;
    const approval = await tx.agentApproval.findUniqueOrThrow({ where: { id: approvalId } });
    const run = await loadRun(tx, runId);
    if (!run || !["waiting_approval", "running"].includes(run.status)) {
      return { proceed: false, approved: false, status: approval.status };
    }
    if (run.status === "waiting_approval") {
      await tx.agentRun.update({ where: { id: runId }, data: { status: "running", version: { increment: 1 } } });
      const events: NewRunEvent[] = [{ kind: "status", data: { status: "running" } }];
      if (approval.status === "expired") {
        events.unshift({ kind: "approval", data: { id: approval.id, status: "expired", tool: approval.tool } });
      }
      await appendRunEvents(tx, runId, events);
    }
    return { proceed: true, approved: approval.status === "approved", status: approval.status };
  });
}

/** One tool call through the side-effect ledger (or its refusal), recorded as an audited step. */
export async function toolStep(
  runId: string,
  pending: PendingTool,
  approval: { status: string } | null,
): Promise<StepOutcome> {
  const existing = await db().agentStep.findUnique({ where: { runId_number: { runId, number: pending.number } } });
  if (existing) return existing.status === "stopped" ? stop("failed") : { kind: "continue" };
  const run = await loadRun(db(), runId);
  if (run?.status !== "running") return stop(run?.status ?? "missing");
  const agent = findAgent(run.agent);
  const registry = createToolRegistry({ workspaceId: run.workspaceId }) as ToolRegistry;
  const tool =
    agent?.tools.includes(pending.tool) && Object.hasOwn(registry, pending.tool) ? registry[pending.tool] : undefined;
  const parsed = tool?.inputSchema.safeParse(pending.params);
  const params = parsed?.success ? parsed.data : pending.params;
  const started = Date.now();

  // Loop detection: the same tool with the same params again.
  const previous = await db().agentStep.findMany({
    where: { runId, kind: "tool" },
    select: { toolChosen: true, params: true },
  });
  const key = sideEffectKey({ runId, tool: pending.tool, params });
  const repeated = previous.some(
    (step) => step.toolChosen && sideEffectKey({ runId, tool: step.toolChosen, params: step.params }) === key,
  );

  let status: "succeeded" | "failed" | "denied" | "dry_run" | "stopped";
  let result: unknown = null;
  let error: RunError | null = null;
  let artifactRef: string | null = null;
  if (repeated) {
    status = "stopped";
    error = loopError(`${pending.tool} was called again with the same params ${JSON.stringify(params)}`);
  } else if (approval && approval.status !== "approved") {
    status = "denied";
    result = {
      denied: true,
      approved: false,
      reason: approval.status === "rejected" ? "a reviewer rejected it" : "the approval expired (default deny)",
    };
  } else if (!tool) {
    status = "failed";
    error = { type: "validation", code: "unknown_tool", message: `${pending.tool} is not a tool of this agent` };
  } else {
    try {
      const outcome = await performToolCall({
        workspaceId: run.workspaceId,
        runId,
        tool: pending.tool,
        params: pending.params,
        dryRun: run.dryRun,
      });
      status = outcome.status === "dry_run" ? "dry_run" : "succeeded";
      result = outcome.result;
      const artifact = (outcome.result as { artifact?: { id?: unknown } } | null)?.artifact;
      artifactRef = artifact && typeof artifact.id === "string" ? artifact.id : null;
    } catch (caught) {
      if (caught instanceof ToolError && caught.retriable) throw caught; // the engine retries the step
      if (!(caught instanceof ApiError)) throw caught;
      status = "failed";
      error = failureOf(caught);
    }
  }

  return db().$transaction(async (tx): Promise<StepOutcome> => {
    const locked = await lockRunning(tx, runId);
    if ("stopped" in locked) return stop(locked.stopped);
    const step = await tx.agentStep.create({
      data: {
        workspaceId: locked.workspaceId,
        runId,
        number: pending.number,
        kind: "tool",
        reasoningSummary: approval ? `approval ${approval.status}` : null,
        toolsConsidered: [pending.tool],
        toolChosen: pending.tool,
        toolCallId: pending.toolCallId,
        params: (params ?? {}) as Prisma.InputJsonValue,
        result: (result ?? undefined) as Prisma.InputJsonValue | undefined,
        artifactRef,
        durationMs: Date.now() - started,
        status,
        error: (error ?? undefined) as Prisma.InputJsonValue | undefined,
      },
    });
    await tx.agentRun.update({
      where: { id: runId },
      data: { stepsUsed: { increment: 1 }, version: { increment: 1 } },
    });
    if (status === "succeeded" || status === "dry_run") {
      await recordUsage(tx, {
        workspaceId: locked.workspaceId,
        userId: locked.requestedById,
        kind: "tool_call",
        runId,
        agent: locked.agent,
      });
    }
    const ops: StatePatchOp[] = [];
    if (status === "succeeded" || status === "dry_run")
      ops.push(...factsFromResult(pending.tool, result, pending.number));
    if (status === "denied") {
      ops.push({
        op: "raise_flag",
        flag: {
          code: `approval_${approval?.status ?? "denied"}`,
          message: `${pending.tool} was not approved`,
          step: pending.number,
        },
      });
    }
    if (status === "failed" && error) {
      ops.push({ op: "raise_flag", flag: { code: error.code, message: error.message, step: pending.number } });
    }
    await patchState(tx, locked, pending.number, ops);
    const toolSteps = previous.length + 1;
    const planLength = Math.max(1, findAgent(locked.agent)?.planOutline.length ?? 1);
    const progress = Math.min(95, Math.round((100 * toolSteps) / (planLength + 1)));
    await tx.agentRun.update({ where: { id: runId }, data: { progress: Math.max(locked.progress, progress) } });
    await appendRunEvents(tx, runId, [
      { kind: "step", data: presentStepEvent(step) },
      { kind: "status", data: { status: "running", progress: Math.max(locked.progress, progress) } },
    ]);
    if (status === "stopped" && error) {
      await finishRun(tx, { runId, status: "failed", error });
      return stop("failed");
    }
    return { kind: "continue" };
  });
}

export { ProviderError, type RunState };
