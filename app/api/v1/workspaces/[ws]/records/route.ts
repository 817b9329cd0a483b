// GET /api/v1/workspaces/{ws}/records?kind= — the in-app records store the built-in tools read and update
import { withWorkspace } from "@/lib/http/route";
import { listRecords } from "@/lib/world/records";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => {
    const kind = request.nextUrl.searchParams.get("kind")?.slice(0, 50) || undefined;
    return {
      status: 200,
      body: { data: await listRecords(db, { workspaceId: workspace.id, kind }), next_cursor: null },
    };
  },
  { permission: "runs.read" },
);
