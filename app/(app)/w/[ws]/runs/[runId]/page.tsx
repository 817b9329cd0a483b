import type { Metadata } from "next";
import { RunDetail } from "@/components/runs/run-detail";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Run · Holdfast" };

export default async function RunPage({ params }: { params: Promise<{ ws: string; runId: string }> }) {
  const { ws, runId } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/runs/${runId}`);
  if (!canSeePage(workspace.roles, "runs")) {
    return (
      <Card>
        <EmptyState title={consolePage("runs").refusal} />
      </Card>
    );
  }
  return (
    <RunDetail
      ws={ws}
      runId={runId}
      canWrite={hasPermission(workspace.roles, "runs.write")}
      canDecide={hasPermission(workspace.roles, "approvals.decide")}
      canAdmin={hasPermission(workspace.roles, "runs.admin")}
    />
  );
}
