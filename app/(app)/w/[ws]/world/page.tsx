import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { WorldView } from "@/components/world/world-view";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { hasPermission } from "@/lib/workspaces/permissions";

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
      {hasPermission(workspace.roles, "runs.read") ? (
        <WorldView ws={ws} />
      ) : (
        <Card>
          <EmptyState title="The agents' world is for members and admins" />
        </Card>
      )}
    </>
  );
}
