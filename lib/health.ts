import { db } from "@/lib/db";

export type Health = { status: "ok" | "degraded"; db: "ok" | "down"; engine: "ok" | "degraded" };

/** The database must answer; the engine is optional for serving pages, so it only degrades health. */
export async function checkHealth(): Promise<Health> {
  const [database, engine] = await Promise.all([pingDatabase(), pingEngine()]);
  return { status: database === "ok" && engine === "ok" ? "ok" : "degraded", db: database, engine };
}

async function pingDatabase(): Promise<Health["db"]> {
  try {
    await db().$queryRaw`SELECT 1`;
    return "ok";
  } catch {
    return "down";
  }
}

async function pingEngine(): Promise<Health["engine"]> {
  const base = process.env.INNGEST_BASE_URL;
  if (!base) return "degraded";
  try {
    const response = await fetch(new URL("/health", base), { signal: AbortSignal.timeout(1_000) });
    return response.ok ? "ok" : "degraded";
  } catch {
    return "degraded";
  }
}
