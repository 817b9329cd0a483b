"use client";

import Link from "next/link";
import { formatRelative } from "@/lib/client/format";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { EmptyState } from "../ui/empty-state";
import { LoadingBlock } from "../ui/spinner";
import { useConversations } from "./conversations-context";
import { NewConversationButton } from "./new-conversation-button";

/** The conversations of the workspace, newest first: the sidebar on a laptop, the whole page on a phone. */
export function ConversationList({ selectedId }: { selectedId: string | null }) {
  const { ws, conversations, error, loading, hasMore, loadMore, reload } = useConversations();
  return (
    <div className="flex min-h-0 flex-1 flex-col">
      <div className="flex items-center justify-between gap-2 border-b border-slate-100 px-4 py-3">
        <h2 className="text-sm font-semibold text-slate-900">Conversations</h2>
      </div>
      <div className="border-b border-slate-100 p-3">
        <NewConversationButton />
      </div>
      <div className="relative min-h-0 flex-1 overflow-y-auto">
        {error ? (
          <ErrorAlert
            className="m-3"
            error={error}
            title="Could not load the conversations"
            actions={
              <Button size="sm" variant="secondary" onClick={() => void reload()}>
                Try again
              </Button>
            }
          />
        ) : null}
        {conversations === null && loading ? <LoadingBlock label="Loading conversations…" /> : null}
        {conversations && conversations.length === 0 ? (
          <EmptyState
            title="No conversations yet"
            description="Start one to ask the assistant anything. Every answer shows why it was given."
          />
        ) : null}
        {conversations && conversations.length > 0 ? (
          <nav aria-label="Conversations">
            <ul className="space-y-0.5 p-2">
              {conversations.map((conversation) => {
                const active = conversation.id === selectedId;
                return (
                  <li key={conversation.id}>
                    <Link
                      href={`/w/${ws}/chat/${conversation.id}`}
                      aria-current={active ? "page" : undefined}
                      data-conversation={conversation.id}
                      className={cn(
                        "block rounded-lg px-3 py-2 focus-visible:outline-2 focus-visible:outline-indigo-600",
                        active ? "bg-indigo-50 text-indigo-900" : "text-slate-700 hover:bg-slate-50",
                      )}
                    >
                      <span className="block truncate text-sm font-medium">{conversation.title}</span>
                      <span className="block text-xs text-slate-500">
                        <time dateTime={conversation.updated_at}>{formatRelative(conversation.updated_at)}</time>
                      </span>
                    </Link>
                  </li>
                );
              })}
            </ul>
            {hasMore ? (
              <div className="px-3 pb-3">
                <Button size="sm" variant="ghost" className="w-full" onClick={() => void loadMore()}>
                  Show older conversations
                </Button>
              </div>
            ) : null}
          </nav>
        ) : null}
      </div>
    </div>
  );
}
