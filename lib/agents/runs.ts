import { DEFAULT_AGENT_PARAMS } from "@/lib/ai/models";
import { OfflinePlanError, parseOfflinePlan } from "@/lib/ai/offline-plan";
import { resolveModel } from "@/lib/ai/providers";
import { recordAudit } from "@/lib/audit/record-audit";
import { type ConsoleListQuery, consoleListPlan, isStuck, requestersOf } from "@/lib/console/list-query";
import type { Database, DbClient, Prisma } from "@/lib/db";
import type { AgentRun } from "@/lib/db/generated/client.ts";
import { enqueueEvent } from "@/lib/events/outbox";
import { ApiError, notFound } from "@/lib/http/errors";
import { toPage } from "@/lib/http/pagination";
import type { Actor } from "@/lib/http/route";
import { DEFAULT_PROMPT_LABEL, resolvePrompt } from "@/lib/prompts/prompts";
import { describeTools } from "@/lib/tools/registry";
import { settleTokens } from "@/lib/usage/quota";
import { isUuid } from "@/lib/workspaces/members";
import { appendRunEvents } from "./events";
import { AGENTS, findAgent } from "./registry";
import {
  APPROVAL_DECIDED,
  type CreateRunInput,
  isActiveRun,
  RUN_CANCEL,
  RUN_REQUESTED,
  type RunStatus,
} from "./schemas";
import { budgetSchema, initialState } from "./state";

export const DEFAULT_APPROVAL_TIMEOUT_MS = 60 * 60 * 1000;

export type RunError = { type: string; code: string; message: string };

export function presentRun(row: AgentRun & { stepsCount?: number }) {
  return {
    id: row.id,
    agent: row.agent,
    goal: row.goal,
    status: row.status,
    progress: row.progress,
    state: row.state,
    budget: row.budget,
    constraints: row.constraints,
    usage: {
      steps: row.stepsUsed,
      llm_tokens: row.llmTokens,
      cost_micros: Number(row.costMicros),
      reserved_tokens: row.reservedTokens,
    },
    attempts: row.attempts,
    ...(row.errorType ? { error: { type: row.errorType, code: row.errorCode, message: row.errorMessage } } : {}),
    result: row.result,
    dry_run: row.dryRun,
    model: row.model,
    prompt_version: row.promptVersion,
    prompt_version_id: row.promptVersionId,
    params: { temperature: row.temperature, seed: row.seed },
    rerun_of: row.rerunOf,
    request_id: row.requestId,
    version: row.version,
    last_event_seq: row.lastEventSeq,
    steps_count: row.stepsCount ?? row.stepsUsed,
    deadline_at: row.deadlineAt.toISOString(),
    started_at: row.startedAt?.toISOString() ?? null,
    finished_at: row.finishedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
    updated_at: row.updatedAt.toISOString(),
  };
}

export function listAgents() {
  return Object.values(AGENTS).map((agent) => ({
    name: agent.name,
    description: agent.description,
    prompt: agent.promptName,
    prompt_version: `${agent.promptName}@${DEFAULT_PROMPT_LABEL}`,
    tools: describeTools(agent.tools),
    default_budget: agent.defaultBudget,
    default_constraints: agent.defaultConstraints,
  }));
}

export async function getRunOrThrow(db: DbClient, input: { workspaceId: string; runId: string }) {
  const row = isUuid(input.runId)
    ? await db.agentRun.findFirst({ where: { id: input.runId, workspaceId: input.workspaceId } })
    : null;
  if (!row) throw notFound("run");
  const stepsCount = await db.agentStep.count({ where: { runId: row.id } });
  return { ...row, stepsCount };
}

/**
 * The runs console's list: filters (status list, agent, member, created_at range, stuck), sorted by created_at or
 * updated_at either way, keyset-paginated on (sort field, id). Each item carries its requester and `stuck`.
 */
export async function listRuns(
  db: DbClient,
  input: { workspaceId: string; agent?: string; query: ConsoleListQuery<RunStatus> },
) {
  const plan = consoleListPlan(input.workspaceId, input.query, input.agent ? [{ agent: input.agent }] : []);
  const rows = await db.agentRun.findMany({
    where: plan.where as Prisma.AgentRunWhereInput,
    orderBy: plan.orderBy as Prisma.AgentRunOrderByWithRelationInput[],
    take: plan.take,
  });
  const requester = await requestersOf(
    db,
    rows.slice(0, input.query.limit).map((row) => row.requestedById),
  );
  const now = Date.now();
  return toPage(rows, input.query.limit, plan.positionOf, (row) => ({
    ...presentRun(row),
    requested_by: requester(row.requestedById),
    stuck: isStuck(row, now),
  }));
}

