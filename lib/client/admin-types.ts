import type { UsageRow } from "@/lib/usage/report";
import type { RunStatus } from "./runs/types";

export type { UsageRow };

// Shapes of the prompt, usage and request-lookup endpoints as the pages read them (API.md "Prompts, usage, admin").

export type PromptLabel = { id: string; name: string; label: string; version: number; updated_at: string };
export type PromptVersion = {
  id: string;
  name: string;
  version: number;
  content: string;
  labels: string[];
  created_by_id: string | null;
  created_at: string;
  messages_count: number;
};
export type PromptSummary = {
  id: string;
  name: string;
  latest_version: PromptVersion;
  versions_count: number;
  labels: PromptLabel[];
};
export type DiffLine = {
  op: "equal" | "add" | "remove";
  text: string;
  old_line: number | null;
  new_line: number | null;
};
export type PromptDiff = { name: string; from: number; to: number; added: number; removed: number; lines: DiffLine[] };

export type UsageReport = {
  from: string;
  to: string;
  group_by: "day" | "member" | "model" | "agent";
  data: UsageRow[];
  totals: Omit<UsageRow, "key" | "label">;
  quota: {
    period_start: string;
    period_end: string;
    token_limit: number;
    used_tokens: number;
    reserved_tokens: number;
    remaining_tokens: number;
    used_ratio: number;
    forecast_tokens: number;
    forecast_exceeds_limit: boolean;
    alert: boolean;
  };
};

export type RequestLookup = {
  id: string;
  request_id: string;
  logs: {
    id: string;
    method: string;
    route: string;
    status: number;
    error_code: string | null;
    duration_ms: number;
    user_id: string | null;
    user_email: string | null;
    token_id: string | null;
    created_at: string;
  }[];
  audit: {
    id: string;
    action: string;
    target_type: string;
    target_id: string | null;
    actor_user_id: string | null;
    data: unknown;
    created_at: string;
  }[];
  generations: {
    id: string;
    conversation_id: string;
    status: string;
    model: string;
    attempts: number;
    error: { type: string; code: string | null; message: string | null } | null;
    created_at: string;
    messages: { id: string; seq: number; role: string; status: string; content: string }[];
    usage: {
      id: string;
      kind: string;
      model: string | null;
      input_tokens: number;
      output_tokens: number;
      cost_micros: number;
    }[];
  }[];
  runs: {
    id: string;
    agent: string;
    goal: string;
    status: RunStatus;
    started_by_this_request: boolean;
    attempts: number;
    error: { type: string; code: string | null; message: string | null } | null;
    created_at: string;
    finished_at: string | null;
    steps: {
      number: number;
      kind: string;
      tool: string | null;
      status: string;
      duration_ms: number;
      tokens: number;
      cost_micros: number;
    }[];
  }[];
  log_lines: { id: string; level: string; event: string; fields: Record<string, unknown>; at: string }[];
};
