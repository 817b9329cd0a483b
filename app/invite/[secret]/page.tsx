import type { Metadata } from "next";
import { AuthFrame } from "@/components/auth-frame";
import { AcceptInvitation } from "@/components/invite/accept-invitation";
import { LinkButton } from "@/components/ui/button";
import { getCurrentUser } from "@/lib/auth/current-user";

export const metadata: Metadata = { title: "Invitation · Holdfast", referrer: "no-referrer" };

type Params = Promise<{ secret: string }>;

// The invitation preview needs a signed-in user (GET /api/v1/invitations/{secret} is a user route), so a
// signed-out visitor gets sign-in / sign-up links that come back here.
export default async function InvitePage({ params }: { params: Params }) {
  const { secret } = await params;
  const user = await getCurrentUser();
  const back = encodeURIComponent(`/invite/${secret}`);
  if (!user) {
    return (
      <AuthFrame
        title="You have been invited to Holdfast"
        subtitle="Sign in or create an account with the email address the invitation was sent to, then accept it."
      >
        <div className="flex flex-col gap-2">
          <LinkButton variant="primary" href={`/signin?callbackUrl=${back}`}>
            Sign in to accept
          </LinkButton>
          <LinkButton href={`/signup?callbackUrl=${back}`}>Create an account</LinkButton>
        </div>
      </AuthFrame>
    );
  }
  return (
    <AuthFrame title="Join a workspace" subtitle={`Signed in as ${user.email}.`}>
      <AcceptInvitation secret={secret} email={user.email} />
    </AuthFrame>
  );
}
