/**
 * The one place for model ids, their provider, labels, limits and prices (docs/models.md).
 * Money is integer micro-dollars (1 USD = 1_000_000) everywhere; never floats.
 */

export type ModelProvider = "openai-compatible" | "offline";

export type ModelPrice = {
  /** Micro-dollars per 1M input tokens (USD 0.15 / 1M = 150_000). */
  inputPerMillion: number;
  /** Micro-dollars per 1M output tokens. */
  outputPerMillion: number;
};

export type ModelInfo = {
  id: string;
  provider: ModelProvider;
  label: string;
  contextWindow: number;
  maxOutputTokens: number;
  price: ModelPrice;
  supportsTools: boolean;
  /** Not in the catalogue: a model name passed through to a custom endpoint (Ollama, vLLM…). */
  custom?: boolean;
};

export const OFFLINE_MODEL_ID = "holdfast-offline-1";

/** The model an OpenAI-compatible endpoint gets when neither the caller nor HOLDFAST_DEFAULT_MODEL names one. */
export const DEFAULT_REMOTE_MODEL_ID = "gpt-4o-mini";

export const MODELS = [
  {
    id: OFFLINE_MODEL_ID,
    provider: "offline",
    label: "Offline model (deterministic, no provider configured)",
    contextWindow: 32_768,
    maxOutputTokens: 2_048,
    // Nominal, not free: budgets (`max_cost`), quotas and billing charts must be exercisable offline.
    price: { inputPerMillion: 100_000, outputPerMillion: 400_000 },
    supportsTools: true,
  },
  {
    id: "gpt-4o-mini",
    provider: "openai-compatible",
    label: "GPT-4o mini",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    price: { inputPerMillion: 150_000, outputPerMillion: 600_000 },
    supportsTools: true,
  },
  {
    id: "gpt-4o",
    provider: "openai-compatible",
    label: "GPT-4o",
    contextWindow: 128_000,
    maxOutputTokens: 16_384,
    price: { inputPerMillion: 2_500_000, outputPerMillion: 10_000_000 },
    supportsTools: true,
  },
  {
    id: "gpt-4.1-mini",
    provider: "openai-compatible",
    label: "GPT-4.1 mini",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    price: { inputPerMillion: 400_000, outputPerMillion: 1_600_000 },
    supportsTools: true,
  },
  {
    id: "gpt-4.1",
    provider: "openai-compatible",
    label: "GPT-4.1",
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    price: { inputPerMillion: 2_000_000, outputPerMillion: 8_000_000 },
    supportsTools: true,
  },
] as const satisfies readonly ModelInfo[];

export type CatalogueModelId = (typeof MODELS)[number]["id"];

/** Self-hosted models cost nothing per token; their window is assumed small until someone says otherwise. */
const CUSTOM_MODEL_DEFAULTS = {
  contextWindow: 8_192,
  maxOutputTokens: 2_048,
  price: { inputPerMillion: 0, outputPerMillion: 0 },
} as const;

export type GenerationParams = { temperature: number; seed: number };

/** Chat: a little variety, still replayable because the seed is stored with every message. */
export const DEFAULT_CHAT_PARAMS: GenerationParams = { temperature: 0.3, seed: 42 };
/** Agents: as deterministic as the provider allows. */
export const DEFAULT_AGENT_PARAMS: GenerationParams = { temperature: 0, seed: 42 };

export function isCatalogueModelId(id: string): id is CatalogueModelId {
  return MODELS.some((model) => model.id === id);
}

/** Catalogue entry for `id`, or a custom entry (zero price, small window) for a name the endpoint knows. */
export function describeModel(id: string): ModelInfo {
  const known = MODELS.find((model) => model.id === id);
  if (known) return known;
  return { id, provider: "openai-compatible", label: id, supportsTools: true, custom: true, ...CUSTOM_MODEL_DEFAULTS };
}

/** Only temperature 0 with a fixed seed counts as deterministic: the one case whose answers may be cached. */
export function isDeterministicRequest(params: Partial<GenerationParams>): boolean {
  return params.temperature === 0 && Number.isInteger(params.seed);
}

export type TokenCounts = { inputTokens: number; outputTokens: number };

const MICROS_PER_MILLION_TOKENS = 1_000_000n;

/**
 * Cost of one call in integer micro-dollars, rounded up (a call never costs less than what it used).
 * BigInt inside: tokens × price can pass 2^53 for long contexts on expensive models.
 */
export function costOf(modelId: string, usage: TokenCounts): number {
  const { price } = describeModel(modelId);
  const input = BigInt(Math.max(0, Math.trunc(usage.inputTokens)));
  const output = BigInt(Math.max(0, Math.trunc(usage.outputTokens)));
  const scaled = input * BigInt(price.inputPerMillion) + output * BigInt(price.outputPerMillion);
  const micros = (scaled + MICROS_PER_MILLION_TOKENS - 1n) / MICROS_PER_MILLION_TOKENS;
  return Number(micros);
}

/** "$0.001234" — display only; sums and limits stay in micro-dollars. */
export function formatMicrosAsUsd(micros: number): string {
  const sign = micros < 0 ? "-" : "";
  const absolute = BigInt(Math.abs(Math.trunc(micros)));
  const dollars = absolute / 1_000_000n;
  const fraction = (absolute % 1_000_000n).toString().padStart(6, "0");
  return `${sign}$${dollars}.${fraction}`;
}
