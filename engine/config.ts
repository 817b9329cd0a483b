import { z } from "zod";

// Every variable the engine reads, validated once at start (documented in docs/engine.md).
const envSchema = z.object({
  DATABASE_URL: z.string().min(1, "DATABASE_URL is required"),
  INNGEST_SIGNING_KEY: z
    .string()
    .regex(/^signkey-[\w]+-[0-9a-fA-F]+$/, "INNGEST_SIGNING_KEY must look like signkey-<env>-<hex>"),
  INNGEST_SIGNING_KEY_FALLBACK: z
    .string()
    .regex(/^signkey-[\w]+-[0-9a-fA-F]+$/)
    .optional(),
  INNGEST_EVENT_KEY: z.string().min(1).optional(),
  HOLDFAST_ENGINE_HOST: z.string().default("127.0.0.1"),
  HOLDFAST_ENGINE_PORT: z.coerce.number().int().min(0).max(65535).default(8288),
  HOLDFAST_APP_SERVE_URL: z.string().url().optional(),
  HOLDFAST_ENGINE_WORKERS: z.coerce.number().int().positive().default(32),
  HOLDFAST_ENGINE_DB_POOL: z.coerce.number().int().positive().default(20),
  HOLDFAST_ENGINE_LEASE_MS: z.coerce.number().int().positive().default(30_000),
  HOLDFAST_ENGINE_POLL_MS: z.coerce.number().int().positive().default(100),
  HOLDFAST_ENGINE_CALL_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60_000),
  HOLDFAST_ENGINE_RETRY_BASE_MS: z.coerce.number().int().positive().default(1_000),
  HOLDFAST_ENGINE_RETRY_CAP_MS: z.coerce
    .number()
    .int()
    .positive()
    .default(10 * 60_000),
  HOLDFAST_ENGINE_SYNC_RETRY_MS: z.coerce.number().int().positive().default(1_000),
  HOLDFAST_ENGINE_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type EngineConfig = {
  databaseUrl: string;
  signingKey: string;
  signingKeyFallback?: string;
  eventKey?: string;
  host: string;
  port: number;
  appServeUrl?: string;
  workers: number;
  dbPoolSize: number;
  leaseMs: number;
  pollMs: number;
  callTimeoutMs: number;
  retryBaseMs: number;
  retryCapMs: number;
  syncRetryMs: number;
  logLevel: "debug" | "info" | "warn" | "error" | "silent";
};

export function readEngineConfig(env: NodeJS.ProcessEnv = process.env): EngineConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join(".")}: ${issue.message}`).join("; ");
    throw new Error(`invalid engine environment: ${problems}`);
  }
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    signingKey: e.INNGEST_SIGNING_KEY,
    signingKeyFallback: e.INNGEST_SIGNING_KEY_FALLBACK,
    eventKey: e.INNGEST_EVENT_KEY,
    host: e.HOLDFAST_ENGINE_HOST,
    port: e.HOLDFAST_ENGINE_PORT,
    appServeUrl: e.HOLDFAST_APP_SERVE_URL,
    workers: e.HOLDFAST_ENGINE_WORKERS,
    dbPoolSize: e.HOLDFAST_ENGINE_DB_POOL,
    leaseMs: e.HOLDFAST_ENGINE_LEASE_MS,
    pollMs: e.HOLDFAST_ENGINE_POLL_MS,
    callTimeoutMs: e.HOLDFAST_ENGINE_CALL_TIMEOUT_MS,
    retryBaseMs: e.HOLDFAST_ENGINE_RETRY_BASE_MS,
    retryCapMs: e.HOLDFAST_ENGINE_RETRY_CAP_MS,
    syncRetryMs: e.HOLDFAST_ENGINE_SYNC_RETRY_MS,
    logLevel: e.HOLDFAST_ENGINE_LOG_LEVEL,
  };
}
