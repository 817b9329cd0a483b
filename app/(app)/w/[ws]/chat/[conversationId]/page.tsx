import type { Metadata } from "next";
import { ChatView } from "@/components/chat/chat-view";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Chat · Holdfast" };

type Params = Promise<{ ws: string; conversationId: string }>;

export default async function ConversationPage({ params }: { params: Params }) {
  const { ws, conversationId } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/chat/${conversationId}`);
  // Keyed: another conversation starts from a clean state (its own streams, drafts and pending sends).
  return (
    <ChatView
      key={conversationId}
      ws={ws}
      conversationId={conversationId}
      canReset={hasPermission(workspace.roles, "runs.admin")}
    />
  );
}
