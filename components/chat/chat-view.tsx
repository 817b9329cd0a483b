"use client";

import Link from "next/link";
import { useCallback, useEffect, useLayoutEffect, useMemo, useReducer, useRef, useState } from "react";
import { type ApiFailure, apiFetch, newIdempotencyKey } from "@/lib/client/api";
import {
  chatReducer,
  initialChatState,
  isActive,
  isRetriableSendFailure,
  type PendingSend,
  toTurns,
} from "@/lib/client/chat/chat-state";
import { followGeneration, type GenerationFollower } from "@/lib/client/chat/generation-stream";
import { readDraft, readOutbox, writeDraft, writeOutbox } from "@/lib/client/chat/local-store";
import {
  type Conversation,
  type CursorPage,
  chatPaths,
  type Generation,
  isTerminalStatus,
  type Message,
  type SendResult,
} from "@/lib/client/chat/types";
import { ErrorAlert } from "../error-alert";
import { NotFoundCard } from "../not-found-card";
import { ResetConversation } from "../runs/generations-list";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { LoadingBlock } from "../ui/spinner";
import { Composer } from "./composer";
import { ConversationTitle } from "./conversation-title";
import { useConversations } from "./conversations-context";
import { AnswerBubble, PendingBubble, UserBubble } from "./message-turn";

const DEFAULT_TITLE = "New conversation";
/** How many unanswered turns a load looks up to resume (older ones are long finished). */
const RESUME_LOOKBACK = 10;

/** The highest seq up to which the log we hold has no hole (seqs are contiguous per conversation). */
function contiguousSeq(messages: readonly Message[]): number {
  let seq = 0;
  for (const message of messages) {
    if (message.seq === seq + 1) seq = message.seq;
    else if (message.seq > seq + 1) break;
  }
  return seq;
}

/** A title from a first message: its first words, cut at a word boundary. */
function titleFrom(content: string): string {
  const text = content.replace(/\s+/g, " ").trim();
  if (text.length <= 60) return text;
  const cut = text.slice(0, 60);
  const space = cut.lastIndexOf(" ");
  return `${(space > 30 ? cut.slice(0, space) : cut).replace(/[\s,.;:!?-]+$/, "")}…`;
}

/**
 * One conversation: its log, live answers, optimistic sends, the title and the composer.
 *
 * Where state lives: the log, generations and their chunks are the server's (read, then followed); the pending
 * sends (with their Idempotency-Keys) and the draft are the browser's (localStorage), so a reload loses neither.
 * On load, every recent question without an answer is looked up (`GET …/generations/{id}`), and one still on its
 * way is followed from seq 0, which renders all text so far and continues live.
 */
