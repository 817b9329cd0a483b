"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { type ApiFailure, apiFetch, newIdempotencyKey } from "@/lib/client/api";
import { type Conversation, chatPaths } from "@/lib/client/chat/types";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";
import { useConversations } from "./conversations-context";

/**
 * Starts a conversation (`POST …/conversations` under a fresh Idempotency-Key, so a double click or a retried
 * request makes one) and opens it.
 */
export function NewConversationButton({
  className,
  variant = "primary",
}: {
  className?: string;
  variant?: "primary" | "secondary";
}) {
  const { ws, upsert } = useConversations();
  const router = useRouter();
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [key, setKey] = useState<string | null>(null);

  const create = async () => {
    setPending(true);
    setError(null);
    // A retry after a failure reuses the key: if the first request did create it, we get that one back.
    const idempotencyKey = key ?? newIdempotencyKey();
    setKey(idempotencyKey);
    const result = await apiFetch<{ conversation: Conversation }>(chatPaths(ws).conversations, {
      method: "POST",
      body: {},
      idempotencyKey,
    });
    setPending(false);
    if (!result.ok) {
      setError(result);
      return;
    }
    setKey(null);
    upsert(result.data.conversation);
    router.push(`/w/${ws}/chat/${result.data.conversation.id}`);
  };

  return (
    <div className={className}>
      <Button variant={variant} className="w-full" loading={pending} onClick={() => void create()}>
        <svg viewBox="0 0 20 20" className="size-4" fill="currentColor" aria-hidden="true">
          <path d="M10.75 4.75a.75.75 0 0 0-1.5 0v4.5h-4.5a.75.75 0 0 0 0 1.5h4.5v4.5a.75.75 0 0 0 1.5 0v-4.5h4.5a.75.75 0 0 0 0-1.5h-4.5v-4.5Z" />
        </svg>
        New conversation
      </Button>
      {error ? <ErrorAlert className="mt-2" error={error} title="Could not start a conversation" /> : null}
    </div>
  );
}
