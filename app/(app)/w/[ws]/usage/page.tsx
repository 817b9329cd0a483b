import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { UsagePanel } from "@/components/usage/usage-panel";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";

export const metadata: Metadata = { title: "Usage · Holdfast" };

export default async function UsagePage({ params }: { params: Promise<{ ws: string }> }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/usage`);
  return (
    <>
      <PageHeader title="Usage and billing" description={`Model usage and cost of ${workspace.name}.`} />
      {canSeePage(workspace.roles, "usage") ? (
        <UsagePanel ws={ws} />
      ) : (
        <Card>
          <EmptyState title={consolePage("usage").refusal} description="Ask a billing owner." />
        </Card>
      )}
    </>
  );
}
