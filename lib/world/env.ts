import { z } from "zod";

// The in-app world's slice of the environment. Read on every call (tests change it), like lib/ai/env.ts.
const worldEnvSchema = z.object({
  /** Comma-separated host names fetch_url may reach besides the in-app `holdfast.local`. Empty by default. */
  HOLDFAST_FETCH_ALLOWLIST: z.string().default(""),
  HOLDFAST_FETCH_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
  HOLDFAST_FETCH_MAX_BYTES: z.coerce
    .number()
    .int()
    .positive()
    .default(256 * 1024),
});

export type WorldEnv = z.infer<typeof worldEnvSchema> & { fetchAllowlist: string[] };

export function readWorldEnv(env: Record<string, string | undefined> = process.env): WorldEnv {
  const result = worldEnvSchema.safeParse(env);
  if (!result.success) {
    const names = result.error.issues.map((issue) => issue.path.join(".")).join(", ");
    throw new Error(`invalid world environment: ${names} (see docs/agents.md)`);
  }
  const fetchAllowlist = result.data.HOLDFAST_FETCH_ALLOWLIST.split(",")
    .map((host) => host.trim().toLowerCase())
    .filter(Boolean);
  return { ...result.data, fetchAllowlist };
}
