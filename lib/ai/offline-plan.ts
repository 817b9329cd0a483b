import type { JSONObject, SharedV3ProviderOptions } from "@ai-sdk/provider";
import { z } from "zod";
import {
  describeText,
  type PromptView,
  summarizeValue,
  type ToolHistoryEntry,
  type ToolOutcome,
  truncateText,
} from "./offline-text";

/**
 * Offline plans: the script the offline model follows when an agent runs without a provider.
 * See docs/models.md ("Offline plans") for the format and the rules; in short:
 *
 *   <offline-plan>
 *   1. check_disk {"server": "{{goal.text}}"} -- Check how full the disk is.
 *   2. clean_logs {"olderThanDays": 7} when step1.usedPercent >= 80 -- Free space by removing old logs.
 *   3. check_disk {} -- Verify the result.
 *   final: Disk usage went from {{step1.usedPercent}}% to {{step3.usedPercent}}%.
 *   </offline-plan>
 *
 * Each turn the model replays the plan against the tool calls already in the prompt and emits the first step
 * that has not happened yet; when every step has happened it writes the final answer.
 */

export const offlinePlanStepSchema = z.object({
  tool: z.string().min(1),
  /** JSON arguments; strings may hold `{{expression}}` templates. */
  args: z.record(z.string(), z.unknown()).optional(),
  /** Path to an array: the step runs once per item, `{{item}}` and `{{index}}` in its args. */
  each: z.string().min(1).optional(),
  /** `path`, `!path`, or `path <op> literal` with op one of >= <= == != > <; skipped when false. */
  when: z.string().min(1).optional(),
  /** A failed or refused call does not stop the plan. */
  optional: z.boolean().optional(),
  /** The step is emitted every turn, forever (to exercise loop detection). */
  repeat: z.boolean().optional(),
  /** The text emitted with the call: the step's reasoning summary. Templates allowed. */
  note: z.string().optional(),
});

export const offlinePlanSchema = z.object({
  steps: z.array(offlinePlanStepSchema),
  /** The final answer once every step ran. Templates allowed. */
  final: z.string().optional(),
  /** The answer when a step failed or was refused; `{{failure.tool}}`, `{{failure.reason}}` available. */
  stopped: z.string().optional(),
});

export type OfflinePlanStep = z.infer<typeof offlinePlanStepSchema>;
export type OfflinePlan = z.infer<typeof offlinePlanSchema>;

/** The provider-options key under which a structured plan may be passed instead of a prompt block. */
export const OFFLINE_PROVIDER_OPTIONS_KEY = "holdfastOffline";

/** `providerOptions` carrying a plan, for callers of the AI SDK's own generateText/streamText. */
export function offlinePlanProviderOptions(plan: OfflinePlan): SharedV3ProviderOptions {
  // A plan is plain JSON (zod-validated on the way in); only its `unknown` args need the cast.
  return { [OFFLINE_PROVIDER_OPTIONS_KEY]: { plan: plan as unknown as JSONObject } };
}

const PLAN_BLOCK = /<offline-plan>([\s\S]*?)<\/offline-plan>/i;

export class OfflinePlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "OfflinePlanError";
  }
}

/** The plan in an `<offline-plan>` block of `text`, or undefined when there is none. Throws on a bad block. */
export function findOfflinePlan(text: string): OfflinePlan | undefined {
  const block = PLAN_BLOCK.exec(text)?.[1];
  return block === undefined ? undefined : parseOfflinePlan(block);
}

/** Parses the line syntax (one step per line; `final:` and `stopped:` lines; `#` comments). */
export function parseOfflinePlan(source: string): OfflinePlan {
  const plan: OfflinePlan = { steps: [] };
  source.split("\n").forEach((rawLine, lineIndex) => {
    const line = rawLine.trim();
    if (!line || line.startsWith("#")) return;
    const ending = /^(final|stopped)\s*:\s*(.*)$/i.exec(line);
    if (ending?.[1] && ending[2] !== undefined) {
      const key = ending[1].toLowerCase() as "final" | "stopped";
      const text = ending[2].replace(/\\n/g, "\n");
      plan[key] = plan[key] ? `${plan[key]}\n${text}` : text;
      return;
    }
    try {
      plan.steps.push(parseStepLine(line.replace(/^(?:\d+[.)]|[-*])\s+/, "")));
    } catch (error) {
      throw new OfflinePlanError(`offline plan line ${lineIndex + 1}: ${(error as Error).message}`);
    }
  });
  return plan;
}

