// GET /api/v1/workspaces/{ws} — the workspace and the caller's roles in it
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ workspace, roles }) => ({ status: 200, body: { workspace: { ...workspace, roles } } }),
  { permission: "workspace.read" },
);
