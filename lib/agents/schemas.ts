import { z } from "zod";
import { AGENT_NAMES } from "./registry";
import { budgetSchema, constraintsSchema } from "./state";

export const RUN_REQUESTED = "agent/run.requested";
export const RUN_CANCEL = "agent/run.cancel";
export const APPROVAL_DECIDED = "agent/approval.decided";

export { ACTIVE_RUN_STATUSES, isActiveRun, RUN_STATUSES, type RunStatus } from "./run-status";

/** `POST …/runs`: one schema for the route, the UI and the rerun. */
export const createRunSchema = z.object({
  agent: z.enum(AGENT_NAMES),
  goal: z.string().trim().min(1).max(4_000),
  budget: budgetSchema.partial().optional(),
  constraints: constraintsSchema
    .partial()
    .extend({
      approval_timeout_ms: z
        .number()
        .int()
        .min(1_000)
        .max(7 * 24 * 3_600_000)
        .optional(),
    })
    .optional(),
  dry_run: z.boolean().optional(),
  model: z.string().trim().min(1).max(100).optional(),
  /** A script for the offline model (docs/models.md), replacing the agent's own: for tests and demos. */
  offline_plan: z.string().min(1).max(10_000).optional(),
});
export type CreateRunInput = z.infer<typeof createRunSchema>;

export const decideApprovalSchema = z.object({
  decision: z.enum(["approve", "reject"]),
  note: z.string().trim().max(2_000).optional(),
});

/** `GET …/runs`: `agent` on top of the console's list query (lib/console/list-query.ts). */
export const listRunsQuerySchema = z.object({
  agent: z.string().trim().min(1).max(100).optional(),
});
