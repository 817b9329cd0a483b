import "server-only";
import { createOpenAI, VERSION as OPENAI_PROVIDER_VERSION } from "@ai-sdk/openai";
import type { LanguageModelV3 } from "@ai-sdk/provider";
import { type AiEnv, readAiEnv, usesRemoteProvider } from "./env";
import { DEFAULT_REMOTE_MODEL_ID, describeModel, MODELS, type ModelInfo, OFFLINE_MODEL_ID } from "./models";
import { OFFLINE_MODEL_VERSION, OFFLINE_PROVIDER_ID, OfflineLanguageModel } from "./offline-model";

/**
 * What every assistant message and agent step stores about the model that answered: enough to explain and
 * replay it (SPEC §3 "version stamp"). `responseModelId` (the provider's own, dated model name) is only known
 * after the call: the stream helper adds it.
 */
export type ModelVersionStamp = {
  modelId: string;
  provider: "openai-compatible" | "offline";
  /** The SDK package and version that spoke to the endpoint, or the offline model's version. */
  providerVersion: string;
  /** Host of the endpoint (no path, no credentials); absent for the offline model. */
  endpoint?: string;
  /** Set when the caller asked for another model and the offline model answered instead. */
  requestedModelId?: string;
};

export type ResolvedModel = {
  model: LanguageModelV3;
  info: ModelInfo;
  stamp: ModelVersionStamp;
  offline: boolean;
};

const DEFAULT_OPENAI_BASE_URL = "https://api.openai.com/v1";

/** The model id used when the caller names none: HOLDFAST_DEFAULT_MODEL, else gpt-4o-mini, else offline. */
export function defaultModelId(env: AiEnv = readAiEnv()): string {
  if (!usesRemoteProvider(env)) return OFFLINE_MODEL_ID;
  return env.HOLDFAST_DEFAULT_MODEL ?? DEFAULT_REMOTE_MODEL_ID;
}

/**
 * The AI SDK model for `modelId` (default: `defaultModelId()`). With an OpenAI-compatible endpoint configured,
 * any id but the offline one goes to it through the chat-completions API (what Ollama, vLLM and LM Studio
 * speak); without one, every id resolves to the offline model and the stamp says what was asked for.
 */
export function resolveModel(modelId?: string, env: AiEnv = readAiEnv()): ResolvedModel {
  const wanted = modelId ?? defaultModelId(env);
  if (wanted === OFFLINE_MODEL_ID || !usesRemoteProvider(env)) return resolveOfflineModel(env, wanted);
  const baseURL = env.OPENAI_BASE_URL ?? DEFAULT_OPENAI_BASE_URL;
  const provider = createOpenAI({ apiKey: env.OPENAI_API_KEY, baseURL });
  const info = describeModel(wanted);
  return {
    model: provider.chat(wanted),
    info,
    offline: false,
    stamp: {
      modelId: wanted,
      provider: "openai-compatible",
      providerVersion: `@ai-sdk/openai@${OPENAI_PROVIDER_VERSION}`,
      endpoint: new URL(baseURL).host,
    },
  };
}

/** The offline model: the degraded-mode fallback, and the only model on a machine without a provider. */
export function resolveOfflineModel(env: AiEnv = readAiEnv(), requestedModelId?: string): ResolvedModel {
  return {
    model: new OfflineLanguageModel({ chunkDelayMs: env.HOLDFAST_OFFLINE_CHUNK_DELAY_MS }),
    info: describeModel(OFFLINE_MODEL_ID),
    offline: true,
    stamp: {
      modelId: OFFLINE_MODEL_ID,
      provider: "offline",
      providerVersion: `${OFFLINE_PROVIDER_ID}@${OFFLINE_MODEL_VERSION}`,
      ...(requestedModelId && requestedModelId !== OFFLINE_MODEL_ID ? { requestedModelId } : {}),
    },
  };
}

export type AvailableModel = ModelInfo & { available: boolean; isDefault: boolean };

/** The catalogue for a model picker: which models this server can serve right now, and the default. */
export function listAvailableModels(env: AiEnv = readAiEnv()): AvailableModel[] {
  const remote = usesRemoteProvider(env);
  const fallback = defaultModelId(env);
  const models: ModelInfo[] = [...MODELS];
  if (!models.some((model) => model.id === fallback)) models.push(describeModel(fallback));
  return models.map((model) => ({
    ...model,
    available: model.provider === "offline" || remote,
    isDefault: model.id === fallback,
  }));
}
