// The shapes of the conversations API (API.md "Conversations") as the chat UI reads them. snake_case as on the wire.

export type BusyPolicy = "enqueue" | "reject" | "interrupt";

export type ConversationSettings = {
  model?: string;
  prompt_label?: string;
  temperature?: number;
  seed?: number;
  busy_policy?: BusyPolicy;
};

export type Conversation = {
  id: string;
  title: string;
  settings: ConversationSettings;
  version: number;
  last_seq: number;
  created_at: string;
  updated_at: string;
};

export type GenerationStatus = "queued" | "running" | "succeeded" | "failed" | "canceled" | "timed_out";

export const TERMINAL_STATUSES: readonly GenerationStatus[] = ["succeeded", "failed", "canceled", "timed_out"];
export const isTerminalStatus = (status: string) => (TERMINAL_STATUSES as readonly string[]).includes(status);

export type ErrorInfo = { type: string; code: string | null; message: string | null };

export type Generation = {
  id: string;
  status: GenerationStatus;
  conversation_id: string;
  user_message_id: string;
  message_id: string | null;
  model: string;
  degraded: string | null;
  attempts: number;
  last_seq: number;
  error?: ErrorInfo;
  created_at: string;
  updated_at: string;
};

export type PromptVersionRef = { id: string; name: string; version: number };

export type Usage = { input_tokens: number; output_tokens: number; cost: number; cost_micros?: number };

export type UserMessage = {
  id: string;
  seq: number;
  role: "user";
  content: string;
  status: string;
  generation_id: string | null;
  created_at?: string;
};

export type AssistantMessage = {
  id: string;
  seq: number;
  role: "assistant";
  content: string;
  /** `completed`, or `canceled` when it was stopped (the partial text is kept). */
  status: string;
  generation_id: string | null;
  created_at?: string;
  prompt_version: PromptVersionRef | null;
  model: string | null;
  provider_version: string | null;
  params: { temperature?: number; seed?: number } | null;
  context_build_id: string | null;
  usage: Usage;
  /** Answered by the offline model because the provider kept failing. */
  degraded?: boolean;
};

export type Message = UserMessage | AssistantMessage;

export type SendResult = {
  message: UserMessage;
  generation: Generation;
  policy: { mode: BusyPolicy; active_before: number };
};

export type ContextBuild = {
  id: string;
  generation_id: string;
  prompt_version: PromptVersionRef | null;
  messages: { role: string; content: string }[];
  snapshot: {
    summary?: string;
    facts?: { key: string; value: string; source_seq?: number }[];
    [key: string]: unknown;
  } | null;
  token_estimate: number;
  created_at: string;
};

export type ModelOption = {
  id: string;
  label: string;
  provider: string;
  offline: boolean;
  available: boolean;
  default: boolean;
};

export type CursorPage<T> = { data: T[]; next_cursor: string | null };

export const chatPaths = (ws: string) => {
  const base = `/api/v1/workspaces/${encodeURIComponent(ws)}`;
  return {
    conversations: `${base}/conversations`,
    conversation: (id: string) => `${base}/conversations/${encodeURIComponent(id)}`,
    messages: (id: string, afterSeq = 0) =>
      `${base}/conversations/${encodeURIComponent(id)}/messages?after_seq=${afterSeq}&limit=100`,
    send: (id: string) => `${base}/conversations/${encodeURIComponent(id)}/messages`,
    generation: (id: string) => `${base}/generations/${encodeURIComponent(id)}`,
    stream: (id: string) => `${base}/generations/${encodeURIComponent(id)}/stream`,
    cancel: (id: string) => `${base}/generations/${encodeURIComponent(id)}/cancel`,
    contextBuild: (id: string) => `${base}/context-builds/${encodeURIComponent(id)}`,
    models: `${base}/models`,
  };
};

/** The offline model is labelled as such wherever a model is named (SPEC §5). */
export function isOfflineModel(modelId: string | null | undefined, models: readonly ModelOption[]): boolean {
  if (!modelId) return false;
  const known = models.find((model) => model.id === modelId);
  return known ? known.offline : modelId.includes("offline");
}

export function modelLabel(modelId: string | null | undefined, models: readonly ModelOption[]): string {
  if (!modelId) return "unknown model";
  const known = models.find((model) => model.id === modelId);
  if (known?.offline) return "Offline model";
  return known?.label ?? modelId;
}
