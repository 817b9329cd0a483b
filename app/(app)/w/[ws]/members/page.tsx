import type { Metadata } from "next";
import { MembersPanel } from "@/components/members/members-panel";
import { PageHeader } from "@/components/page-header";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Members · Holdfast" };

type Params = Promise<{ ws: string }>;

export default async function MembersPage({ params }: { params: Params }) {
  const { ws } = await params;
  const { user, workspace } = await requireWorkspaceMember(ws, `/w/${ws}/members`);
  const canManage = hasPermission(workspace.roles, "members.write");
  return (
    <>
      <PageHeader
        title="Members"
        description={
          canManage ? `Who can use ${workspace.name}, and with which roles.` : `Who is in ${workspace.name}.`
        }
      />
      <MembersPanel
        ws={ws}
        currentUserId={user.userId}
        canManage={canManage}
        canInvite={hasPermission(workspace.roles, "invitations.write")}
        canManageSessions={hasPermission(workspace.roles, "sessions.manage")}
      />
    </>
  );
}
