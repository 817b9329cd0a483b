// GET /api/v1/workspaces/{ws}/usage.csv?from=&to=&group_by= — the usage report's rows as CSV [billing_owner|admin]
import { withWorkspace } from "@/lib/http/route";
import { readUsageQuery, usageCsv, usageRows } from "@/lib/usage/report";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => {
    const query = readUsageQuery(request.nextUrl);
    const csv = usageCsv(await usageRows(db, workspace.id, query), query.groupBy);
    const name = `usage-${workspace.slug}-${query.from.toISOString().slice(0, 10)}-${query.groupBy}.csv`;
    return new Response(csv, {
      status: 200,
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="${name}"`,
        "cache-control": "no-store",
      },
    });
  },
  { permission: "usage.read" },
);
