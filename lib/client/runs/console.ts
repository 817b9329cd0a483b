// The runs console's filters (kept in the page's URL so a filtered view can be shared and reloaded) and the shapes
// of the console endpoints: the runs and generations lists, a run's engine view, prompt-version usage.

import type { Run, RunError } from "./types";

export type Requester = { id: string; email: string; name: string } | null;

/** A runs-list item: the run as `GET …/runs/{id}` shows it, plus who asked for it and whether it is stuck. */
export type ConsoleRun = Run & { requested_by?: Requester; stuck?: boolean };

export type ConsoleGeneration = {
  id: string;
  conversation_id: string;
  conversation_title: string | null;
  status: string;
  model: string;
  prompt_label: string | null;
  degraded: boolean;
  attempts: number;
  error: RunError | null;
  requested_by: Requester;
  request_id: string | null;
  created_at: string;
  updated_at: string;
  started_at: string | null;
  finished_at: string | null;
  stuck: boolean;
};

export const GENERATION_STATUSES = ["queued", "running", "succeeded", "failed", "canceled"] as const;

export type EngineRun = {
  id: string;
  function_id: string;
  status: string;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
  duration_ms: number | null;
  attempts: number;
  steps: { id: string; name: string | null; op: string; attempt: number; at: string }[];
  attempt_list: {
    step_id: string;
    attempt: number;
    started_at: string | null;
    ended_at: string | null;
    duration_ms: number | null;
    status_code: number | null;
    outcome: string | null;
    error: unknown;
  }[];
  pending: unknown;
  error: unknown;
};
export type EngineView = { available: true; engine_runs: EngineRun[] } | { available: false; reason: string };

export type PromptVersionUsage = {
  messages: { count: number; recent: { id: string; conversation_id: string; created_at: string }[] };
  runs: { count: number; recent: { id: string; agent: string; status: string; created_at: string }[] };
};

export type TimeRange = "" | "1h" | "24h" | "7d" | "30d" | "custom";
export const TIME_RANGES: { value: TimeRange; label: string }[] = [
  { value: "", label: "Any time" },
  { value: "1h", label: "Last hour" },
  { value: "24h", label: "Last 24 hours" },
  { value: "7d", label: "Last 7 days" },
  { value: "30d", label: "Last 30 days" },
  { value: "custom", label: "Custom…" },
];
const RANGE_MS: Record<string, number> = {
  "1h": 3_600_000,
  "24h": 86_400_000,
  "7d": 7 * 86_400_000,
  "30d": 30 * 86_400_000,
};

export type SortField = "created_at" | "updated_at";
export type ConsoleFilters = {
  status: string[];
  agent: string;
  member: string;
  range: TimeRange;
  /** Custom range bounds as `datetime-local` values (the viewer's local time). */
  from: string;
  to: string;
  stuck: boolean;
  sort: SortField;
  order: "desc" | "asc";
};

export const DEFAULT_FILTERS: ConsoleFilters = {
  status: [],
  agent: "",
  member: "",
  range: "",
  from: "",
  to: "",
  stuck: false,
  sort: "created_at",
  order: "desc",
};

/** The filters a URL query holds (unknown values fall back to the defaults). */
export function readFilters(query: URLSearchParams): ConsoleFilters {
  const range = query.get("range") ?? "";
  return {
    status: (query.get("status") ?? "").split(",").filter(Boolean),
    agent: query.get("agent") ?? "",
    member: query.get("member") ?? "",
    range: TIME_RANGES.some((r) => r.value === range) ? (range as TimeRange) : "",
    from: query.get("from") ?? "",
    to: query.get("to") ?? "",
    stuck: query.get("stuck") === "true",
    sort: query.get("sort") === "updated_at" ? "updated_at" : "created_at",
    order: query.get("order") === "asc" ? "asc" : "desc",
  };
}

/** The page's URL query for `filters`: only what differs from the defaults, so a plain list has a plain URL. */
export function filtersToQuery(filters: ConsoleFilters): string {
  const query = new URLSearchParams();
  if (filters.status.length) query.set("status", filters.status.join(","));
  if (filters.agent) query.set("agent", filters.agent);
  if (filters.member) query.set("member", filters.member);
  if (filters.range) query.set("range", filters.range);
  if (filters.range === "custom" && filters.from) query.set("from", filters.from);
  if (filters.range === "custom" && filters.to) query.set("to", filters.to);
  if (filters.stuck) query.set("stuck", "true");
  if (filters.sort !== "created_at") query.set("sort", filters.sort);
  if (filters.order !== "desc") query.set("order", filters.order);
  return query.toString();
}

const isoOfLocal = (value: string) => {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? null : at.toISOString();
};

/**
 * The API query for `filters` (ISO bounds). A preset range is resolved against `now`, which the caller fixes
 * when the filters change, so "Load more" pages through the same window.
 */
export function filtersToApiQuery(filters: ConsoleFilters, now: number, withAgent = true): URLSearchParams {
  const query = new URLSearchParams();
  if (filters.status.length) query.set("status", filters.status.join(","));
  if (withAgent && filters.agent) query.set("agent", filters.agent);
  if (filters.member) query.set("member", filters.member);
  if (filters.range === "custom") {
    const from = filters.from ? isoOfLocal(filters.from) : null;
    const to = filters.to ? isoOfLocal(filters.to) : null;
    if (from) query.set("from", from);
    if (to) query.set("to", to);
  } else if (filters.range) {
    query.set("from", new Date(now - (RANGE_MS[filters.range] ?? 0)).toISOString());
  }
  if (filters.stuck) query.set("stuck", "true");
  query.set("sort", filters.sort);
  query.set("order", filters.order);
  return query;
}

/** How many filters narrow the list (the sort does not count). */
export const activeFilterCount = (filters: ConsoleFilters) =>
  (filters.status.length ? 1 : 0) +
  (filters.agent ? 1 : 0) +
  (filters.member ? 1 : 0) +
  (filters.range ? 1 : 0) +
  (filters.stuck ? 1 : 0);
