import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { Card, CardBody } from "@/components/ui/card";
import { CreateWorkspaceForm } from "@/components/workspaces/create-workspace-form";
import { getMyWorkspaces, requireUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Create a workspace · Holdfast" };

export default async function NewWorkspacePage() {
  const user = await requireUser("/workspaces/new");
  const first = (await getMyWorkspaces(user.userId)).length === 0;
  return (
    <div className="mx-auto max-w-xl">
      <PageHeader
        title={first ? `Welcome, ${user.name}` : "Create a workspace"}
        description={
          first
            ? "Create your team's first workspace. You will be its admin and billing owner; invite others next."
            : "A workspace has its own members, roles, conversations, agent runs and billing."
        }
      />
      <Card>
        <CardBody className="py-6">
          <CreateWorkspaceForm />
        </CardBody>
      </Card>
      {first ? (
        <p className="mt-4 text-center text-sm text-slate-500">
          Invited to an existing workspace? Open the invitation link you were sent.
        </p>
      ) : null}
    </div>
  );
}
