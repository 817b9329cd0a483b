import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { RetentionSettings } from "@/components/settings/retention-settings";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";

export const metadata: Metadata = { title: "Settings · Holdfast" };

type Params = Promise<{ ws: string }>;

export default async function SettingsPage({ params }: { params: Params }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/settings`);
  return (
    <>
      <PageHeader title={consolePage("settings").title} description={`How ${workspace.name} keeps its data.`} />
      {canSeePage(workspace.roles, "settings") ? (
        <RetentionSettings ws={ws} />
      ) : (
        <Card>
          <EmptyState title={consolePage("settings").refusal} />
        </Card>
      )}
    </>
  );
}
