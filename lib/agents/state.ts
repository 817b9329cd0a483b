import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import { TOOL_RISKS } from "@/lib/tools/types";

// The run state contract (SPEC §4): stored on the run, changed only by validated StatePatch ops, each recorded.

export const budgetSchema = z.object({
  max_steps: z.number().int().min(1).max(500),
  max_wall_time_ms: z
    .number()
    .int()
    .min(1_000)
    .max(7 * 24 * 3_600_000),
  max_llm_tokens: z.number().int().min(1).max(10_000_000),
  /** Integer micro-dollars. */
  max_cost: z.number().int().min(0).max(1_000_000_000),
  max_artifact_bytes_in_context: z.number().int().min(256).max(1_048_576),
});

export const constraintsSchema = z.object({
  require_approval: z.array(z.enum(TOOL_RISKS)).max(3),
});

const factSchema = z.object({ key: z.string().min(1).max(200), value: z.json(), source: z.string().max(200) });
const artifactSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.string().min(1).max(50),
  summary: z.string().max(2_000),
  bytes: z.number().int().min(0),
});
const flagSchema = z.object({
  code: z.string().min(1).max(100),
  message: z.string().max(2_000),
  step: z.number().int(),
});

export const runStateSchema = z.object({
  goal: z.string(),
  constraints: constraintsSchema,
  budget: budgetSchema,
  plan: z.array(z.string().max(2_000)),
  known_facts: z.array(factSchema),
  open_questions: z.array(z.string().max(2_000)),
  artifacts: z.array(artifactSchema),
  risk_flags: z.array(flagSchema),
});
export type RunState = z.infer<typeof runStateSchema>;

export const statePatchOpSchema = z.discriminatedUnion("op", [
  z.object({ op: z.literal("add_facts"), facts: z.array(factSchema).min(1).max(100) }),
  z.object({ op: z.literal("replace_plan"), plan: z.array(z.string().max(2_000)).max(100) }),
  z.object({ op: z.literal("add_questions"), questions: z.array(z.string().min(1).max(2_000)).min(1).max(20) }),
  z.object({ op: z.literal("add_artifact"), artifact: artifactSchema }),
  z.object({ op: z.literal("raise_flag"), flag: flagSchema }),
]);
export const statePatchSchema = z.array(statePatchOpSchema).max(50);
export type StatePatchOp = z.infer<typeof statePatchOpSchema>;

export function initialState(input: Pick<RunState, "goal" | "constraints" | "budget">): RunState {
  return { ...input, plan: [], known_facts: [], open_questions: [], artifacts: [], risk_flags: [] };
}

/**
 * Applies validated ops; returns the new state and whether anything changed. Facts are keyed: a newer value of
 * a key replaces the older one (the state holds what is known now; the patches hold the history).
 */
export function applyStatePatch(state: RunState, ops: unknown): { state: RunState; changed: boolean } {
  const parsed = statePatchSchema.parse(ops);
  const next: RunState = structuredClone(state);
  for (const op of parsed) {
    switch (op.op) {
      case "add_facts":
        for (const fact of op.facts) {
          next.known_facts = next.known_facts.filter((known) => known.key !== fact.key);
          next.known_facts.push(fact);
        }
        break;
      case "replace_plan":
        next.plan = op.plan;
        break;
      case "add_questions":
        next.open_questions.push(...op.questions.filter((q) => !next.open_questions.includes(q)));
        break;
      case "add_artifact":
        next.artifacts = next.artifacts.filter((artifact) => artifact.id !== op.artifact.id);
        next.artifacts.push(op.artifact);
        break;
      case "raise_flag":
        next.risk_flags.push(op.flag);
        break;
    }
  }
  return { state: runStateSchema.parse(next), changed: !isDeepStrictEqual(next, state) };
}

/** The facts a tool result teaches: its top-level scalar fields (`check_disk.usedPercent = 86`). */
export function factsFromResult(tool: string, result: unknown, step: number): StatePatchOp[] {
  if (!result || typeof result !== "object" || Array.isArray(result)) return [];
  const facts = Object.entries(result as Record<string, unknown>)
    .filter(([, value]) => value === null || ["string", "number", "boolean"].includes(typeof value))
    .slice(0, 20)
    .map(([key, value]) => ({
      key: `${tool}.${key}`,
      value: typeof value === "string" ? value.slice(0, 500) : (value as number | boolean | null),
      source: `step ${step}`,
    }));
  const ops: StatePatchOp[] = facts.length > 0 ? [{ op: "add_facts", facts }] : [];
  const artifact = (result as { artifact?: { id?: unknown; type?: unknown; summary?: unknown; bytes?: unknown } })
    .artifact;
  if (artifact && typeof artifact.id === "string") {
    ops.push({
      op: "add_artifact",
      artifact: {
        id: artifact.id,
        type: typeof artifact.type === "string" ? artifact.type : "summary",
        summary: typeof artifact.summary === "string" ? artifact.summary.slice(0, 2_000) : "",
        bytes: typeof artifact.bytes === "number" ? Math.max(0, Math.floor(artifact.bytes)) : 0,
      },
    });
  }
  return ops;
}
