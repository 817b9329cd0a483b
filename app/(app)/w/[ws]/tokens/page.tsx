import type { Metadata } from "next";
import { headers } from "next/headers";
import { PageHeader } from "@/components/page-header";
import { TokensPanel } from "@/components/tokens/tokens-panel";
import { Card } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { hasPermission } from "@/lib/workspaces/permissions";

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
      {hasPermission(workspace.roles, "tokens.write") ? (
        <TokensPanel ws={ws} origin={`${protocol}://${host}`} />
      ) : (
        <Card>
          <EmptyState
            title="Only admins manage API tokens"
            description="Ask an admin of this workspace to create a token for you."
          />
        </Card>
      )}
    </>
  );
}
