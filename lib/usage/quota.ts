import type { DbClient } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";

/** First day (UTC) of the calendar month containing `at`, as the DATE key of quota_periods. */
export function periodStartOf(at = new Date()): string {
  return `${at.getUTCFullYear()}-${String(at.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/**
 * Reserves `tokens` against the workspace's monthly plan limit in one guarded UPDATE: it succeeds only while
 * used + reserved + tokens stays within the limit, so concurrent senders can never overspend (and, unlike
 * optimistic retries on the hot row, no attempt is wasted). The row stays locked until the caller commits:
 * call it as late in the transaction as possible.
 */
export async function reserveTokens(db: DbClient, input: { workspaceId: string; tokens: number }): Promise<void> {
  const period = periodStartOf();
  const reserve = () => db.$executeRaw`
    UPDATE quota_periods SET reserved_tokens = reserved_tokens + ${input.tokens}
    WHERE workspace_id = ${input.workspaceId}::uuid AND period_start = ${period}::date
      AND used_tokens + reserved_tokens + ${input.tokens} <= token_limit`;
  if ((await reserve()) === 1) return;
  // No row yet for this month (the first call of the period), or the limit is reached. The INSERT is only tried
  // here, not on every call: against an existing row that another send holds, it would wait on that lock too.
  await db.$executeRaw`
    INSERT INTO quota_periods (workspace_id, period_start, token_limit)
    SELECT id, ${period}::date, plan_monthly_tokens FROM workspaces WHERE id = ${input.workspaceId}::uuid
    ON CONFLICT (workspace_id, period_start) DO NOTHING`;
  if ((await reserve()) === 1) return;
  throw new ApiError("quota_exceeded", "quota_exceeded", "the workspace has used its model tokens for this month");
}

/** Turns a reservation into actual use (which may be less, or more, than reserved); releases it when 0 is used. */
export async function settleTokens(
  db: DbClient,
  input: { workspaceId: string; reserved: number; used: number; reservedAt: Date },
): Promise<void> {
  await db.$executeRaw`
    UPDATE quota_periods
    SET reserved_tokens = GREATEST(0, reserved_tokens - ${input.reserved}), used_tokens = used_tokens + ${input.used}
    WHERE workspace_id = ${input.workspaceId}::uuid AND period_start = ${periodStartOf(input.reservedAt)}::date`;
}

export async function readQuota(db: DbClient, workspaceId: string) {
  const row = await db.quotaPeriod.findUnique({
    where: { workspaceId_periodStart: { workspaceId, periodStart: new Date(`${periodStartOf()}T00:00:00Z`) } },
  });
  return {
    period_start: periodStartOf(),
    token_limit: Number(row?.tokenLimit ?? 0),
    used_tokens: Number(row?.usedTokens ?? 0),
    reserved_tokens: Number(row?.reservedTokens ?? 0),
  };
}
