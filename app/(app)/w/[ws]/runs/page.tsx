import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { RunsList } from "@/components/runs/runs-list";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Runs · Holdfast" };

export default async function RunsPage({ params }: { params: Promise<{ ws: string }> }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/runs`);
  return (
    <>
      <PageHeader
        title="Agent runs"
        description="Durable agent runs: every step, approval and side effect on record."
      />
      {hasPermission(workspace.roles, "runs.read") ? (
        <RunsList ws={ws} canStart={hasPermission(workspace.roles, "runs.write")} />
      ) : (
        <Card>
          <EmptyState title="Agent runs are for members and admins" />
        </Card>
      )}
    </>
  );
}
