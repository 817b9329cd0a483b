import { describe, expect, test } from "vitest";
import { readAiEnv } from "@/lib/ai/env";
import {
  costOf,
  describeModel,
  formatMicrosAsUsd,
  isDeterministicRequest,
  MODELS,
  OFFLINE_MODEL_ID,
} from "@/lib/ai/models";
import { estimateJsonTokens, estimateTokens, takeRecentWithinBudget } from "@/lib/ai/tokens";

describe("models and costs", () => {
  test("every catalogue model has integer prices and positive limits; ids are unique", () => {
    expect(new Set(MODELS.map((model) => model.id)).size).toBe(MODELS.length);
    for (const model of MODELS) {
      expect(Number.isInteger(model.price.inputPerMillion)).toBe(true);
      expect(Number.isInteger(model.price.outputPerMillion)).toBe(true);
      expect(model.contextWindow).toBeGreaterThan(model.maxOutputTokens);
    }
  });

  test("costOf is integer micro-dollars, rounded up", () => {
    // gpt-4o-mini: $0.15 / $0.60 per 1M tokens.
    expect(costOf("gpt-4o-mini", { inputTokens: 1_000_000, outputTokens: 1_000_000 })).toBe(750_000);
    expect(costOf("gpt-4o-mini", { inputTokens: 1, outputTokens: 0 })).toBe(1);
    expect(costOf("gpt-4o-mini", { inputTokens: 0, outputTokens: 0 })).toBe(0);
    expect(costOf("gpt-4o-mini", { inputTokens: 1000, outputTokens: 500 })).toBe(450);
    // The offline model has a nominal price so budgets and quotas can be exercised without a provider.
    expect(costOf(OFFLINE_MODEL_ID, { inputTokens: 10_000, outputTokens: 1_000 })).toBe(1_400);
    // Self-hosted models unknown to the catalogue are free.
    expect(costOf("llama3.1:8b", { inputTokens: 10_000, outputTokens: 1_000 })).toBe(0);
    expect(describeModel("llama3.1:8b")).toMatchObject({ custom: true, provider: "openai-compatible" });
    // No float drift or overflow on huge counts.
    expect(costOf("gpt-4o", { inputTokens: 4_000_000_000, outputTokens: 0 })).toBe(10_000_000_000);
  });

  test("formatting and determinism helpers", () => {
    expect(formatMicrosAsUsd(1_234_567)).toBe("$1.234567");
    expect(formatMicrosAsUsd(450)).toBe("$0.000450");
    expect(isDeterministicRequest({ temperature: 0, seed: 1 })).toBe(true);
    expect(isDeterministicRequest({ temperature: 0.3, seed: 1 })).toBe(false);
    expect(isDeterministicRequest({ temperature: 0 })).toBe(false);
  });
});

describe("tokens", () => {
  test("about four characters per token, by code point, stable", () => {
    expect(estimateTokens("")).toBe(0);
    expect(estimateTokens("abcd")).toBe(1);
    expect(estimateTokens("abcde")).toBe(2);
    expect(estimateTokens("😀😀😀😀")).toBe(1);
    expect(estimateJsonTokens({ a: 1 })).toBe(2);
  });

  test("takeRecentWithinBudget keeps the newest messages that fit, in order", () => {
    const messages = ["a".repeat(40), "b".repeat(40), "c".repeat(40)].map((content) => ({ role: "user", content }));
    expect(takeRecentWithinBudget(messages, 28).map((message) => message.content[0])).toEqual(["b", "c"]);
    expect(takeRecentWithinBudget(messages, 5)).toEqual([]);
  });
});

describe("environment", () => {
  test("defaults, empty values as unset, and validation", () => {
    const env = readAiEnv({ OPENAI_API_KEY: "", OPENAI_BASE_URL: "" });
    expect(env).toMatchObject({
      OPENAI_API_KEY: undefined,
      HOLDFAST_AI_PROVIDER: "auto",
      HOLDFAST_AI_REQUEST_TIMEOUT_MS: 120_000,
      HOLDFAST_AI_IDLE_TIMEOUT_MS: 30_000,
      HOLDFAST_OFFLINE_CHUNK_DELAY_MS: 15,
    });
    expect(() => readAiEnv({ OPENAI_BASE_URL: "not a url" })).toThrow(/OPENAI_BASE_URL/);
    expect(() => readAiEnv({ HOLDFAST_AI_PROVIDER: "openai" })).toThrow(/needs OPENAI_API_KEY/);
  });
});
