"use client";

import { EmptyState } from "../ui/empty-state";
import { useConversations } from "./conversations-context";
import { NewConversationButton } from "./new-conversation-button";

/** The right-hand pane at `/chat` on a laptop, before a conversation is picked (on a phone the list shows instead). */
export function ChatHome() {
  const { conversations } = useConversations();
  return (
    <div className="flex flex-1 items-center justify-center p-6">
      <EmptyState
        title={conversations && conversations.length > 0 ? "Pick a conversation" : "Start your first conversation"}
        description="Answers stream in live, survive a reload or a lost connection, and each one shows the prompt, model and context behind it."
        action={<NewConversationButton className="w-56" />}
      />
    </div>
  );
}
