import type { DbClient } from "@/lib/db";
import { ApiError } from "./errors";

/**
 * Counts one hit against a fixed-window bucket in one atomic statement (safe across web instances) and
 * throws 429 with Retry-After once the bucket is over its limit.
 */
export async function throwIfRateLimited(
  db: DbClient,
  bucket: { key: string; limit: number; windowSeconds: number },
): Promise<void> {
  const [row] = await db.$queryRaw<{ count: number; retry_after: number }[]>`
    INSERT INTO rate_limit_buckets (key, window_start, count) VALUES (${bucket.key}, now(), 1)
    ON CONFLICT (key) DO UPDATE SET
      window_start = CASE WHEN rate_limit_buckets.window_start <= now() - make_interval(secs => ${bucket.windowSeconds})
                          THEN now() ELSE rate_limit_buckets.window_start END,
      count = CASE WHEN rate_limit_buckets.window_start <= now() - make_interval(secs => ${bucket.windowSeconds})
                   THEN 1 ELSE rate_limit_buckets.count + 1 END
    RETURNING count,
      ceil(extract(epoch FROM window_start + make_interval(secs => ${bucket.windowSeconds}) - now()))::int AS retry_after`;
  if (row && row.count > bucket.limit) {
    const retryAfter = Math.max(1, row.retry_after);
    throw new ApiError("rate_limited", "too_many_attempts", `too many attempts; try again in ${retryAfter} s`, {
      headers: { "Retry-After": String(retryAfter) },
    });
  }
}
