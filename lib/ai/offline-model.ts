import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3FunctionTool,
  LanguageModelV3GenerateResult,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV3Usage,
} from "@ai-sdk/provider";
import { OFFLINE_MODEL_ID } from "./models";
import {
  concludeEarly,
  decideNextPlanMove,
  findOfflinePlan,
  OFFLINE_PROVIDER_OPTIONS_KEY,
  type OfflinePlan,
  offlinePlanSchema,
} from "./offline-plan";
import {
  chunkText,
  composeChatAnswer,
  composeToolAnswer,
  fillFromSchema,
  hashString,
  type PromptView,
  pickRelevantTool,
  summarizeConversation,
  viewPrompt,
} from "./offline-text";
import { estimateJsonTokens, estimateTokens } from "./tokens";

/** Bumped whenever the offline model's output for the same input changes; part of the version stamp. */
export const OFFLINE_MODEL_VERSION = "1.0.0";
export const OFFLINE_PROVIDER_ID = "holdfast.offline";

export type OfflineModelOptions = {
  /** Pause before each streamed text/tool-input delta, so streams look and cancel like real ones. */
  chunkDelayMs?: number;
  modelId?: string;
};

/** What the offline model will answer, decided from the call options alone. */
export type OfflineDecision = {
  text: string;
  toolCall?: { toolCallId: string; toolName: string; input: string };
  finishReason: LanguageModelV3FinishReason;
};

/**
 * The built-in deterministic model (AI SDK LanguageModelV3). Same prompt, tools, options and seed → the same
 * output, on any machine. Behaviour, in order (docs/models.md "The offline model"):
 * 1. `responseFormat: json` → a JSON value built from the schema (summary and facts filled from the chat);
 * 2. an offline plan (provider option `holdfastOffline.plan`, or an `<offline-plan>` block in a system message)
 *    → the next step of the plan as a tool call, or the plan's final answer;
 * 3. tools on offer and none called yet this turn → the most relevant tool (keyword overlap between the last
 *    user message and tool names/descriptions), arguments filled from its JSON schema and the message;
 * 4. otherwise a templated answer (after tool results: a summary of them).
 * `toolChoice: none` and a "conclude now" / `[holdfast:conclude]` message turn tool calls off.
 */
export class OfflineLanguageModel implements LanguageModelV3 {
  readonly specificationVersion = "v3" as const;
  readonly provider = OFFLINE_PROVIDER_ID;
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]> = {};
  private readonly chunkDelayMs: number;

  constructor(options: OfflineModelOptions = {}) {
    this.modelId = options.modelId ?? OFFLINE_MODEL_ID;
    this.chunkDelayMs = options.chunkDelayMs ?? 0;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    throwIfAborted(options.abortSignal);
    const decision = decideOfflineAnswer(options);
    const content: LanguageModelV3Content[] = [];
    if (decision.text) content.push({ type: "text", text: decision.text });
    if (decision.toolCall) content.push({ type: "tool-call", ...decision.toolCall });
    return {
      content,
      finishReason: decision.finishReason,
      usage: usageOf(options, decision),
      warnings: [],
      response: { id: responseIdOf(options), modelId: this.modelId, timestamp: new Date() },
    };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    throwIfAborted(options.abortSignal);
    const decision = decideOfflineAnswer(options);
    const parts = streamPartsOf(decision, usageOf(options, decision), responseIdOf(options), this.modelId);
    return { stream: paceParts(parts, this.chunkDelayMs, options.abortSignal) };
  }
}

export function createOfflineModel(options: OfflineModelOptions = {}): OfflineLanguageModel {
  return new OfflineLanguageModel(options);
}

// ---- deciding ----------------------------------------------------------------------------------------------

function functionTools(options: LanguageModelV3CallOptions): LanguageModelV3FunctionTool[] {
  return (options.tools ?? []).filter((tool): tool is LanguageModelV3FunctionTool => tool.type === "function");
}

