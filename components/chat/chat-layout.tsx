"use client";

import { useSelectedLayoutSegment } from "next/navigation";
import type { ReactNode } from "react";
import { cn } from "../ui/cn";
import { ConversationList } from "./conversation-list";
import { ConversationsProvider } from "./conversations-context";

/**
 * The chat frame: the conversation list beside the open conversation from `md` up; on a phone one of the two,
 * the list at `/chat` and the conversation (with a way back) at `/chat/{id}`. Fills the height under the header
 * so the message log scrolls and the composer stays in reach.
 */
export function ChatLayout({ ws, children }: { ws: string; children: ReactNode }) {
  const selectedId = useSelectedLayoutSegment();
  return (
    <ConversationsProvider ws={ws}>
      <div className="relative flex h-[calc(100dvh-3.5rem-1px-3rem)] min-h-[28rem] overflow-hidden rounded-xl bg-white shadow-sm ring-1 ring-slate-200 sm:h-[calc(100dvh-3.5rem-1px-4rem)] md:h-[calc(100dvh-3.5rem-2.5rem-1px-4rem)]">
        <aside
          aria-label="Conversation list"
          className={cn(
            "min-h-0 w-full flex-col border-slate-200 md:flex md:w-72 md:shrink-0 md:border-r",
            selectedId ? "hidden" : "flex",
          )}
        >
          <ConversationList selectedId={selectedId} />
        </aside>
        <section
          aria-label="Conversation"
          className={cn("min-h-0 min-w-0 flex-1 flex-col md:flex", selectedId ? "flex" : "hidden")}
        >
          {children}
        </section>
      </div>
    </ConversationsProvider>
  );
}
