// GET /api/v1/workspaces/{ws}/usage?from=&to=&group_by= — usage report, quota and forecast [billing_owner|admin]
import { withWorkspace } from "@/lib/http/route";
import { readUsageQuery, usageReport } from "@/lib/usage/report";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => ({
    status: 200,
    body: await usageReport(db, workspace.id, readUsageQuery(request.nextUrl)),
  }),
  { permission: "usage.read" },
);
