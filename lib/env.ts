import { z } from "zod";

// The one place that reads process.env for the app (create-t3-app style). Parsed on first use, not at import,
// so `next build` works without a database. Every variable is described in .env.example.
const serverEnvSchema = z.object({
  DATABASE_URL: z.string().url(),
  NEXTAUTH_SECRET: z.string().min(32),
  NEXTAUTH_URL: z.string().url().default("http://localhost:3000"),
  HOLDFAST_SESSION_IDLE_MINUTES: z.coerce.number().int().positive().default(60 * 24 * 7),
  HOLDFAST_SESSION_LIFETIME_DAYS: z.coerce.number().int().positive().default(30),
  HOLDFAST_LOGIN_LIMIT_PER_ACCOUNT: z.coerce.number().int().positive().default(10),
  HOLDFAST_LOGIN_LIMIT_PER_IP: z.coerce.number().int().positive().default(50),
  HOLDFAST_LOGIN_WINDOW_SECONDS: z.coerce.number().int().positive().default(15 * 60),
  HOLDFAST_DB_POOL_SIZE: z.coerce.number().int().positive().default(20),
  LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
});

export type ServerEnv = z.infer<typeof serverEnvSchema>;

let parsed: ServerEnv | undefined;

export function serverEnv(): ServerEnv {
  if (!parsed) {
    const result = serverEnvSchema.safeParse(process.env);
    if (!result.success) {
      const names = result.error.issues.map((issue) => issue.path.join(".")).join(", ");
      throw new Error(`invalid server environment: ${names} (see .env.example)`);
    }
    parsed = result.data;
  }
  return parsed;
}

/** Cookies get `Secure` and the `__Host-` prefix everywhere but plain-http localhost. */
export function usesSecureCookies(): boolean {
  return new URL(serverEnv().NEXTAUTH_URL).protocol === "https:";
}
