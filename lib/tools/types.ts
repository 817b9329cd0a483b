import type { z } from "zod";
import type { DbClient } from "@/lib/db";

export type ToolRisk = "read" | "write_local" | "external_action";
export const TOOL_RISKS = ["read", "write_local", "external_action"] as const satisfies readonly ToolRisk[];

/** What a tool call gets besides its input. The tenant is not in here: tools are built for one workspace. */
export type ToolContext = {
  runId: string;
  /** The ledger row of this call: the idempotency key for anything the tool does outside the database. */
  sideEffectId: string;
  /** For `write_local` tools, the ledger's transaction: the effect and its `performed` record commit together. */
  db: DbClient;
  /** Aborted at the tool's timeout. */
  signal: AbortSignal;
};

/** The ledger row a reconcile check looks at. */
export type SideEffectRef = { id: string; runId: string; attempts: number; createdAt: Date };

export type Reconciliation<O> = { happened: true; result: O } | { happened: false };

export type ToolDefinition<I = unknown, O = unknown> = {
  name: string;
  description: string;
  risk: ToolRisk;
  inputSchema: z.ZodType<I>;
  timeoutMs: number;
  /** Per workspace, per tool: at most `limit` calls that act in any `windowSeconds` window. */
  rateLimit: { limit: number; windowSeconds: number };
  execute(ctx: ToolContext, input: I): Promise<O>;
  /** Dry runs: what the call would do, without doing it. Defaults to echoing the input. */
  simulate?(ctx: ToolContext, input: I): Promise<unknown>;
  /**
   * Required for `external_action`: did the action of this side effect already happen? Asked before any retry of
   * a call whose outcome a crash left unknown (`in_doubt`).
   */
  reconcile?(ctx: ToolContext, input: I, sideEffect: SideEffectRef): Promise<Reconciliation<O>>;
};

// Tools are stored side by side whatever their input type; `execute` is a method, so this assignment is sound
// enough: the ledger always parses the input with the tool's own schema first.
// biome-ignore lint/suspicious/noExplicitAny: the registry holds tools of every input and output type
export type AnyTool = ToolDefinition<any, any>;

/** Checks the declaration rules once, where the tool is defined. */
export function defineTool<I, O>(tool: ToolDefinition<I, O>): ToolDefinition<I, O> {
  if (tool.risk === "external_action" && !tool.reconcile) {
    throw new Error(`tool ${tool.name}: an external_action needs a reconcile check`);
  }
  if (!/^[a-z][a-z0-9_]*$/.test(tool.name)) throw new Error(`tool name ${tool.name} is not snake_case`);
  if (tool.timeoutMs <= 0 || tool.rateLimit.limit <= 0) throw new Error(`tool ${tool.name}: bad limits`);
  return tool;
}