function parseStepLine(line: string): OfflinePlanStep {
  const [body = "", ...noteParts] = line.split(" -- ");
  const note = noteParts.length > 0 ? noteParts.join(" -- ").trim() : undefined;
  const toolMatch = /^([A-Za-z_][\w.-]*)\s*/.exec(body);
  if (!toolMatch?.[1]) throw new Error(`expected a tool name, got "${truncateText(line, 40)}"`);
  const step: OfflinePlanStep = { tool: toolMatch[1] };
  let rest = body.slice(toolMatch[0].length);
  const each = /^each\s+(\S+)\s*/.exec(rest);
  if (each?.[1]) {
    step.each = each[1];
    rest = rest.slice(each[0].length);
  }
  if (rest.startsWith("{")) {
    const end = endOfJsonObject(rest);
    const parsed: unknown = JSON.parse(rest.slice(0, end));
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("arguments must be an object");
    step.args = parsed as Record<string, unknown>;
    rest = rest.slice(end).trim();
  }
  let flags = rest.trim();
  for (;;) {
    const flag = /\s*\b(optional|repeat)$/.exec(flags);
    if (!flag?.[1]) break;
    step[flag[1] as "optional" | "repeat"] = true;
    flags = flags.slice(0, flag.index).trim();
  }
  if (flags) {
    const when = /^when\s+(.+)$/.exec(flags);
    if (!when?.[1]) throw new Error(`unexpected "${truncateText(flags, 40)}"`);
    step.when = when[1].trim();
  }
  if (note) step.note = note;
  return step;
}

/** Index just past the JSON object that `text` starts with (strings and escapes respected). */
function endOfJsonObject(text: string): number {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text[index];
    if (inString) {
      if (char === "\\") index++;
      else if (char === '"') inString = false;
    } else if (char === '"') inString = true;
    else if (char === "{" || char === "[") depth++;
    else if (char === "}" || char === "]") {
      depth--;
      if (depth === 0) return index + 1;
    }
  }
  throw new Error("unterminated JSON arguments");
}

/** The `<offline-plan>` block for a plan, for agent authors who keep plans as data and embed them in prompts. */
export function formatOfflinePlan(plan: OfflinePlan): string {
  const lines = plan.steps.map((step, index) => {
    const parts = [`${index + 1}. ${step.tool}`];
    if (step.each) parts.push(`each ${step.each}`);
    parts.push(JSON.stringify(step.args ?? {}));
    if (step.when) parts.push(`when ${step.when}`);
    if (step.optional) parts.push("optional");
    if (step.repeat) parts.push("repeat");
    return `${parts.join(" ")}${step.note ? ` -- ${step.note}` : ""}`;
  });
  if (plan.final) lines.push(`final: ${plan.final.replace(/\n/g, "\\n")}`);
  if (plan.stopped) lines.push(`stopped: ${plan.stopped.replace(/\n/g, "\\n")}`);
  return `<offline-plan>\n${lines.join("\n")}\n</offline-plan>`;
}

// ---- templates ---------------------------------------------------------------------------------------------

export type TemplateScope = Record<string, unknown>;

export function resolvePath(path: string, scope: TemplateScope): unknown {
  let current: unknown = scope;
  for (const segment of path.trim().split(".")) {
    if (current === null || current === undefined) return undefined;
    if (segment === "length" && (Array.isArray(current) || typeof current === "string")) {
      current = current.length;
    } else if (Array.isArray(current) && /^\d+$/.test(segment)) {
      current = current[Number(segment)];
    } else if (typeof current === "object") {
      current = (current as Record<string, unknown>)[segment];
    } else {
      return undefined;
    }
  }
  return current;
}