/** Creates a queued run and its `agent/run.requested` outbox event, in the caller's transaction. */
export async function createRun(
  db: DbClient,
  input: { workspaceId: string; actor: Actor; requestId: string; body: CreateRunInput; rerunOf?: string },
) {
  const agent = findAgent(input.body.agent);
  if (!agent) throw new ApiError("unprocessable", "unknown_agent", `there is no agent "${input.body.agent}"`);
  if (input.body.offline_plan) {
    try {
      parseOfflinePlan(input.body.offline_plan);
    } catch (error) {
      if (error instanceof OfflinePlanError || error instanceof SyntaxError) {
        throw new ApiError("unprocessable", "invalid_offline_plan", error.message);
      }
      throw error;
    }
  }
  const budget = budgetSchema.parse({ ...agent.defaultBudget, ...input.body.budget });
  const constraints = {
    require_approval: input.body.constraints?.require_approval ?? agent.defaultConstraints.require_approval,
    approval_timeout_ms: input.body.constraints?.approval_timeout_ms ?? DEFAULT_APPROVAL_TIMEOUT_MS,
  };
  const model = input.body.model ?? resolveModel().stamp.modelId;
  const state = initialState({
    goal: input.body.goal,
    constraints: { require_approval: constraints.require_approval },
    budget,
  });
  // The system prompt is the version the agent's prompt's production label points at now; moving the label later
  // changes what new runs use, never this one.
  const prompt = await resolvePrompt(db, {
    workspaceId: input.workspaceId,
    name: agent.promptName,
    label: DEFAULT_PROMPT_LABEL,
  });
  const row = await db.agentRun.create({
    data: {
      workspaceId: input.workspaceId,
      agent: agent.name,
      goal: input.body.goal,
      constraints,
      budget,
      state,
      deadlineAt: new Date(Date.now() + budget.max_wall_time_ms),
      model,
      promptVersion: `${prompt.name}@${prompt.version}`,
      promptVersionId: prompt.id,
      temperature: DEFAULT_AGENT_PARAMS.temperature,
      seed: DEFAULT_AGENT_PARAMS.seed,
      offlinePlan: input.body.offline_plan ?? null,
      dryRun: input.body.dry_run ?? false,
      requestedById: input.actor.userId,
      requestId: input.requestId,
      rerunOf: input.rerunOf ?? null,
    },
  });
  await appendRunEvents(db, row.id, [{ kind: "status", data: { status: "queued", progress: 0 } }]);
  await enqueueEvent(db, {
    name: RUN_REQUESTED,
    data: {
      workspaceId: input.workspaceId,
      runId: row.id,
      engineKey: `${row.id}:1`,
      requestId: input.requestId,
    },
  });
  return getRunOrThrow(db, { workspaceId: input.workspaceId, runId: row.id });
}

/**
 * Moves a run to a terminal status exactly once (false if it already was terminal): releases its open
 * reservation, expires its pending approvals and ends its stream. Call it in a transaction.
 */
export async function finishRun(
  db: DbClient,
  input: {
    runId: string;
    status: "succeeded" | "failed" | "canceled" | "timed_out";
    error?: RunError;
    result?: string;
  },
): Promise<boolean> {
  const [before] = await db.$queryRaw<{ reserved_tokens: number }[]>`
    SELECT reserved_tokens FROM agent_runs WHERE id = ${input.runId}::uuid FOR UPDATE`;
  const [finished] = await db.$queryRaw<{ workspace_id: string }[]>`
    UPDATE agent_runs
    SET status = ${input.status}::"AgentRunStatus", finished_at = now(), updated_at = now(), version = version + 1,
        progress = CASE WHEN ${input.status} = 'succeeded' THEN 100 ELSE progress END,
        error_type = ${input.error?.type ?? null}, error_code = ${input.error?.code ?? null},
        error_message = ${input.error?.message ?? null}, result = COALESCE(${input.result ?? null}, result),
        reserved_tokens = 0, reserved_cost_micros = 0
    WHERE id = ${input.runId}::uuid AND status IN ('queued', 'running', 'waiting_approval')
    RETURNING workspace_id`;
  if (!finished || !before) return false;
  if (before.reserved_tokens > 0) {
    await settleTokens(db, {
      workspaceId: finished.workspace_id,
      reserved: before.reserved_tokens,
      used: 0,
      reservedAt: new Date(),
    });
  }
  await db.agentApproval.updateMany({
    where: { runId: input.runId, status: "pending" },
    data: { status: "expired", decidedAt: new Date(), note: `the run ended ${input.status}` },
  });
  await appendRunEvents(db, input.runId, [
    { kind: "status", data: { status: input.status } },
    {
      kind: "end",
      data: {
        status: input.status,
        ...(input.error ? { error: input.error } : {}),
        ...(input.result ? { result: input.result } : {}),
      },
    },
  ]);
  return true;
}

