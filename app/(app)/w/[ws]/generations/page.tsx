import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { GenerationsList } from "@/components/runs/generations-list";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Generations · Holdfast" };

export default async function GenerationsPage({ params }: { params: Promise<{ ws: string }> }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/generations`);
  const page = consolePage("generations");
  return (
    <>
      <PageHeader title={page.title} description="Every chat answer: its status, model, prompt and who asked." />
      {canSeePage(workspace.roles, "generations") ? (
        <GenerationsList ws={ws} canReset={hasPermission(workspace.roles, "runs.admin")} />
      ) : (
        <Card>
          <EmptyState title={page.refusal} />
        </Card>
      )}
    </>
  );
}