/** A structured plan from provider options wins over a prompt block; a broken plan becomes the answer. */
function planOf(options: LanguageModelV3CallOptions, view: PromptView): OfflinePlan | string | undefined {
  const fromOptions = options.providerOptions?.[OFFLINE_PROVIDER_OPTIONS_KEY]?.plan;
  try {
    if (fromOptions !== undefined) return offlinePlanSchema.parse(fromOptions);
    return findOfflinePlan(view.system);
  } catch (error) {
    return `The offline plan could not be read: ${(error as Error).message}`;
  }
}

function seedOf(options: LanguageModelV3CallOptions): number {
  return Number.isInteger(options.seed) ? (options.seed as number) : 0;
}

export function decideOfflineAnswer(options: LanguageModelV3CallOptions): OfflineDecision {
  const view = viewPrompt(options.prompt);
  const seed = seedOf(options);
  const text = (value: string): OfflineDecision =>
    limitText(value, options.maxOutputTokens, options.stopSequences ?? []);

  if (options.responseFormat?.type === "json") {
    const value = fillFromSchema(options.responseFormat.schema ?? { type: "object" }, {
      text: view.lastUser,
      facts: view.facts,
      summary: summarizeConversation(view),
    });
    return { text: JSON.stringify(value), finishReason: { unified: "stop", raw: "stop" } };
  }

  const tools = functionTools(options);
  const choice = options.toolChoice ?? { type: "auto" };
  const forced = choice.type === "tool" ? tools.find((tool) => tool.name === choice.toolName) : undefined;
  const mayCallTools = tools.length > 0 && choice.type !== "none" && !view.concludeRequested;
  const call = (tool: LanguageModelV3FunctionTool, input: unknown, note: string, index: number): OfflineDecision => ({
    text: note,
    toolCall: {
      toolCallId: `call_${hashString(`${seed}:${index}:${view.digest}`).toString(36)}`,
      toolName: tool.name,
      input: JSON.stringify(input ?? {}),
    },
    finishReason: { unified: "tool-calls", raw: "tool_calls" },
  });
  const callWithFilledArgs = (tool: LanguageModelV3FunctionTool) =>
    call(
      tool,
      fillFromSchema(tool.inputSchema, { text: view.lastUser, facts: view.facts, summary: view.summary ?? "" }),
      `Let me use ${tool.name}.`,
      view.toolHistory.length,
    );

  const plan = planOf(options, view);
  if (typeof plan === "string") return text(plan);
  if (plan) {
    if (forced) return callWithFilledArgs(forced);
    const move = decideNextPlanMove(plan, view, new Set(tools.map((tool) => tool.name)));
    if (move.type !== "call") return text(move.text);
    const tool = tools.find((candidate) => candidate.name === move.toolName);
    if (!mayCallTools || !tool) return text(concludeEarly(plan, view));
    return call(tool, move.input, move.note, move.step * 1000 + view.toolHistory.length);
  }

  if (mayCallTools && view.toolCallsThisTurn.length === 0) {
    const tool =
      forced ?? pickRelevantTool(tools, view.lastUser) ?? (choice.type === "required" ? tools[0] : undefined);
    if (tool) return callWithFilledArgs(tool);
  }
  if (view.toolCallsThisTurn.length > 0) return text(composeToolAnswer(view));
  return text(composeChatAnswer(view, seed));
}

/** Applies stop sequences and the output-token limit to a text answer. */
function limitText(value: string, maxOutputTokens: number | undefined, stopSequences: string[]): OfflineDecision {
  let result = value;
  for (const stop of stopSequences) {
    const at = stop ? result.indexOf(stop) : -1;
    if (at >= 0) result = result.slice(0, at);
  }
  if (maxOutputTokens !== undefined && estimateTokens(result) > maxOutputTokens) {
    return {
      text: [...result].slice(0, maxOutputTokens * 4).join(""),
      finishReason: { unified: "length", raw: "length" },
    };
  }
  return { text: result, finishReason: { unified: "stop", raw: "stop" } };
}

