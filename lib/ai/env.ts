import { z } from "zod";

// The provider layer's slice of the environment (docs/models.md lists every variable). Read on every call,
// not cached: it is a handful of fields, and tests point the layer at a fake server by changing them.
const emptyAsUnset = (value: unknown) => (typeof value === "string" && value.trim() === "" ? undefined : value);

const aiEnvSchema = z.object({
  OPENAI_API_KEY: z.preprocess(emptyAsUnset, z.string().trim().optional()),
  OPENAI_BASE_URL: z.preprocess(emptyAsUnset, z.url().optional()),
  HOLDFAST_AI_PROVIDER: z.preprocess(emptyAsUnset, z.enum(["auto", "openai", "offline"]).default("auto")),
  HOLDFAST_DEFAULT_MODEL: z.preprocess(emptyAsUnset, z.string().trim().min(1).optional()),
  HOLDFAST_AI_REQUEST_TIMEOUT_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().positive().default(120_000)),
  HOLDFAST_AI_IDLE_TIMEOUT_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().positive().default(30_000)),
  HOLDFAST_OFFLINE_CHUNK_DELAY_MS: z.preprocess(emptyAsUnset, z.coerce.number().int().min(0).default(15)),
});

export type AiEnv = z.infer<typeof aiEnvSchema>;

export function readAiEnv(env: Record<string, string | undefined> = process.env): AiEnv {
  const result = aiEnvSchema.safeParse(env);
  if (!result.success) {
    const names = result.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new Error(`invalid AI provider environment: ${names} (see docs/models.md)`);
  }
  const parsed = result.data;
  if (parsed.HOLDFAST_AI_PROVIDER === "openai" && !parsed.OPENAI_API_KEY) {
    throw new Error("HOLDFAST_AI_PROVIDER=openai needs OPENAI_API_KEY (any non-empty value for Ollama/vLLM)");
  }
  return parsed;
}

/** True when generations go to an OpenAI-compatible endpoint rather than the offline model. */
export function usesRemoteProvider(env: AiEnv = readAiEnv()): boolean {
  return env.HOLDFAST_AI_PROVIDER !== "offline" && Boolean(env.OPENAI_API_KEY);
}
