// run-agent — one agent run: each model turn and each tool call is its own memoized step; approvals wait durably
import { NonRetriableError, RetryAfterError } from "inngest";
import {
  failRun,
  modelTurn,
  type PendingTool,
  requestApproval,
  resolveApproval,
  startRun,
  toolStep,
} from "@/lib/agents/execute";
import { APPROVAL_DECIDED, RUN_CANCEL } from "@/lib/agents/schemas";
import { isProviderError } from "@/lib/ai/errors";
import { inngest } from "../client";
import { runRequested } from "../events";

/** Far more than any budget allows; a guard against a bug turning into an endless function. */
const MAX_LOOP = 1_000;

async function classified<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!isProviderError(error)) throw error;
    if (!error.retriable) throw new NonRetriableError(error.message, { cause: error });
    if (error.retryAfterMs !== undefined)
      throw new RetryAfterError(error.message, error.retryAfterMs, { cause: error });
    throw error;
  }
}

export const runAgent = inngest.createFunction(
  {
    id: "run-agent",
    triggers: [runRequested],
    retries: 4,
    concurrency: { key: "event.data.workspaceId", limit: 10 },
    idempotency: "event.data.engineKey",
    cancelOn: [{ event: RUN_CANCEL, if: "async.data.runId == event.data.runId" }],
    onFailure: async ({ event, error }) => {
      await failRun(event.data.event.data.runId, error);
    },
  },
  async ({ event, step }) => {
    const { runId } = event.data;
    const started = await step.run("start", () => startRun(runId));
    if (!started.proceed) return { runId, status: "skipped" };
    let pending: PendingTool | null = started.pending;
    let number = started.nextNumber;
    for (let guard = 0; guard < MAX_LOOP; guard++) {
      if (!pending) {
        const turnNumber = number;
        const turn = await step.run(`model-${turnNumber}`, () => classified(() => modelTurn(runId, turnNumber)));
        if (turn.kind === "stop") return { runId, status: turn.status };
        pending = turn.tool;
      }
      const call: PendingTool = pending;
      let approval: { status: string } | null = null;
      if (call.needsApproval) {
        const requested = await step.run(`approval-${call.number}`, () => requestApproval(runId, call));
        const approvalId = requested.approvalId;
        if (!approvalId) return { runId, status: String(requested.status) };
        if (requested.status === "pending") {
          await step.waitForEvent(`approval-wait-${call.number}`, {
            event: APPROVAL_DECIDED,
            if: `async.data.approvalId == '${approvalId}'`,
            timeout: new Date(String(requested.expiresAt)),
          });
        }
        const resolved = await step.run(`approval-resolve-${call.number}`, () => resolveApproval(runId, approvalId));
        if (!resolved.proceed) return { runId, status: "stopped" };
        approval = { status: resolved.status };
      }
      const decided = approval;
      const outcome = await step.run(`tool-${call.number}`, () => toolStep(runId, call, decided));
      if (outcome.kind === "stop") return { runId, status: outcome.status };
      number = call.number + 1;
      pending = null;
    }
    await step.run("loop-guard", () =>
      failRun(runId, { type: "internal", code: "run_loop_guard", message: "the run took too many steps" }),
    );
    return { runId, status: "failed" };
  },
);