export function ChatView({
  ws,
  conversationId,
  canReset = false,
}: {
  ws: string;
  conversationId: string;
  /** Admins may reset the conversation (its context snapshot and pending work); the server checks again. */
  canReset?: boolean;
}) {
  const paths = useMemo(() => chatPaths(ws), [ws]);
  const { upsert, models } = useConversations();
  const [conversation, setConversation] = useState<Conversation | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [loadError, setLoadError] = useState<ApiFailure | null>(null);
  const [loaded, setLoaded] = useState(false);
  const [state, dispatch] = useReducer(chatReducer, initialChatState);
  const stateRef = useRef(state);
  stateRef.current = state;
  const [draft, setDraft] = useState("");
  const [model, setModel] = useState("");
  const [stopping, setStopping] = useState<string | null>(null);
  const [resetting, setResetting] = useState(false);
  const [stopError, setStopError] = useState<ApiFailure | null>(null);
  const [announcement, setAnnouncement] = useState("");
  const textareaRef = useRef<HTMLTextAreaElement>(null);
  const logRef = useRef<HTMLDivElement>(null);
  const stickToBottom = useRef(true);
  const followers = useRef(new Map<string, GenerationFollower>());
  const conversationRef = useRef<{ conversation: Conversation | null; etag: string | null }>({
    conversation: null,
    etag: null,
  });

  const applyConversation = useCallback(
    (next: Conversation, nextEtag: string | null) => {
      const current = conversationRef.current.conversation;
      if (current && current.version > next.version) return;
      conversationRef.current = { conversation: next, etag: nextEtag ?? `"${next.version}"` };
      setConversation(next);
      setEtag(nextEtag ?? `"${next.version}"`);
      upsert(next);
    },
    [upsert],
  );

  /** Unanswered questions (ours from another tab, or from before a reload): find their generations, track them. */
  const adopt = useCallback(
    async (messages: readonly Message[]) => {
      const answered = new Set(messages.flatMap((m) => (m.role === "assistant" ? [m.generation_id] : [])));
      const current = stateRef.current;
      const open = messages
        .filter(
          (m): m is Message & { generation_id: string } =>
            m.role === "user" &&
            !!m.generation_id &&
            !answered.has(m.generation_id) &&
            !current.live[m.generation_id] &&
            !current.messages.some((a) => a.role === "assistant" && a.generation_id === m.generation_id),
        )
        .slice(-RESUME_LOOKBACK);
      let answeredMeanwhile = false;
      await Promise.all(
        open.map(async (m) => {
          const result = await apiFetch<{ generation: Generation }>(paths.generation(m.generation_id));
          if (!result.ok) return;
          const generation = result.data.generation;
          // Finished with a message between our two reads: the log has it, fetch it rather than track it.
          if (generation.message_id && isTerminalStatus(generation.status)) answeredMeanwhile = true;
          else dispatch({ type: "live/track", generation });
        }),
      );
      return answeredMeanwhile;
    },
    [paths],
  );

  /** New messages after the contiguous part of the log we hold (concurrent calls are harmless: merged by id). */
  const refreshMessages = useCallback(async (): Promise<void> => {
    let after = contiguousSeq(stateRef.current.messages);
    const fresh: Message[] = [];
    for (;;) {
      const result = await apiFetch<CursorPage<Message>>(paths.messages(conversationId, after));
      if (!result.ok) return;
      fresh.push(...result.data.data);
      if (!result.data.next_cursor) break;
      after = Number(result.data.next_cursor);
    }
    dispatch({ type: "messages", messages: fresh });
    stateRef.current = chatReducer(stateRef.current, { type: "messages", messages: fresh });
    if (await adopt(fresh)) await refreshMessages();
  }, [paths, conversationId, adopt]);

  const send = useCallback(
    async (item: PendingSend) => {
      dispatch({ type: "pending/update", localId: item.localId, patch: { state: "pending", error: undefined } });
      const wasEmpty = stateRef.current.messages.length === 0;
      const result = await apiFetch<SendResult>(paths.send(conversationId), {
        method: "POST",
        body: item.model ? { content: item.content, model: item.model } : { content: item.content },
        idempotencyKey: item.idempotencyKey,
      });
      if (!result.ok) {
        dispatch({
          type: "pending/update",
          localId: item.localId,
          patch: {
            state: "failed",
            retriable: isRetriableSendFailure(result),
            error: {
              status: result.status,
              type: result.type,
              code: result.code,
              message: result.message,
              requestId: result.requestId,
            },
          },
        });
        setAnnouncement(`Not sent: ${result.message}`);
        return;
      }
      dispatch({ type: "pending/confirmed", localId: item.localId, result: result.data });
      // The first message names a conversation still called "New conversation" — under If-Match, so a title
      // someone set meanwhile is never overwritten (a 412 here just means there is nothing to do).
      const current = conversationRef.current;
      if (wasEmpty && current.conversation?.title === DEFAULT_TITLE) {
        const title = titleFrom(item.content);
        const renamed = await apiFetch<{ conversation: Conversation }>(paths.conversation(conversationId), {
          method: "PATCH",
          body: { title },
          ifMatch: current.etag ?? current.conversation.version,
        });
        if (renamed.ok) applyConversation(renamed.data.conversation, renamed.etag);
        else if (renamed.status === 412) {
          const theirs = (renamed.body as { conversation?: Conversation } | null)?.conversation;
          if (theirs) applyConversation(theirs, renamed.etag);
        }
      }
    },
    [paths, conversationId, applyConversation],
  );

  // ── Load: the conversation, its whole log, unanswered turns, and the sends this browser had not confirmed ──
  useEffect(() => {
    let cancelled = false;
    void (async () => {
      const result = await apiFetch<{ conversation: Conversation }>(paths.conversation(conversationId));
      if (cancelled) return;
      if (!result.ok) {
        setLoadError(result);
        return;
      }
      applyConversation(result.data.conversation, result.etag);
      await refreshMessages();
      if (cancelled) return;
      setDraft((typed) => typed || readDraft(ws, conversationId));
      const outbox = readOutbox(ws, conversationId);
      for (const item of outbox) dispatch({ type: "pending/add", item });
      setLoaded(true);
      // Unconfirmed sends go out again under their own keys: one that did arrive is simply replayed.
      for (const item of outbox) if (item.state === "pending" || item.retriable) void send(item);
    })();
    return () => {
      cancelled = true;
    };
  }, [ws, conversationId, paths, applyConversation, refreshMessages, send]);

  // The unconfirmed sends are kept in localStorage with their keys (they survive a reload).
  useEffect(() => {
    if (loaded) writeOutbox(ws, conversationId, state.pending);
  }, [loaded, ws, conversationId, state.pending]);

  // ── Follow every answer still on its way ─────────────────────────────────────────────────────────────
  useEffect(() => {
    for (const answer of Object.values(state.live)) {
      const id = answer.generationId;
      if (followers.current.has(id) || !isActive(answer) || answer.connection === "ended") continue;
      followers.current.set(
        id,
        followGeneration({
          url: paths.stream(id),
          afterSeq: answer.lastSeq,
          onEvent: (event) => {
            dispatch({ type: "live/event", generationId: id, event });
            if (event.kind === "end") {
              setAnnouncement(
                event.data.status === "succeeded"
                  ? "Answer complete."
                  : event.data.status === "canceled"
                    ? "Answer stopped."
                    : "The answer failed.",
              );
              void refreshMessages();
            }
          },
          onConnection: (connection) => {
            dispatch({ type: "live/connection", generationId: id, connection });
            if (connection === "reconnecting") setAnnouncement("Connection lost. Reconnecting…");
            if (connection === "live") setAnnouncement("");
          },
          onFailure: (failure) => dispatch({ type: "live/lost", generationId: id, failure }),
        }),
      );
    }
  }, [state.live, paths, refreshMessages]);

  useEffect(() => {
    const map = followers.current;
    return () => {
      for (const follower of map.values()) follower.close();
      map.clear();
    };
  }, []);

  // Coming back to the tab (or online) picks up what other tabs and devices did meanwhile.
  useEffect(() => {
    if (!loaded) return;
    const onVisible = () => {
      if (document.visibilityState === "visible") void refreshMessages();
    };
    document.addEventListener("visibilitychange", onVisible);
    window.addEventListener("online", onVisible);
    return () => {
      document.removeEventListener("visibilitychange", onVisible);
      window.removeEventListener("online", onVisible);
    };
  }, [loaded, refreshMessages]);

  const turns = useMemo(() => toTurns(state), [state]);
  const active = useMemo(
    () =>
      turns.flatMap((t) =>
        t.kind === "message" && t.answer?.kind === "live" && isActive(t.answer.answer) ? [t.answer.answer] : [],
      ),
    [turns],
  );
  const current = active[0] ?? null;

  // ── Stop: the answer being generated now (Esc anywhere on the page, or the Stop button) ────────────────
  const stop = useCallback(
    async (generationId: string) => {
      setStopping(generationId);
      setStopError(null);
      dispatch({ type: "live/canceling", generationId });
      const result = await apiFetch<{ generation: Generation }>(paths.cancel(generationId), { method: "POST" });
      setStopping(null);
      if (!result.ok) setStopError(result);
      // The stream brings the `end` event (with the partial text kept); nothing else to do here.
      textareaRef.current?.focus();
    },
    [paths],
  );

  useEffect(() => {
    if (!current) return;
    const onKeyDown = (event: globalThis.KeyboardEvent) => {
      if (event.key !== "Escape" || event.defaultPrevented) return;
      event.preventDefault();
      void stop(current.generationId);
    };
    window.addEventListener("keydown", onKeyDown);
    return () => window.removeEventListener("keydown", onKeyDown);
  }, [current, stop]);

  // ── Composer ──────────────────────────────────────────────────────────────────────────────────────────
  const changeDraft = (value: string) => {
    setDraft(value);
    writeDraft(ws, conversationId, value);
  };

  const submit = () => {
    const content = draft.trim();
    if (!content) return;
    const item: PendingSend = {
      localId: newIdempotencyKey(),
      idempotencyKey: newIdempotencyKey(),
      content,
      ...(model ? { model } : {}),
      state: "pending",
      retriable: true,
    };
    dispatch({ type: "pending/add", item });
    changeDraft("");
    stickToBottom.current = true;
    void send(item);
  };

  const sendAgain = (item: PendingSend) => {
    // A saved error (quota, busy) replays under the same key: a new attempt needs a new key.
    dispatch({ type: "pending/remove", localId: item.localId });
    const fresh: PendingSend = { ...item, localId: newIdempotencyKey(), idempotencyKey: newIdempotencyKey() };
    dispatch({ type: "pending/add", item: fresh });
    void send(fresh);
  };

  const edit = (item: PendingSend) => {
    dispatch({ type: "pending/remove", localId: item.localId });
    changeDraft(item.content);
    textareaRef.current?.focus();
  };

  // Focus the composer once the conversation is there (not on touch screens: it would pop the keyboard up).
  useEffect(() => {
    if (loaded && window.matchMedia("(pointer: fine)").matches) textareaRef.current?.focus();
  }, [loaded]);

  // ── Keep the newest text in view, unless the person scrolled up to read ────────────────────────────────
  useLayoutEffect(() => {
    const log = logRef.current;
    if (log && stickToBottom.current) log.scrollTop = log.scrollHeight;
  });

  if (loadError) {
    if (loadError.status === 404) {
      return (
        <div className="flex flex-1 items-center justify-center p-4">
          <NotFoundCard />
        </div>
      );
    }
    return (
      <div className="p-4">
        <ErrorAlert
          error={loadError}
          title="Could not open the conversation"
          actions={
            <Button size="sm" variant="secondary" onClick={() => window.location.reload()}>
              Try again
            </Button>
          }
        />
      </div>
    );
  }

  const defaultModelId = conversation?.settings.model ?? models.find((m) => m.default)?.id ?? null;
  return (
    <div className="flex min-h-0 flex-1 flex-col" data-conversation-id={conversationId} data-loaded={loaded}>
      <header className="flex items-start gap-2 border-b border-slate-200 px-3 py-2.5 sm:px-4">
        <Link
          href={`/w/${ws}/chat`}
          className="-ml-1 shrink-0 rounded-md p-1.5 text-slate-500 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600 md:hidden"
          aria-label="Back to conversations"
        >
          <svg viewBox="0 0 20 20" className="size-5" fill="currentColor" aria-hidden="true">
            <path d="M12.8 5.2a.75.75 0 0 1 0 1.06L9.06 10l3.74 3.74a.75.75 0 1 1-1.06 1.06l-4.27-4.27a.75.75 0 0 1 0-1.06l4.27-4.27a.75.75 0 0 1 1.06 0Z" />
          </svg>
        </Link>
        {conversation ? (
          <ConversationTitle ws={ws} conversation={conversation} etag={etag} onChange={applyConversation} />
        ) : (
          <div className="h-7 w-48 animate-pulse rounded bg-slate-100" aria-hidden="true" />
        )}
        {canReset && conversation ? (
          <Button size="sm" variant="ghost" className="ml-auto shrink-0" onClick={() => setResetting(true)}>
            Reset
          </Button>
        ) : null}
      </header>
      {canReset ? (
        <div className="empty:hidden space-y-2 px-3 pt-2 sm:px-4">
          <ResetConversation
            ws={ws}
            conversation={resetting && conversation ? { id: conversationId, title: conversation.title } : null}
            onClose={() => setResetting(false)}
          />
        </div>
      ) : null}

      <div
        ref={logRef}
        onScroll={(event) => {
          const el = event.currentTarget;
          stickToBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
        }}
        className="relative min-h-0 flex-1 overflow-y-auto px-3 py-4 sm:px-6"
      >
        {!loaded ? <LoadingBlock label="Loading the conversation…" /> : null}
        {loaded && turns.length === 0 ? (
          <EmptyState
            title="No messages yet"
            description="Ask a question below. The answer streams in, and you can see exactly why it was given."
          />
        ) : null}
        {loaded && turns.length > 0 ? (
          <ol aria-label="Messages" className="mx-auto max-w-3xl space-y-4">
            {turns.map((turn) =>
              turn.kind === "pending" ? (
                <li key={turn.item.localId}>
                  <PendingBubble
                    item={turn.item}
                    onRetry={() => void send(turn.item)}
                    onSendAgain={() => sendAgain(turn.item)}
                    onEdit={() => edit(turn.item)}
                    onDiscard={() => dispatch({ type: "pending/remove", localId: turn.item.localId })}
                  />
                </li>
              ) : (
                <li key={turn.message.id} className="space-y-3">
                  {turn.message.role === "user" ? (
                    <UserBubble message={turn.message} />
                  ) : (
                    <AnswerBubble
                      ws={ws}
                      view={{ kind: "message", message: turn.message }}
                      models={models}
                      degraded={
                        !!turn.message.degraded ||
                        !!(turn.message.generation_id && state.degraded[turn.message.generation_id])
                      }
                      onStop={(id) => void stop(id)}
                    />
                  )}
                  {turn.answer ? (
                    <AnswerBubble
                      ws={ws}
                      view={turn.answer}
                      models={models}
                      degraded={!!(turn.message.generation_id && state.degraded[turn.message.generation_id])}
                      streamCheck={
                        turn.message.generation_id ? state.streamCheck[turn.message.generation_id] : undefined
                      }
                      onStop={(id) => void stop(id)}
                    />
                  ) : null}
                </li>
              ),
            )}
          </ol>
        ) : null}
      </div>

      {stopError ? (
        <div className="px-3 sm:px-4">
          <ErrorAlert error={stopError} title="Could not stop the answer" className="mb-2" />
        </div>
      ) : null}
      <p className="sr-only" role="status" aria-live="polite">
        {announcement}
      </p>
      <Composer
        value={draft}
        onChange={changeDraft}
        onSend={submit}
        onStop={() => current && void stop(current.generationId)}
        generating={!!current}
        stopping={!!current && stopping === current.generationId}
        models={models}
        model={model}
        onModelChange={setModel}
        defaultModelId={defaultModelId}
        textareaRef={textareaRef}
      />
    </div>
  );
}
