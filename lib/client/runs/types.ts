// The shapes of API.md "Agent runs" as the UI reads them (lib/agents/runs.ts `presentRun`, `listSteps`, …).

import type { RunStatus } from "@/lib/agents/run-status";

export { isActiveRun as isActiveStatus, RUN_STATUSES, type RunStatus } from "@/lib/agents/run-status";

export type Risk = "read" | "write_local" | "external_action";
export const RISKS: Risk[] = ["read", "write_local", "external_action"];

export type Budget = {
  max_steps: number;
  max_wall_time_ms: number;
  max_llm_tokens: number;
  max_cost: number;
  max_artifact_bytes_in_context?: number;
};

export type AgentTool = { name: string; description: string; risk: Risk; timeout_ms: number };
export type Agent = {
  name: string;
  description: string;
  prompt_version: string;
  tools: AgentTool[];
  default_budget: Budget;
  default_constraints: { require_approval: Risk[] };
};

export type RunFact = { key: string; value: unknown; source: string };
export type RunState = {
  goal: string;
  constraints: { require_approval: Risk[] };
  budget: Budget;
  plan: string[];
  known_facts: RunFact[];
  open_questions: string[];
  artifacts: { id: string; type: string; summary: string; bytes: number }[];
  risk_flags: { code: string; message: string; step: number }[];
};

export type RunError = { type: string; code: string | null; message: string | null };

export type Run = {
  id: string;
  agent: string;
  goal: string;
  status: RunStatus;
  progress: number;
  state: RunState;
  budget: Budget;
  constraints: { require_approval: Risk[] };
  usage: { steps: number; llm_tokens: number; cost_micros: number; reserved_tokens: number };
  attempts: number;
  error?: RunError;
  result: unknown;
  dry_run: boolean;
  model: string | null;
  prompt_version: string | null;
  /** The run this one re-runs from the start, if any. */
  rerun_of?: string | null;
  /** The request that started it (shown with its failure, so it can be looked up). */
  request_id?: string | null;
  version: number;
  last_event_seq: number;
  steps_count: number;
  deadline_at: string;
  started_at: string | null;
  finished_at: string | null;
  created_at: string;
  updated_at: string;
};

export type RunStep = {
  id: string;
  number: number;
  kind: "model" | "tool";
  status: string;
  reasoning_summary: string | null;
  tools_considered: unknown;
  tool_chosen: string | null;
  params: unknown;
  result: unknown;
  artifact_ref: string | null;
  error: unknown;
  duration_ms: number | null;
  tokens: { input: number | null; output: number | null };
  cost_micros: number;
  model: string | null;
  prompt_version: string | null;
  seed: number | null;
  temperature: number | null;
  state_patch: StatePatchOp[];
  created_at: string;
};

/** One recorded StatePatch op (SPEC §4): how a step changed the run's state. */
export type StatePatchOp =
  | { op: "add_facts"; facts: { key: string; value: unknown; source: string }[] }
  | { op: "replace_plan"; plan: string[] }
  | { op: "add_questions"; questions: string[] }
  | { op: "add_artifact"; artifact: { id: string; type: string; summary: string; bytes: number } }
  | { op: "raise_flag"; flag: { code: string; message: string; step: number } };

/** One line per op: what the step changed in the state. */
export function describePatchOp(op: StatePatchOp): { label: string; detail: string } {
  switch (op.op) {
    case "add_facts":
      return {
        label: op.facts.length === 1 ? "Fact" : `${op.facts.length} facts`,
        detail: op.facts.map((fact) => `${fact.key} = ${JSON.stringify(fact.value)}`).join(", "),
      };
    case "replace_plan":
      return { label: "Plan replaced", detail: op.plan.join(" → ") };
    case "add_questions":
      return { label: "Question", detail: op.questions.join(" · ") };
    case "add_artifact":
      return { label: "Artifact", detail: `${op.artifact.id} (${op.artifact.type}, ${op.artifact.bytes} bytes)` };
    case "raise_flag":
      return { label: `Flag ${op.flag.code}`, detail: op.flag.message };
    default:
      return { label: "Change", detail: JSON.stringify(op) };
  }
}

export type Approval = {
  id: string;
  run_id: string;
  step: number;
  tool: string;
  risk: Risk;
  params: unknown;
  status: "pending" | "approved" | "rejected" | "expired";
  decided_by: string | null;
  decided_at: string | null;
  note: string | null;
  expires_at: string;
  created_at: string;
};

export type LedgerEntry = {
  id: string;
  run_id: string | null;
  key: string;
  tool: string;
  risk: Risk;
  status: "pending" | "performed" | "failed" | "in_doubt" | "dry_run";
  params: unknown;
  result: unknown;
  error: unknown;
  attempts: number;
  dry_run: boolean;
  performed_at: string | null;
  created_at: string;
};

export type Page<T> = { data: T[]; next_cursor: string | null };

export const STATUS_LABELS: Record<RunStatus, string> = {
  queued: "Queued",
  running: "Running",
  waiting_approval: "Waiting for approval",
  succeeded: "Succeeded",
  failed: "Failed",
  canceled: "Canceled",
  timed_out: "Timed out",
};

export const RISK_LABELS: Record<Risk, string> = {
  read: "Read",
  write_local: "Write (local)",
  external_action: "External action",
};

/** Micro-dollars as dollars: `$0.0123`. */
export function formatMicros(micros: number): string {
  const dollars = micros / 1_000_000;
  return `$${dollars < 1 ? dollars.toFixed(4) : dollars.toFixed(2)}`;
}

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return "—";
  if (ms < 1_000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  return `${Math.round(ms / 60_000)} min`;
}

/** A compact JSON rendering for params and results. */
export function json(value: unknown): string {
  if (value === undefined || value === null) return "—";
  try {
    return JSON.stringify(value, null, 2);
  } catch {
    return String(value);
  }
}
