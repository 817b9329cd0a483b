import { type FinishReason, type FlexibleSchema, type ModelMessage, streamText, type ToolSet, tool } from "ai";
import { markFailed, SpanKind, startSpan } from "@/lib/telemetry/tracing";
import { readAiEnv } from "./env";
import { classifyProviderError, ProviderError } from "./errors";
import { costOf } from "./models";
import { type OfflinePlan, offlinePlanProviderOptions } from "./offline-plan";
import { type ModelVersionStamp, type ResolvedModel, resolveModel } from "./providers";
import { estimateJsonTokens, estimateTokens } from "./tokens";

/**
 * A tool as the model sees it: a description and an input schema, never an `execute`. Holdfast runs tools
 * itself (side-effect ledger, approvals, memoized steps), so a generation only ever *proposes* tool calls.
 */
export type ToolSpec = { description?: string; inputSchema: FlexibleSchema<unknown> };

export type GenerationInput = {
  /** A model resolved by the caller (e.g. the degraded-mode fallback); otherwise `resolveModel(modelId)`. */
  model?: ResolvedModel;
  modelId?: string;
  system?: string;
  messages: ModelMessage[];
  tools?: Record<string, ToolSpec>;
  toolChoice?: "auto" | "none" | "required" | { type: "tool"; toolName: string };
  temperature?: number;
  seed?: number;
  maxOutputTokens?: number;
  /** Cancels the call end to end: the provider request is aborted (the HTTP connection is closed). */
  signal?: AbortSignal;
  /** Whole-call limit, consumer time included. Default HOLDFAST_AI_REQUEST_TIMEOUT_MS. */
  requestTimeoutMs?: number;
  /** Longest silence from the provider (before the first chunk too). Default HOLDFAST_AI_IDLE_TIMEOUT_MS. */
  idleTimeoutMs?: number;
  /** A script for the offline model (see lib/ai/offline-plan.ts); ignored by real providers. */
  offlinePlan?: OfflinePlan;
  /** Extra HTTP headers for the provider request (e.g. X-Request-Id for correlation). */
  headers?: Record<string, string>;
};

export type GenerationUsage = {
  inputTokens: number;
  outputTokens: number;
  totalTokens: number;
  /** True when the provider reported no usage and these are lib/ai/tokens estimates. */
  estimated: boolean;
};

export type GenerationStamp = ModelVersionStamp & { responseModelId?: string; responseId?: string };

export type GenerationToolCall = {
  toolCallId: string;
  toolName: string;
  input: unknown;
  /** The model produced arguments that do not match the schema (or named an unknown tool). */
  invalid?: boolean;
  error?: string;
};

export type GenerationEvent =
  | { type: "text-delta"; delta: string }
  | ({ type: "tool-call" } & GenerationToolCall)
  | {
      type: "finish";
      finishReason: FinishReason;
      usage: GenerationUsage;
      /** Integer micro-dollars (lib/ai/models.ts `costOf`). */
      costMicros: number;
      stamp: GenerationStamp;
    };

type StopCause = "canceled" | "request_timeout" | "idle_timeout";

function stopError(cause: StopCause, limitMs: number): ProviderError {
  if (cause === "canceled") return new ProviderError({ kind: "canceled", message: "the generation was canceled" });
  return new ProviderError({
    kind: "timeout",
    code: cause === "idle_timeout" ? "provider_idle_timeout" : "provider_timeout",
    message:
      cause === "idle_timeout"
        ? `the provider sent nothing for ${limitMs} ms`
        : `the generation did not finish within ${limitMs} ms`,
  });
}

function toToolSet(tools: Record<string, ToolSpec> | undefined): ToolSet | undefined {
  if (!tools) return undefined;
  const set: ToolSet = {};
  for (const [name, spec] of Object.entries(tools)) {
    set[name] = tool({ description: spec.description, inputSchema: spec.inputSchema });
  }
  return set;
}

/**
 * One model turn as a stream of events: text deltas, proposed tool calls, then exactly one `finish` (usage,
 * cost, version stamp). Throws a classified ProviderError on failure, timeout (`kind: "timeout"`) or cancel
 * (`kind: "canceled"`). No retries and no persistence here: callers own both. Stopping the iteration early
 * (break/return) aborts the provider request too.
 */