function usageOf(options: LanguageModelV3CallOptions, decision: OfflineDecision): LanguageModelV3Usage {
  const input = estimateJsonTokens(options.prompt) + estimateJsonTokens(functionTools(options));
  const output = estimateTokens(decision.text) + estimateJsonTokens(decision.toolCall?.input);
  return {
    inputTokens: { total: input, noCache: input, cacheRead: 0, cacheWrite: 0 },
    outputTokens: { total: output, text: output, reasoning: 0 },
  };
}

function responseIdOf(options: LanguageModelV3CallOptions): string {
  return `offline-${hashString(`${seedOf(options)}:${JSON.stringify(options.prompt)}`).toString(36)}`;
}

// ---- streaming ---------------------------------------------------------------------------------------------

function streamPartsOf(
  decision: OfflineDecision,
  usage: LanguageModelV3Usage,
  responseId: string,
  modelId: string,
): LanguageModelV3StreamPart[] {
  const parts: LanguageModelV3StreamPart[] = [
    { type: "stream-start", warnings: [] },
    { type: "response-metadata", id: responseId, modelId, timestamp: new Date() },
  ];
  if (decision.text) {
    parts.push({ type: "text-start", id: "text-0" });
    for (const delta of chunkText(decision.text)) parts.push({ type: "text-delta", id: "text-0", delta });
    parts.push({ type: "text-end", id: "text-0" });
  }
  const call = decision.toolCall;
  if (call) {
    parts.push({ type: "tool-input-start", id: call.toolCallId, toolName: call.toolName });
    const size = Math.max(8, Math.ceil(call.input.length / 3));
    for (let at = 0; at < call.input.length; at += size) {
      parts.push({ type: "tool-input-delta", id: call.toolCallId, delta: call.input.slice(at, at + size) });
    }
    parts.push({ type: "tool-input-end", id: call.toolCallId });
    parts.push({ type: "tool-call", ...call });
  }
  parts.push({ type: "finish", usage, finishReason: decision.finishReason });
  return parts;
}

const PACED = new Set<LanguageModelV3StreamPart["type"]>(["text-delta", "tool-input-delta"]);

/** Emits parts one by one with a pause before each delta; an abort errors the stream at once. */
function paceParts(
  parts: LanguageModelV3StreamPart[],
  delayMs: number,
  signal: AbortSignal | undefined,
): ReadableStream<LanguageModelV3StreamPart> {
  let index = 0;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wake: (() => void) | undefined;
  let onAbort: (() => void) | undefined;
  // Ends the pacing for good: a pending pause resolves at once and nothing more is enqueued.
  const stop = () => {
    stopped = true;
    clearTimeout(timer);
    wake?.();
    if (onAbort) signal?.removeEventListener("abort", onAbort);
  };
  return new ReadableStream<LanguageModelV3StreamPart>({
    start(controller) {
      onAbort = () => {
        stop();
        controller.error(abortErrorOf(signal));
      };
      if (signal?.aborted) onAbort();
      else signal?.addEventListener("abort", onAbort, { once: true });
    },
    async pull(controller) {
      if (stopped) return;
      const part = parts[index++];
      if (!part) {
        stop();
        controller.close();
        return;
      }
      if (delayMs > 0 && PACED.has(part.type)) {
        await new Promise<void>((resolve) => {
          wake = resolve;
          timer = setTimeout(resolve, delayMs);
        });
        if (stopped) return;
      }
      controller.enqueue(part);
    },
    cancel() {
      stop();
    },
  });
}

function abortErrorOf(signal: AbortSignal | undefined): Error {
  const reason: unknown = signal?.reason;
  if (reason instanceof Error && (reason.name === "AbortError" || reason.name === "TimeoutError")) return reason;
  return new DOMException("The offline model call was aborted.", "AbortError");
}

function throwIfAborted(signal: AbortSignal | undefined) {
  if (signal?.aborted) throw abortErrorOf(signal);
}
