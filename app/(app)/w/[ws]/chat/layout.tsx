import { ChatLayout } from "@/components/chat/chat-layout";
import { requireWorkspaceMember } from "@/lib/auth/current-user";

type Params = Promise<{ ws: string }>;

// The chat frame (conversation list + the open conversation). Pages below check membership again: a layout is
// not re-rendered on every navigation.
export default async function ChatSectionLayout({ children, params }: { children: React.ReactNode; params: Params }) {
  const { ws } = await params;
  await requireWorkspaceMember(ws, `/w/${ws}/chat`);
  return <ChatLayout ws={ws}>{children}</ChatLayout>;
}
