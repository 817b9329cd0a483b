import "server-only";
import { cookies } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { decode } from "next-auth/jwt";
import { cache } from "react";
import { db } from "@/lib/db";
import { serverEnv } from "@/lib/env";
import { listWorkspacesOfUser, type WorkspaceSummary } from "@/lib/workspaces/workspaces";
import { resolveDeviceSession, type SessionUser } from "./device-sessions";
import { sessionCookieName } from "./next-auth";

/**
 * The signed-in person for server components, by the same rule as `lib/http/route.ts`: the cookie's JWT
 * names a device session, and only a live row counts (so a revoked session is refused on its next page load,
 * not when the JWT expires). Cached per request.
 */
export const getCurrentUser = cache(async (): Promise<SessionUser | null> => {
  const cookie = (await cookies()).get(sessionCookieName())?.value;
  if (!cookie) return null;
  const jwt = await decode({ token: cookie, secret: serverEnv().NEXTAUTH_SECRET }).catch(() => null);
  return typeof jwt?.sid === "string" ? resolveDeviceSession(db(), jwt.sid) : null;
});

/**
 * The signed-in person, or a redirect to sign-in that comes back to `returnTo`. A cookie whose session no longer
 * counts (revoked from another device, expired) is told apart from no cookie at all, so the page can say so.
 */
export async function requireUser(returnTo: string): Promise<SessionUser> {
  const user = await getCurrentUser();
  if (!user) {
    const ended = (await cookies()).has(sessionCookieName()) ? "&reason=session_ended" : "";
    redirect(`/signin?callbackUrl=${encodeURIComponent(returnTo)}${ended}`);
  }
  return user;
}

/** The caller's workspaces with their roles (the same list `GET /api/v1/me` returns). Cached per request. */
export const getMyWorkspaces = cache(
  async (userId: string): Promise<WorkspaceSummary[]> => listWorkspacesOfUser(db(), userId),
);

/**
 * A workspace page's gate: signed in, and a member of `slug` — otherwise 404, exactly like the API answers
 * for a workspace the caller cannot see. The roles only decide what the page shows; every write is checked
 * again by the route handler.
 */
export async function requireWorkspaceMember(
  slug: string,
  returnTo: string,
): Promise<{ user: SessionUser; workspace: WorkspaceSummary }> {
  const user = await requireUser(returnTo);
  const workspace = (await getMyWorkspaces(user.userId)).find((w) => w.slug === slug);
  if (!workspace) notFound();
  return { user, workspace };
}
