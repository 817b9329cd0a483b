import { redirect } from "next/navigation";
import { getCurrentUser, getMyWorkspaces } from "@/lib/auth/current-user";

// "/" — signed in: the first workspace (or creating one); signed out: sign-in.
export default async function Home() {
  const user = await getCurrentUser();
  if (!user) redirect("/signin");
  const [first] = await getMyWorkspaces(user.userId);
  redirect(first ? `/w/${first.slug}` : "/workspaces/new");
}
