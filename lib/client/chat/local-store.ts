// Browser-only state of the chat (SPEC §1: may be lost, affects no money, rights or results): drafts, and the
// sends not yet confirmed by the server, with the Idempotency-Key each one must be retried under.

export type StoredSend = {
  localId: string;
  idempotencyKey: string;
  content: string;
  model?: string;
  /** `pending`: no answer yet (or the page closed before one came); `failed`: the last attempt failed. */
  state: "pending" | "failed";
  /** Whether retrying under the same key can help (false when the server saved a definitive error). */
  retriable: boolean;
  error?: { status: number; type: string; code: string; message: string; requestId: string | null };
};

const draftKey = (ws: string, conversationId: string) => `holdfast:chat:draft:${ws}:${conversationId}`;
const outboxKey = (ws: string, conversationId: string) => `holdfast:chat:outbox:${ws}:${conversationId}`;

function read(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null; // storage disabled (private mode, policy)
  }
}

function write(key: string, value: string | null) {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // full or disabled: a draft is a convenience, never a requirement
  }
}

export const readDraft = (ws: string, conversationId: string) => read(draftKey(ws, conversationId)) ?? "";

export const writeDraft = (ws: string, conversationId: string, text: string) =>
  write(draftKey(ws, conversationId), text.trim() ? text : null);

export function readOutbox(ws: string, conversationId: string): StoredSend[] {
  const raw = read(outboxKey(ws, conversationId));
  if (!raw) return [];
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed)
      ? parsed.filter(
          (item): item is StoredSend =>
            typeof item === "object" &&
            item !== null &&
            typeof (item as StoredSend).localId === "string" &&
            typeof (item as StoredSend).idempotencyKey === "string" &&
            typeof (item as StoredSend).content === "string",
        )
      : [];
  } catch {
    return [];
  }
}

export const writeOutbox = (ws: string, conversationId: string, items: readonly StoredSend[]) =>
  write(outboxKey(ws, conversationId), items.length ? JSON.stringify(items) : null);
