import { ChatLayout } from "@/components/chat/chat-layout";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";

type Params = Promise<{ ws: string }>;

// The chat frame (conversation list + the open conversation). Pages below check membership again: a layout is
// not re-rendered on every navigation.
export default async function ChatSectionLayout({ children, params }: { children: React.ReactNode; params: Params }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/chat`);
  if (!canSeePage(workspace.roles, "chat")) {
    return (
      <>
        <PageHeader title={consolePage("chat").label} />
        <Card>
          <EmptyState title={consolePage("chat").refusal} />
        </Card>
      </>
    );
  }
  return <ChatLayout ws={ws}>{children}</ChatLayout>;
}
