import { z } from "zod";

// The one place that reads process.env for the app (create-t3-app style). Parsed on first use, not at import,
// so `next build` works without a database. Every variable is described in .env.example.
const databaseEnvSchema = z.object({
  DATABASE_URL: z.string().url(),
  HOLDFAST_DB_POOL_SIZE: z.coerce.number().int().positive().default(20),
});

const serverEnvSchema = databaseEnvSchema.extend({
  NEXTAUTH_SECRET: z.string().min(32),
  NEXTAUTH_URL: z.string().url().default("http://localhost:3000"),
  HOLDFAST_SESSION_IDLE_MINUTES: z.coerce
    .number()
    .int()
    .positive()
    .default(60 * 24 * 7),
  HOLDFAST_SESSION_LIFETIME_DAYS: z.coerce.number().int().positive().default(30),
  HOLDFAST_LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
  HOLDFAST_LOGIN_LIMIT_PER_IP: z.coerce.number().int().positive().default(50),
  HOLDFAST_LOGIN_WINDOW_SECONDS: z.coerce
    .number()
    .int()
    .positive()
    .default(15 * 60),
  /** Bearer token of GET /api/metrics; unset or empty = the endpoint answers 404. */
  HOLDFAST_METRICS_TOKEN: z.preprocess((v) => (v === "" ? undefined : v), z.string().min(1).optional()),
  /** Queued or running generations and agent runs with no progress (updated_at) this long are stuck. */
  HOLDFAST_STUCK_AFTER_SECONDS: z.coerce.number().int().positive().default(300),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

function parseEnv<T>(schema: z.ZodType<T>): T {
  const result = schema.safeParse(process.env);
  if (!result.success) {
    const names = result.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new Error(`invalid server environment: ${names} (see .env.example)`);
  }
  return result.data;
}

let parsedServer: ServerEnv | undefined;
let parsedDatabase: z.infer<typeof databaseEnvSchema> | undefined;

export function serverEnv(): ServerEnv {
  parsedServer ??= parseEnv(serverEnvSchema);
  return parsedServer;
}

/** What the database client needs, and no more: the command line has no web secrets. */
export function databaseEnv(): z.infer<typeof databaseEnvSchema> {
  parsedDatabase ??= parseEnv(databaseEnvSchema);
  return parsedDatabase;
}

/** Cookies get `Secure` and the `__Host-` prefix everywhere but plain-http localhost. */
export function usesSecureCookies(): boolean {
  return new URL(serverEnv().NEXTAUTH_URL).protocol === "https:";
}