/** Cancel: an active run ends `canceled` at once (its steps check the status); the engine run is canceled too. */
export async function cancelRun(
  db: DbClient,
  input: { workspaceId: string; runId: string; actor: Actor; requestId: string },
) {
  const run = await getRunOrThrow(db, input);
  await db.$queryRaw`SELECT id FROM agent_runs WHERE id = ${run.id}::uuid FOR UPDATE`;
  const canceled = await finishRun(db, {
    runId: run.id,
    status: "canceled",
    error: { type: "conflict", code: "run_canceled", message: "the run was canceled" },
  });
  if (canceled) {
    await enqueueEvent(db, { name: RUN_CANCEL, data: { workspaceId: input.workspaceId, runId: run.id } });
    await recordAudit(db, {
      workspaceId: input.workspaceId,
      actor: input.actor,
      action: "run.cancel",
      targetType: "agent_run",
      targetId: run.id,
      requestId: input.requestId,
    });
  }
  return getRunOrThrow(db, input);
}

export async function listSteps(db: DbClient, input: { workspaceId: string; runId: string }) {
  const run = await getRunOrThrow(db, input);
  const [steps, patches] = await Promise.all([
    db.agentStep.findMany({ where: { runId: run.id }, orderBy: { number: "asc" } }),
    db.agentStatePatch.findMany({ where: { runId: run.id }, orderBy: [{ stepNumber: "asc" }, { createdAt: "asc" }] }),
  ]);
  return {
    data: steps.map((step) => ({
      id: step.id,
      number: step.number,
      kind: step.kind,
      status: step.status,
      reasoning_summary: step.reasoningSummary,
      tools_considered: step.toolsConsidered,
      tool_chosen: step.toolChosen,
      params: step.params,
      result: step.result,
      artifact_ref: step.artifactRef,
      error: step.error,
      duration_ms: step.durationMs,
      tokens: { input: step.inputTokens, output: step.outputTokens },
      cost_micros: Number(step.costMicros),
      model: step.model,
      prompt_version: step.promptVersion,
      seed: step.seed,
      temperature: step.temperature,
      state_patch: patches.filter((patch) => patch.stepNumber === step.number).flatMap((patch) => patch.ops as []),
      created_at: step.createdAt.toISOString(),
    })),
    next_cursor: null,
  };
}

function presentApproval(row: {
  id: string;
  runId: string;
  stepNumber: number;
  tool: string;
  risk: string;
  params: Prisma.JsonValue;
  status: string;
  decidedById: string | null;
  decidedAt: Date | null;
  note: string | null;
  expiresAt: Date;
  createdAt: Date;
}) {
  return {
    id: row.id,
    run_id: row.runId,
    step: row.stepNumber,
    tool: row.tool,
    risk: row.risk,
    params: row.params,
    status: row.status,
    decided_by: row.decidedById,
    decided_at: row.decidedAt?.toISOString() ?? null,
    note: row.note,
    expires_at: row.expiresAt.toISOString(),
    created_at: row.createdAt.toISOString(),
  };
}

export async function listApprovals(db: DbClient, input: { workspaceId: string; runId: string }) {
  const run = await getRunOrThrow(db, input);
  const rows = await db.agentApproval.findMany({ where: { runId: run.id }, orderBy: { stepNumber: "asc" } });
  return { data: rows.map(presentApproval), next_cursor: null };
}

/**
 * Approve or reject a pending approval (a guarded UPDATE: one decision wins), audited, and the decision event
 * for the run's `waitForEvent` written to the outbox in the same transaction.
 */
export async function decideApproval(
  db: DbClient,
  input: {
    workspaceId: string;
    runId: string;
    approvalId: string;
    actor: Actor;
    requestId: string;
    decision: "approve" | "reject";
    note?: string;
  },
) {
  const run = await getRunOrThrow(db, input);
  const approval = isUuid(input.approvalId)
    ? await db.agentApproval.findFirst({
        where: { id: input.approvalId, runId: run.id, workspaceId: input.workspaceId },
      })
    : null;
  if (!approval) throw notFound("approval");
  const status = input.decision === "approve" ? "approved" : "rejected";
  const decided = await db.$executeRaw`
    UPDATE agent_approvals
    SET status = ${status}::"AgentApprovalStatus", decided_by_id = ${input.actor.userId}::uuid, decided_at = now(),
        note = ${input.note ?? null}, updated_at = now()
    WHERE id = ${approval.id}::uuid AND status = 'pending' AND expires_at > now()`;
  if (decided === 0) {
    const current = await db.agentApproval.findUniqueOrThrow({ where: { id: approval.id } });
    throw new ApiError("conflict", "approval_already_decided", `the approval is already ${current.status}`, {
      body: undefined,
    });
  }
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: `approval.${status}`,
    targetType: "agent_approval",
    targetId: approval.id,
    requestId: input.requestId,
    data: { run_id: run.id, tool: approval.tool, note: input.note ?? null },
  });
  await appendRunEvents(db, run.id, [
    { kind: "approval", data: { id: approval.id, status, tool: approval.tool, note: input.note ?? null } },
  ]);
  await enqueueEvent(db, {
    name: APPROVAL_DECIDED,
    data: { workspaceId: input.workspaceId, runId: run.id, approvalId: approval.id, decision: input.decision },
  });
  return presentApproval(await db.agentApproval.findUniqueOrThrow({ where: { id: approval.id } }));
}

