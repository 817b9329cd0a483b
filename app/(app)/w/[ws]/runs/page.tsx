import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { RunsList } from "@/components/runs/runs-list";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Runs · Holdfast" };

export default async function RunsPage({ params }: { params: Promise<{ ws: string }> }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/runs`);
  const page = consolePage("runs");
  return (
    <>
      <PageHeader
        title={page.title}
        description="Durable agent runs: every step, approval and side effect on record."
      />
      {canSeePage(workspace.roles, "runs") ? (
        <RunsList
          ws={ws}
          canStart={hasPermission(workspace.roles, "runs.write")}
          canLookUp={hasPermission(workspace.roles, "requests.read")}
          showGenerations={canSeePage(workspace.roles, "generations")}
        />
      ) : (
        <Card>
          <EmptyState title={page.refusal} />
        </Card>
      )}
    </>
  );
}
