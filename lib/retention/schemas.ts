import { z } from "zod";

/** Bounds of a workspace's retention setting, in days (also checked by the settings form before it sends). */
export const RETENTION_DAYS_MIN = 1;
export const RETENTION_DAYS_MAX = 3650;

export const retentionDaysSchema = z
  .number()
  .int("a whole number of days")
  .min(RETENTION_DAYS_MIN, `at least ${RETENTION_DAYS_MIN} day`)
  .max(RETENTION_DAYS_MAX, `at most ${RETENTION_DAYS_MAX} days (10 years)`);

// PATCH /api/v1/workspaces/{ws}
export const updateWorkspaceSchema = z.strictObject({ retention_days: retentionDaysSchema });
