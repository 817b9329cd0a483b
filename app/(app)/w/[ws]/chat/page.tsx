import type { Metadata } from "next";
import { ChatHome } from "@/components/chat/chat-home";
import { requireWorkspaceMember } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Chat · Holdfast" };

type Params = Promise<{ ws: string }>;

export default async function ChatPage({ params }: { params: Params }) {
  const { ws } = await params;
  await requireWorkspaceMember(ws, `/w/${ws}/chat`);
  return <ChatHome />;
}
