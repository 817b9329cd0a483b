import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { WorldView } from "@/components/world/world-view";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";

export const metadata: Metadata = { title: "World · Holdfast" };

export default async function WorldPage({ params }: { params: Promise<{ ws: string }> }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/world`);
  return (
    <>
      <PageHeader
        title="World"
        description="What the agents' tools act on: the outbox, the records store and the simulated server."
      />
      {canSeePage(workspace.roles, "world") ? (
        <WorldView ws={ws} />
      ) : (
        <Card>
          <EmptyState title={consolePage("world").refusal} />
        </Card>
      )}
    </>
  );
}
