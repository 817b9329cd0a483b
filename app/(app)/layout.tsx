import { AppShell } from "@/components/app-shell";
import { getCurrentUser, getMyWorkspaces } from "@/lib/auth/current-user";

// The signed-in frame. Every page below calls requireUser()/requireWorkspaceMember() itself — pages are
// re-rendered on every navigation while this layout is not, so the page is where a revoked session is caught
// (and where the return path for sign-in is known).
export default async function AppLayout({ children }: { children: React.ReactNode }) {
  const user = await getCurrentUser();
  if (!user) return children;
  const workspaces = await getMyWorkspaces(user.userId);
  return (
    <AppShell user={{ name: user.name, email: user.email }} workspaces={workspaces}>
      {children}
    </AppShell>
  );
}
