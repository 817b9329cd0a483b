"use client";

import { type FormEvent, useEffect, useRef, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { type Conversation, chatPaths } from "@/lib/client/chat/types";
import { ConflictAlert } from "../conflict-alert";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";

/** A 412 on rename: someone changed the conversation after we read it. Theirs is shown; ours can be reapplied. */
type Conflict = { wanted: string; theirs: Conversation; etag: string | null };

/**
 * The conversation's title, edited in place with `If-Match` on the version this page holds: a concurrent
 * change (another tab, another person) is never overwritten silently — the 412 brings back the current title,
 * and the person chooses to reapply theirs (under the new ETag) or keep the other one.
 */
export function ConversationTitle({
  ws,
  conversation,
  etag,
  onChange,
}: {
  ws: string;
  conversation: Conversation;
  etag: string | null;
  onChange: (conversation: Conversation, etag: string | null) => void;
}) {
  const [editing, setEditing] = useState(false);
  const [draft, setDraft] = useState(conversation.title);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const inputRef = useRef<HTMLInputElement>(null);
  const renameRef = useRef<HTMLButtonElement>(null);
  const returnFocus = useRef(false);

  useEffect(() => {
    if (editing) {
      inputRef.current?.focus();
      inputRef.current?.select();
    } else if (returnFocus.current) {
      returnFocus.current = false;
      renameRef.current?.focus();
    }
  }, [editing]);

  const save = async (title: string, ifMatch: string | number) => {
    setSaving(true);
    setError(null);
    setNotice(null);
    const result = await apiFetch<{ conversation: Conversation }>(chatPaths(ws).conversation(conversation.id), {
      method: "PATCH",
      body: { title },
      ifMatch,
    });
    setSaving(false);
    if (result.ok) {
      onChange(result.data.conversation, result.etag);
      setConflict(null);
      returnFocus.current = true;
      setEditing(false);
      setNotice("Title saved.");
      return;
    }
    const theirs = (result.body as { conversation?: Conversation } | null)?.conversation;
    if (result.status === 412 && theirs) {
      onChange(theirs, result.etag);
      setConflict({ wanted: title, theirs, etag: result.etag });
      setEditing(false);
      return;
    }
    setError(result);
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const title = draft.trim();
    if (!title) return;
    if (title === conversation.title) {
      returnFocus.current = true;
      setEditing(false);
      return;
    }
    void save(title, etag ?? conversation.version);
  };

  const cancel = () => {
    returnFocus.current = true;
    setEditing(false);
    setError(null);
  };

  return (
    <div className="min-w-0 flex-1">
      {editing ? (
        <form onSubmit={submit} className="flex flex-wrap items-center gap-2" aria-label="Rename conversation">
          <input
            ref={inputRef}
            value={draft}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Escape") {
                event.preventDefault();
                event.stopPropagation();
                cancel();
              }
            }}
            maxLength={200}
            aria-label="Conversation title"
            className="min-w-0 flex-1 rounded-lg border-0 bg-white px-3 py-1.5 text-base font-semibold text-slate-900 shadow-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none"
          />
          <Button type="submit" size="sm" loading={saving} disabled={!draft.trim()}>
            Save
          </Button>
          <Button size="sm" variant="ghost" onClick={cancel}>
            Cancel
          </Button>
        </form>
      ) : (
        <div className="flex min-w-0 items-center gap-1">
          <h1 className="truncate text-base font-semibold text-slate-900 sm:text-lg" data-conversation-title>
            {conversation.title}
          </h1>
          <button
            ref={renameRef}
            type="button"
            aria-label="Rename conversation"
            title="Rename"
            onClick={() => {
              setDraft(conflict?.wanted ?? conversation.title);
              setNotice(null);
              setEditing(true);
            }}
            className="shrink-0 rounded-md p-1.5 text-slate-400 hover:bg-slate-100 hover:text-slate-700 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
              <path d="m5.433 13.917 1.262-3.155A4 4 0 0 1 7.58 9.42l6.92-6.918a2.121 2.121 0 0 1 3 3l-6.92 6.918c-.383.383-.84.685-1.343.886l-3.154 1.262a.5.5 0 0 1-.65-.65Z" />
              <path d="M3.5 5.75c0-.69.56-1.25 1.25-1.25H10A.75.75 0 0 0 10 3H4.75A2.75 2.75 0 0 0 2 5.75v9.5A2.75 2.75 0 0 0 4.75 18h9.5A2.75 2.75 0 0 0 17 15.25V10a.75.75 0 0 0-1.5 0v5.25c0 .69-.56 1.25-1.25 1.25h-9.5c-.69 0-1.25-.56-1.25-1.25v-9.5Z" />
            </svg>
          </button>
          {notice ? (
            <span role="status" className="ml-1 hidden text-xs text-emerald-700 sm:inline">
              {notice}
            </span>
          ) : null}
        </div>
      )}
      {error ? <ErrorAlert className="mt-2" error={error} title="Could not rename the conversation" /> : null}
      {conflict ? (
        <ConflictAlert
          className="mt-2"
          title="Changed elsewhere"
          reapplyLabel="Reapply my title"
          keepLabel="Keep theirs"
          busy={saving}
          onReapply={() => void save(conflict.wanted, conflict.etag ?? conflict.theirs.version)}
          onKeep={() => {
            setConflict(null);
            setNotice("Kept the other title.");
          }}
        >
          <span data-conflict-theirs={conflict.theirs.title}>
            The title was changed elsewhere to “{conflict.theirs.title}” while you edited it. Yours was “
            {conflict.wanted}”.
          </span>
        </ConflictAlert>
      ) : null}
    </div>
  );
}