function applyFilter(value: unknown, filter: string): unknown {
  // `name:argument`; quote the argument to keep spaces or colons: join:", "
  const colon = filter.indexOf(":");
  const name = (colon < 0 ? filter : filter.slice(0, colon)).trim();
  let argument = colon < 0 ? undefined : filter.slice(colon + 1).trim();
  if (argument && /^(["']).*\1$/.test(argument)) argument = argument.slice(1, -1);
  switch (name) {
    case "json":
      return JSON.stringify(value ?? null);
    case "summary":
      return summarizeValue(value);
    case "truncate":
      return truncateText(stringify(value), Number(argument ?? 200) || 200);
    case "words":
      return stringify(value)
        .split(/\s+/)
        .filter(Boolean)
        .slice(0, Number(argument ?? 1) || 1)
        .join(" ");
    case "count":
      return Array.isArray(value) ? value.length : value === undefined || value === null ? 0 : 1;
    case "first":
      return Array.isArray(value) ? value[0] : value;
    case "last":
      return Array.isArray(value) ? value[value.length - 1] : value;
    case "pluck":
      return Array.isArray(value) ? value.map((item) => resolvePath(argument ?? "", { ...asScope(item) })) : value;
    case "join":
      return Array.isArray(value) ? value.map(stringify).join(argument ?? ", ") : stringify(value);
    default:
      throw new OfflinePlanError(`unknown template filter "${name}"`);
  }
}

function asScope(value: unknown): TemplateScope {
  return value && typeof value === "object" ? (value as TemplateScope) : { value };
}

function stringify(value: unknown): string {
  if (value === undefined || value === null) return "";
  return typeof value === "string" ? value : typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** `path | filter | filter:arg` */
export function evaluateExpression(expression: string, scope: TemplateScope): unknown {
  const [path = "", ...filters] = expression.split("|");
  return filters.reduce((value, filter) => applyFilter(value, filter), resolvePath(path, scope));
}

const WHOLE_TEMPLATE = /^\{\{\s*([^}]+?)\s*\}\}$/;
const TEMPLATE = /\{\{\s*([^}]+?)\s*\}\}/g;

/** Renders templates in strings, recursively; a string that is one template keeps the value's type. */
export function renderTemplate(value: unknown, scope: TemplateScope): unknown {
  if (typeof value === "string") {
    const whole = WHOLE_TEMPLATE.exec(value);
    if (whole?.[1]) return evaluateExpression(whole[1], scope) ?? null;
    return value.replace(TEMPLATE, (_, expression: string) => stringify(evaluateExpression(expression, scope)));
  }
  if (Array.isArray(value)) return value.map((item) => renderTemplate(item, scope));
  if (value && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, renderTemplate(item, scope)]));
  }
  return value;
}

