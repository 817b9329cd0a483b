"use client";

import { createContext, type ReactNode, useCallback, useContext, useEffect, useMemo, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { type Conversation, type CursorPage, chatPaths, type ModelOption } from "@/lib/client/chat/types";

type ConversationsContextValue = {
  ws: string;
  /** Newest first, as the API lists them; null until the first load. */
  conversations: Conversation[] | null;
  error: ApiFailure | null;
  loading: boolean;
  hasMore: boolean;
  loadMore: () => Promise<void>;
  reload: () => Promise<void>;
  /** Put the server's latest copy of a conversation into the list (after a create, rename or load). */
  upsert: (conversation: Conversation) => void;
  /** The models this server can use now (`GET …/models`), for labels and the picker. */
  models: ModelOption[];
};

const ConversationsContext = createContext<ConversationsContextValue | null>(null);

export function useConversations(): ConversationsContextValue {
  const value = useContext(ConversationsContext);
  if (!value) throw new Error("useConversations needs a <ConversationsProvider>");
  return value;
}

/** The chat section's shared state: the conversation list (sidebar) and the model catalogue. */
export function ConversationsProvider({ ws, children }: { ws: string; children: ReactNode }) {
  const paths = chatPaths(ws);
  const [conversations, setConversations] = useState<Conversation[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(true);
  const [models, setModels] = useState<ModelOption[]>([]);

  const reload = useCallback(async () => {
    setLoading(true);
    const result = await apiFetch<CursorPage<Conversation>>(`${paths.conversations}?limit=50`);
    setLoading(false);
    if (!result.ok) {
      setError(result);
      return;
    }
    setError(null);
    setCursor(result.data.next_cursor);
    setConversations((current) => {
      // Keep ones created here since (not on the first page yet) and the newest copy of each.
      const fresh = new Map(result.data.data.map((c) => [c.id, c]));
      const extra = (current ?? []).filter(
        (c) => !fresh.has(c.id) && c.created_at > (result.data.data.at(-1)?.created_at ?? ""),
      );
      return sortNewestFirst([...extra, ...fresh.values()]);
    });
  }, [paths.conversations]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useEffect(() => {
    let cancelled = false;
    void apiFetch<CursorPage<ModelOption>>(paths.models).then((result) => {
      if (!cancelled && result.ok) setModels(result.data.data);
    });
    return () => {
      cancelled = true;
    };
  }, [paths.models]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    const result = await apiFetch<CursorPage<Conversation>>(
      `${paths.conversations}?limit=50&cursor=${encodeURIComponent(cursor)}`,
    );
    if (!result.ok) {
      setError(result);
      return;
    }
    setCursor(result.data.next_cursor);
    setConversations((current) => {
      const byId = new Map((current ?? []).map((c) => [c.id, c]));
      for (const c of result.data.data) if (!byId.has(c.id)) byId.set(c.id, c);
      return sortNewestFirst([...byId.values()]);
    });
  }, [cursor, paths.conversations]);

  const upsert = useCallback((conversation: Conversation) => {
    setConversations((current) => {
      const list = current ?? [];
      const existing = list.find((c) => c.id === conversation.id);
      // Never go back to an older version than the one already shown.
      if (existing && existing.version > conversation.version) return list;
      return sortNewestFirst([conversation, ...list.filter((c) => c.id !== conversation.id)]);
    });
  }, []);

  const value = useMemo(
    () => ({
      ws,
      conversations,
      error,
      loading,
      hasMore: cursor !== null,
      loadMore,
      reload,
      upsert,
      models,
    }),
    [ws, conversations, error, loading, cursor, loadMore, reload, upsert, models],
  );
  return <ConversationsContext.Provider value={value}>{children}</ConversationsContext.Provider>;
}

const sortNewestFirst = (list: Conversation[]) =>
  [...list].sort((a, b) =>
    a.created_at === b.created_at ? b.id.localeCompare(a.id) : b.created_at.localeCompare(a.created_at),
  );