/** Retry a failed or timed-out run from its last good step: a new engine run of the same agent run. */
export async function retryRun(
  db: DbClient,
  input: { workspaceId: string; runId: string; actor: Actor; requestId: string },
) {
  const run = await getRunOrThrow(db, input);
  const budget = budgetSchema.parse(run.budget);
  const [retried] = await db.$queryRaw<{ attempts: number }[]>`
    UPDATE agent_runs
    SET status = 'queued', error_type = NULL, error_code = NULL, error_message = NULL, finished_at = NULL,
        deadline_at = now() + make_interval(secs => ${budget.max_wall_time_ms / 1000}::double precision),
        version = version + 1, updated_at = now()
    WHERE id = ${run.id}::uuid AND status IN ('failed', 'timed_out')
    RETURNING attempts`;
  if (!retried) {
    throw new ApiError("conflict", "run_not_retriable", `only failed or timed-out runs can be retried (${run.status})`);
  }
  await appendRunEvents(db, run.id, [{ kind: "status", data: { status: "queued", retry: true } }]);
  await enqueueEvent(db, {
    name: RUN_REQUESTED,
    data: {
      workspaceId: input.workspaceId,
      runId: run.id,
      engineKey: `${run.id}:${retried.attempts + 1}`,
      requestId: input.requestId,
    },
  });
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "run.retry",
    targetType: "agent_run",
    targetId: run.id,
    requestId: input.requestId,
    data: { previous_status: run.status, previous_error: run.errorCode },
  });
  return getRunOrThrow(db, input);
}

/** Re-run from the start: a new run with the same agent, goal, constraints, budget and mode. */
export async function rerunRun(
  db: DbClient,
  input: { workspaceId: string; runId: string; actor: Actor; requestId: string },
) {
  const run = await getRunOrThrow(db, input);
  const created = await createRun(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    requestId: input.requestId,
    rerunOf: run.id,
    body: {
      agent: run.agent,
      goal: run.goal,
      budget: budgetSchema.parse(run.budget),
      constraints: run.constraints as CreateRunInput["constraints"],
      dry_run: run.dryRun,
      model: run.model,
      ...(run.offlinePlan ? { offline_plan: run.offlinePlan } : {}),
    },
  });
  await recordAudit(db, {
    workspaceId: input.workspaceId,
    actor: input.actor,
    action: "run.rerun",
    targetType: "agent_run",
    targetId: created.id,
    requestId: input.requestId,
    data: { rerun_of: run.id },
  });
  return created;
}

export { isActiveRun };

/**
 * The sweeper: active runs whose deadline passed more than `graceMs` ago end `timed_out`. Every step checks the
 * deadline itself; this catches the runs no step is left to notice (an engine run lost before `start`, an engine
 * down past the deadline). Guarded like every terminal transition (`finishRun`), so racing a step is harmless.
 * Called every minute by the `sweep-agent-runs` function.
 */
export async function sweepOverdueRuns(
  client: Pick<Database, "$queryRaw" | "$transaction">,
  options: { graceMs?: number; limit?: number } = {},
): Promise<string[]> {
  const graceSeconds = (options.graceMs ?? 10_000) / 1000;
  const rows = await client.$queryRaw<{ id: string }[]>`
    SELECT id FROM agent_runs
    WHERE status IN ('queued', 'running', 'waiting_approval')
      AND deadline_at < now() - make_interval(secs => ${graceSeconds}::double precision)
    ORDER BY deadline_at LIMIT ${options.limit ?? 500}`;
  const swept: string[] = [];
  for (const row of rows) {
    const finished = await client.$transaction((tx) =>
      finishRun(tx, {
        runId: row.id,
        status: "timed_out",
        error: {
          type: "timeout",
          code: "run_deadline_exceeded",
          message: "the run passed its deadline (swept: no step was left to notice it)",
        },
      }),
    );
    if (finished) swept.push(row.id);
  }
  return swept;
}
