import type { Metadata } from "next";
import Link from "next/link";
import { PageHeader } from "@/components/page-header";
import { RoleBadges } from "@/components/role-badges";
import { Card } from "@/components/ui/card";
import { requireWorkspaceMember } from "@/lib/auth/current-user";
import { hasPermission } from "@/lib/workspaces/permissions";

export const metadata: Metadata = { title: "Workspace · Holdfast" };

type Params = Promise<{ ws: string }>;

export default async function WorkspaceOverviewPage({ params }: { params: Params }) {
  const { ws } = await params;
  const { workspace } = await requireWorkspaceMember(ws, `/w/${ws}`);
  const admin = hasPermission(workspace.roles, "members.write");
  const tiles = [
    {
      href: `/w/${ws}/members`,
      title: "Members",
      body: admin
        ? "Invite people by link, change their roles, remove members and revoke pending invitations."
        : "See who is in this workspace and their roles.",
    },
    ...(hasPermission(workspace.roles, "tokens.write")
      ? [
          {
            href: `/w/${ws}/tokens`,
            title: "API tokens",
            body: "Create tokens for programs (Authorization: Bearer …), see when they were last used, revoke them.",
          },
        ]
      : []),
    {
      href: "/settings/sessions",
      title: "Sessions & security",
      body: "Your signed-in devices, log out everywhere, change your password.",
    },
  ];
  return (
    <>
      <PageHeader
        title={workspace.name}
        description={
          <span className="inline-flex flex-wrap items-center gap-2">
            <span>Your roles:</span> <RoleBadges roles={workspace.roles} />
          </span>
        }
      />
      <ul className="grid gap-4 sm:grid-cols-2 lg:grid-cols-3">
        {tiles.map((tile) => (
          <li key={tile.href}>
            <Card className="h-full transition-shadow focus-within:ring-2 focus-within:ring-indigo-600 hover:shadow-md">
              <Link href={tile.href} className="block h-full rounded-xl p-5 focus:outline-none">
                <h2 className="text-base font-semibold text-slate-900">
                  {tile.title} <span aria-hidden="true">→</span>
                </h2>
                <p className="mt-1 text-sm text-slate-500">{tile.body}</p>
              </Link>
            </Card>
          </li>
        ))}
      </ul>
    </>
  );
}
