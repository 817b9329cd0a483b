import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { RequestLookupPanel } from "@/components/requests/request-lookup";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";

export const metadata: Metadata = { title: "Request lookup · Holdfast" };

export default async function RequestsPage({
  params,
  searchParams,
}: {
  params: Promise<{ ws: string }>;
  searchParams: Promise<{ id?: string }>;
}) {
  const { ws } = await params;
  const { id } = await searchParams;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/requests`);
  return (
    <>
      <PageHeader title="Request lookup" description="Paste the request id shown with an error." />
      {canSeePage(workspace.roles, "requests") ? (
        <RequestLookupPanel ws={ws} initialId={typeof id === "string" ? id : ""} />
      ) : (
        <Card>
          <EmptyState title={consolePage("requests").refusal} />
        </Card>
      )}
    </>
  );
}
