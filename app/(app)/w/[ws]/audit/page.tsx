import type { Metadata } from "next";
import { AuditLog } from "@/components/audit/audit-log";
import { PageHeader } from "@/components/page-header";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";

export const metadata: Metadata = { title: "Audit log · Holdfast" };

type Search = Promise<Record<string, string | string[] | undefined>>;

export default async function AuditPage({
  params,
  searchParams,
}: {
  params: Promise<{ ws: string }>;
  searchParams: Search;
}) {
  const { ws } = await params;
  const search = await searchParams;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/audit`);
  const text = (name: string) => (typeof search[name] === "string" ? (search[name] as string) : "");
  return (
    <>
      <PageHeader title="Audit log" description="Who changed what in this workspace, and with which request." />
      {canSeePage(workspace.roles, "audit") ? (
        <AuditLog
          ws={ws}
          initial={{ action: text("action"), actor: text("actor"), from: text("from"), to: text("to") }}
        />
      ) : (
        <Card>
          <EmptyState title={consolePage("audit").refusal} />
        </Card>
      )}
    </>
  );
}
