import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { SignInForm } from "@/components/auth/sign-in-form";
import { AuthFrame } from "@/components/auth-frame";
import { getCurrentUser } from "@/lib/auth/current-user";
import { safeCallbackUrl } from "@/lib/client/callback-url";

export const metadata: Metadata = { title: "Sign in · Holdfast" };

type SearchParams = Promise<Record<string, string | string[] | undefined>>;

const NOTICES: Record<string, string> = {
  everywhere: "You were signed out on every device.",
  session_ended: "Your session has ended — it was signed out from another device or expired. Please sign in again.",
};

export default async function SignInPage({ searchParams }: { searchParams: SearchParams }) {
  const params = await searchParams;
  const callbackUrl = safeCallbackUrl(params.callbackUrl);
  if (await getCurrentUser()) redirect(callbackUrl);
  // next-auth sends its own failures here as ?error=… (its `pages.error` is /signin).
  const notice = params.error
    ? "Sign-in did not complete. Please try again."
    : (NOTICES[String(params.signedOut ?? params.reason ?? "")] ?? null);
  return (
    <AuthFrame
      title="Sign in to Holdfast"
      subtitle={callbackUrl.startsWith("/invite/") ? "Sign in to see and accept your invitation." : "Welcome back."}
    >
      <SignInForm callbackUrl={callbackUrl} notice={notice} />
    </AuthFrame>
  );
}
