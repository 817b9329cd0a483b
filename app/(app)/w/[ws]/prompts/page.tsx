import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { PromptsPanel } from "@/components/prompts/prompts-panel";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Prompts · Holdfast" };

export default async function PromptsPage({ params }: { params: Promise<{ ws: string }> }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/prompts`);
  return (
    <>
      <PageHeader title="Prompts" description="Immutable versions, labels and diffs. Admins create and promote." />
      {canSeePage(workspace.roles, "prompts") ? (
        <PromptsPanel ws={ws} canWrite={hasPermission(workspace.roles, "prompts.write")} />
      ) : (
        <Card>
          <EmptyState title={consolePage("prompts").refusal} description="Ask an admin of this workspace." />
        </Card>
      )}
    </>
  );
}