export function evaluateCondition(condition: string, scope: TemplateScope): boolean {
  const comparison = /^(.+?)\s*(>=|<=|==|!=|>|<)\s*(.+)$/.exec(condition.trim());
  if (!comparison) {
    const negated = condition.trim().startsWith("!");
    const value = evaluateExpression(condition.trim().replace(/^!/, ""), scope);
    const truthy = Array.isArray(value) ? value.length > 0 : Boolean(value);
    return negated ? !truthy : truthy;
  }
  const [, left = "", operator, right = ""] = comparison;
  const actual = evaluateExpression(left, scope);
  let expected: unknown;
  try {
    expected = JSON.parse(right);
  } catch {
    expected = right.replace(/^['"]|['"]$/g, "");
  }
  switch (operator) {
    case "==":
      return actual === expected || String(actual) === String(expected);
    case "!=":
      return !(actual === expected || String(actual) === String(expected));
    case ">=":
      return Number(actual) >= Number(expected);
    case "<=":
      return Number(actual) <= Number(expected);
    case ">":
      return Number(actual) > Number(expected);
    default:
      return Number(actual) < Number(expected);
  }
}

// ---- replaying a plan against the prompt -------------------------------------------------------------------

export type PlanDecision =
  | { type: "call"; toolName: string; input: Record<string, unknown>; note: string; step: number }
  | { type: "final"; text: string }
  | { type: "stopped"; text: string };

type Failure = { step: number; tool: string; reason: string; denied: boolean };

function baseScope(view: PromptView, history: readonly ToolHistoryEntry[]): TemplateScope {
  const tools: Record<string, unknown[]> = {};
  for (const entry of history) {
    if (!entry.outcome?.ok) continue;
    const outputs = tools[entry.toolName] ?? [];
    outputs.push(entry.outcome.value);
    tools[entry.toolName] = outputs;
  }
  return {
    goal: describeText(view.goal),
    last: describeText(view.lastUser),
    facts: Object.fromEntries(view.facts.map((fact) => [fact.key, fact.value])),
    tools,
  };
}

/**
 * Replays `plan` against the tool calls in the prompt and decides the next move. Steps are matched in order
 * by tool name (calls the plan does not know are skipped over); `offered` limits steps to the tools on offer.
 */
export function decideNextPlanMove(plan: OfflinePlan, view: PromptView, offered: ReadonlySet<string>): PlanDecision {
  const history = view.toolHistory;
  const scope = baseScope(view, history);
  const done: string[] = [];
  let cursor = 0;

  for (const [stepIndex, step] of plan.steps.entries()) {
    const number = stepIndex + 1;
    if (offered.size > 0 && !offered.has(step.tool)) continue;
    if (step.when && !evaluateCondition(step.when, scope)) continue;
    const items = step.each ? toArray(evaluateExpression(step.each, scope)) : [undefined];
    const outputs: unknown[] = [];
    for (const [index, item] of items.entries()) {
      const itemScope = step.each ? { ...scope, item, index } : scope;
      const input = renderTemplate(step.args ?? {}, itemScope) as Record<string, unknown>;
      const found = step.repeat ? -1 : history.findIndex((entry, at) => at >= cursor && entry.toolName === step.tool);
      if (found < 0) {
        const note = step.note
          ? stringify(renderTemplate(step.note, itemScope))
          : `Step ${number} of ${plan.steps.length}: ${step.tool}.`;
        return { type: "call", toolName: step.tool, input, note, step: number };
      }
      const entry = history[found] as ToolHistoryEntry;
      cursor = found + 1;
      const outcome: ToolOutcome = entry.outcome ?? {
        ok: false,
        denied: false,
        value: null,
        errorText: "no result was returned",
      };
      if (!outcome.ok && !step.optional) {
        const failure: Failure = {
          step: number,
          tool: step.tool,
          reason: outcome.errorText ?? "unknown error",
          denied: outcome.denied,
        };
        return { type: "stopped", text: composeStopped(plan, { ...scope, failure }, failure, done) };
      }
      outputs.push(outcome.ok ? outcome.value : null);
      done.push(`${step.tool}: ${outcome.ok ? summarizeValue(outcome.value, 160) : `skipped (${outcome.errorText})`}`);
    }
    scope[`step${number}`] = step.each ? outputs : outputs[0];
  }
  const text = plan.final ? stringify(renderTemplate(plan.final, scope)) : composeDone(view, done, "Done.");
  return { type: "final", text };
}

/** What to say when asked to conclude (soft stop, or no tools on offer) before the plan finished. */
export function concludeEarly(plan: OfflinePlan, view: PromptView): string {
  const completed = view.toolHistory.filter((entry) => entry.outcome?.ok);
  const lines = completed.map((entry) => `${entry.toolName}: ${summarizeValue(entry.outcome?.value, 160)}`);
  return composeDone(
    view,
    lines,
    `Concluding early with what I have (${completed.length} tool call${completed.length === 1 ? "" : "s"} of a ${plan.steps.length}-step plan).`,
  );
}

function composeDone(view: PromptView, done: readonly string[], headline: string): string {
  const goal = view.goal ? ` Goal: ${truncateText(view.goal, 160)}` : "";
  const steps = done.length > 0 ? ` Steps: ${done.map((line, index) => `(${index + 1}) ${line}`).join(" ")}` : "";
  return `${headline}${goal}${steps}`;
}

function composeStopped(plan: OfflinePlan, scope: TemplateScope, failure: Failure, done: readonly string[]): string {
  if (plan.stopped) return stringify(renderTemplate(plan.stopped, scope));
  const what = failure.denied ? "was not approved" : "failed";
  const completed = done.length > 0 ? ` Completed before that: ${done.join("; ")}.` : "";
  return `I stopped before finishing: step ${failure.step} (${failure.tool}) ${what}: ${truncateText(failure.reason, 200)}.${completed}`;
}

function toArray(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  return value === undefined || value === null ? [] : [value];
}
