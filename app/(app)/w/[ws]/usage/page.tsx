import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { UsagePanel } from "@/components/usage/usage-panel";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Usage · Holdfast" };

export default async function UsagePage({ params }: { params: Promise<{ ws: string }> }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/usage`);
  return (
    <>
      <PageHeader title="Usage and billing" description={`Model usage and cost of ${workspace.name}.`} />
      {hasPermission(workspace.roles, "usage.read") ? (
        <UsagePanel ws={ws} />
      ) : (
        <Card>
          <EmptyState title="Only billing owners and admins see usage" description="Ask a billing owner." />
        </Card>
      )}
    </>
  );
}
