// GET /api/v1/workspaces/{ws}/audit?action=&actor=&from=&to=&limit=&cursor= — the audit log, newest first [admin]
import { listAuditEntries, readAuditFilters } from "@/lib/audit/list-audit";
import { readPageParams } from "@/lib/http/pagination";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => ({
    status: 200,
    body: await listAuditEntries(db, {
      workspaceId: workspace.id,
      ...readPageParams(request.nextUrl),
      filters: readAuditFilters(request.nextUrl),
    }),
  }),
  { permission: "audit.read" },
);
