import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignUpForm } from "@/components/auth/sign-up-form";
import { AuthFrame } from "@/components/auth-frame";
import { getCurrentUser } from "@/lib/auth/current-user";
import { safeCallbackUrl } from "@/lib/client/callback-url";

export const metadata: Metadata = { title: "Create an account · Holdfast" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

export default async function SignUpPage({ searchParams }: { searchParams: SearchParams }) {
  const callbackUrl = safeCallbackUrl((await searchParams).callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  return (
    <AuthFrame
      title="Create your account"
      subtitle={
        callbackUrl.startsWith("/invite/")
          ? "Use the email address your invitation was sent to."
          : "Start a workspace for your team in a minute."
      }
    >
      <SignUpForm callbackUrl={callbackUrl} />
    </AuthFrame>
  );
}
