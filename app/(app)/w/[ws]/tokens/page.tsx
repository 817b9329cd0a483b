import type { Metadata } from "next";
import { headers } from "next/headers";
import { PageHeader } from "@/components/page-header";
import { TokensPanel } from "@/components/tokens/tokens-panel";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { canSeePage, consolePage } from "@/lib/workspaces/console-pages";

export const metadata: Metadata = { title: "API tokens · Holdfast" };

type Params = Promise<{ ws: string }>;

export default async function TokensPage({ params }: { params: Params }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}/tokens`);
  const requestHeaders = await headers();
  const host = requestHeaders.get("x-forwarded-host") ?? requestHeaders.get("host") ?? "localhost:3000";
  const protocol = requestHeaders.get("x-forwarded-proto")?.split(",")[0]?.trim() || "http";
  return (
    <>
      <PageHeader title="API tokens" description={`Programmatic access to ${workspace.name}.`} />
      {canSeePage(workspace.roles, "tokens") ? (
        <TokensPanel ws={ws} origin={`${protocol}://${host}`} />
      ) : (
        <Card>
          <EmptyState
            title={consolePage("tokens").refusal}
            description="Ask an admin of this workspace to create a token for you."
          />
        </Card>
      )}
    </>
  );
}
