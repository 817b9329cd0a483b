import type { Metadata } from "next";
import { PageHeader } from "@/components/page-header";
import { SessionsPanel } from "@/components/sessions/sessions-panel";
import { requireUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Sessions & security · Holdfast" };

export default async function SessionsPage() {
  const user = await requireUser("/settings/sessions");
  return (
    <>
      <PageHeader title="Sessions & security" description={`Signed in as ${user.email}.`} />
      <SessionsPanel />
    </>
  );
}