export async function* streamGeneration(input: GenerationInput): AsyncGenerator<GenerationEvent, void, undefined> {
  const env = readAiEnv();
  const resolved = input.model ?? resolveModel(input.modelId, env);
  const requestTimeoutMs = input.requestTimeoutMs ?? env.HOLDFAST_AI_REQUEST_TIMEOUT_MS;
  const idleTimeoutMs = input.idleTimeoutMs ?? env.HOLDFAST_AI_IDLE_TIMEOUT_MS;

  const controller = new AbortController();
  let stopCause: StopCause | undefined;
  const stop = (cause: StopCause) => {
    if (stopCause) return;
    stopCause = cause;
    controller.abort(new DOMException(cause, "AbortError"));
  };
  const failure = () =>
    stopCause ? stopError(stopCause, stopCause === "idle_timeout" ? idleTimeoutMs : requestTimeoutMs) : undefined;
  const onCallerAbort = () => stop("canceled");
  if (input.signal?.aborted) throw stopError("canceled", 0);
  input.signal?.addEventListener("abort", onCallerAbort, { once: true });
  const requestTimer = setTimeout(() => stop("request_timeout"), requestTimeoutMs);
  let idleTimer: ReturnType<typeof setTimeout> | undefined;
  const armIdle = () => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => stop("idle_timeout"), idleTimeoutMs);
  };
  // The idle clock measures the provider, not our consumer: it is paused while the caller handles an event.
  const pauseIdle = () => clearTimeout(idleTimer);

  // A child of the active span (the agent or generation step): model, provider, tokens, status — no text.
  const span = startSpan("model.call", {
    kind: SpanKind.CLIENT,
    attributes: {
      "gen_ai.request.model": resolved.stamp.modelId,
      "gen_ai.provider.name": resolved.stamp.provider,
      "holdfast.model.offline": resolved.offline,
    },
  });
  let finished = false;
  try {
    armIdle();
    const result = streamText({
      model: resolved.model,
      system: input.system,
      messages: input.messages,
      // Context builders may put the conversation snapshot or a "conclude now" nudge in a system message.
      allowSystemInMessages: true,
      tools: toToolSet(input.tools),
      toolChoice: input.toolChoice,
      temperature: input.temperature,
      seed: input.seed,
      maxOutputTokens: input.maxOutputTokens,
      abortSignal: controller.signal,
      maxRetries: 0,
      headers: input.headers,
      providerOptions: input.offlinePlan ? offlinePlanProviderOptions(input.offlinePlan) : undefined,
      // Errors arrive as `error` parts below; the default handler would only print them.
      onError: () => {},
    });

    let outputText = "";
    const toolInputs: unknown[] = [];
    let stamp: GenerationStamp = { ...resolved.stamp };
    for await (const part of result.fullStream) {
      armIdle();
      switch (part.type) {
        case "text-delta": {
          if (!part.text) break;
          outputText += part.text;
          pauseIdle();
          yield { type: "text-delta", delta: part.text };
          armIdle();
          break;
        }
        case "tool-call": {
          toolInputs.push(part.input);
          const invalid = part.dynamic === true && part.invalid === true;
          pauseIdle();
          yield {
            type: "tool-call",
            toolCallId: part.toolCallId,
            toolName: part.toolName,
            input: part.input,
            ...(invalid ? { invalid: true, error: String(part.error) } : {}),
          };
          armIdle();
          break;
        }
        case "finish-step":
          stamp = { ...stamp, responseModelId: part.response.modelId, responseId: part.response.id };
          break;
        case "error":
          throw failure() ?? part.error;
        case "abort":
          throw failure() ?? stopError("canceled", 0);
        case "finish": {
          const stopped = failure();
          if (stopped) throw stopped;
          const reported = part.totalUsage;
          const estimated = reported.inputTokens === undefined || reported.outputTokens === undefined;
          const inputTokens =
            reported.inputTokens ?? estimateTokens(input.system ?? "") + estimateJsonTokens(input.messages);
          const outputTokens = reported.outputTokens ?? estimateTokens(outputText) + estimateJsonTokens(toolInputs);
          const usage = { inputTokens, outputTokens, totalTokens: inputTokens + outputTokens, estimated };
          finished = true;
          span.setAttributes({
            "gen_ai.usage.input_tokens": inputTokens,
            "gen_ai.usage.output_tokens": outputTokens,
            "gen_ai.response.finish_reasons": [part.finishReason],
            "holdfast.usage.estimated": estimated,
          });
          pauseIdle();
          yield {
            type: "finish",
            finishReason: part.finishReason,
            usage,
            costMicros: costOf(stamp.modelId, usage),
            stamp,
          };
          return;
        }
        default:
          break;
      }
    }
    throw (
      failure() ?? new ProviderError({ kind: "server_error", message: "the provider stream ended without finishing" })
    );
  } catch (error) {
    const classified = failure() ?? classifyProviderError(error);
    markFailed(span, classified);
    throw classified;
  } finally {
    span.end();
    clearTimeout(requestTimer);
    clearTimeout(idleTimer);
    input.signal?.removeEventListener("abort", onCallerAbort);
    // Consumer stopped early, or we failed: make sure the provider connection is released.
    if (!finished && !controller.signal.aborted) controller.abort(new DOMException("consumer stopped", "AbortError"));
  }
}

export type GenerationResult = {
  text: string;
  toolCalls: GenerationToolCall[];
  finishReason: FinishReason;
  usage: GenerationUsage;
  costMicros: number;
  stamp: GenerationStamp;
};

/** The same turn, collected: for agent steps that store the whole answer as one memoized result. */
export async function runGeneration(
  input: GenerationInput,
  onEvent?: (event: GenerationEvent) => void,
): Promise<GenerationResult> {
  let text = "";
  const toolCalls: GenerationToolCall[] = [];
  for await (const event of streamGeneration(input)) {
    onEvent?.(event);
    if (event.type === "text-delta") text += event.delta;
    else if (event.type === "tool-call") {
      const { type: _type, ...call } = event;
      toolCalls.push(call);
    } else {
      return {
        text,
        toolCalls,
        finishReason: event.finishReason,
        usage: event.usage,
        costMicros: event.costMicros,
        stamp: event.stamp,
      };
    }
  }
  throw new ProviderError({ kind: "server_error", message: "the generation ended without a finish event" });
}
