// run-agent — one agent run: each model turn and each tool call is its own memoized step; approvals wait durably
import { RetryAfterError } from "inngest";
import {
  failRun,
  isApprovalPending,
  modelTurn,
  type PendingTool,
  requestApproval,
  resolveApproval,
  startRun,
  toolStep,
} from "@/lib/agents/execute";
import { APPROVAL_DECIDED, RUN_CANCEL } from "@/lib/agents/schemas";
import { isProviderError } from "@/lib/ai/errors";
import { ApiError } from "@/lib/http/errors";
import { inngest } from "../client";

/** How long one slice of an approval wait lasts before the approval row is read again. */
const APPROVAL_RECHECK_MS = 10_000;

import { runRequested } from "../events";

/** Far more than any budget allows; a guard against a bug turning into an endless function. */
const MAX_LOOP = 1_000;

type Stop = { kind: "stop"; status: string };

/**
 * Runs a step body and classifies what it throws. A normalized failure (`ApiError`: provider errors, tool errors)
 * that will not be retried — non-retriable, or on the step's last attempt — ends the run here, with its real
 * reason: `onFailure` only sees a deserialized error, which has lost `type` and `code`. Anything else is thrown
 * for the engine to retry (`RetryAfterError` when the provider said when).
 */
async function classified<T>(runId: string, finalAttempt: boolean, work: () => Promise<T>): Promise<T | Stop> {
  try {
    return await work();
  } catch (error) {
    const retriable = error instanceof ApiError && (error as ApiError & { retriable?: boolean }).retriable !== false;
    if (error instanceof ApiError && (finalAttempt || !retriable)) {
      await failRun(runId, error);
      return { kind: "stop", status: "failed" };
    }
    if (isProviderError(error) && error.retryAfterMs !== undefined)
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
  async ({ event, step, attempt, maxAttempts }) => {
    const { runId } = event.data;
    const finalAttempt = attempt + 1 >= (maxAttempts ?? 5);
    const started = await step.run("start", () => startRun(runId));
    if (!started.proceed) return { runId, status: "skipped" };
    let pending: PendingTool | null = started.pending;
    let number = started.nextNumber;
    for (let guard = 0; guard < MAX_LOOP; guard++) {
      if (!pending) {
        const turnNumber = number;
        const turn = await step.run(`model-${turnNumber}`, () =>
          classified(runId, finalAttempt, () => modelTurn(runId, turnNumber)),
        );
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
          // A wait only matches events that arrive after it exists, and a decision can land between the approval
          // step and the wait (a crash widens that gap): wait in bounded slices and re-read the approval between them.
          for (let slice = 0; ; slice++) {
            const decision = await step.waitForEvent(`approval-wait-${call.number}-${slice}`, {
              event: APPROVAL_DECIDED,
              if: `async.data.approvalId == '${approvalId}'`,
              // Deterministic across replays: slice ends counted from the memoized request time, never past expiry.
              timeout: new Date(
                Math.min(
                  Date.parse(String(requested.expiresAt)),
                  Date.parse(String(requested.requestedAt)) + (slice + 1) * APPROVAL_RECHECK_MS,
                ),
              ),
            });
            if (decision) break;
            const stillPending = await step.run(`approval-check-${call.number}-${slice}`, () =>
              isApprovalPending(approvalId),
            );
            if (!stillPending) break;
          }
        }
        const resolved = await step.run(`approval-resolve-${call.number}`, () => resolveApproval(runId, approvalId));
        if (!resolved.proceed) return { runId, status: "stopped" };
        approval = { status: resolved.status };
      }
      const decided = approval;
      const outcome = await step.run(`tool-${call.number}`, () =>
        classified(runId, finalAttempt, () => toolStep(runId, call, decided)),
      );
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
