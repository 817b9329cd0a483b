// A run's statuses, apart from the rest of the agents code so that the UI can import them too.

export const RUN_STATUSES = [
  "queued",
  "running",
  "waiting_approval",
  "succeeded",
  "failed",
  "canceled",
  "timed_out",
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export const ACTIVE_RUN_STATUSES = ["queued", "running", "waiting_approval"] as const;
export const isActiveRun = (status: string) => (ACTIVE_RUN_STATUSES as readonly string[]).includes(status);
