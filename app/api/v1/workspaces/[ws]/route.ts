// GET/PATCH /api/v1/workspaces/{ws} — the workspace, the caller's roles in it and its settings; PATCH [admin]
// changes the retention setting (If-Match)
import { etagOf, requireIfMatch } from "@/lib/http/etag";
import { withWorkspace } from "@/lib/http/route";
import { updateWorkspaceSchema } from "@/lib/retention/schemas";
import { getWorkspaceView, updateRetention } from "@/lib/retention/settings";

export const GET = withWorkspace(
  async ({ db, workspace, roles }) => {
    const view = await getWorkspaceView(db, { workspace, roles });
    return { status: 200, body: { workspace: view }, headers: { ETag: etagOf(view.version) } };
  },
  { permission: "workspace.read" },
);

export const PATCH = withWorkspace(
  async ({ transaction, workspace, roles, body, actor, requestId, request }) => {
    const expectedVersion = requireIfMatch(request);
    const view = await transaction((tx) =>
      updateRetention(tx, {
        workspace,
        roles,
        expectedVersion,
        retentionDays: body.retention_days,
        actor,
        requestId,
      }),
    );
    return { status: 200, body: { workspace: view }, headers: { ETag: etagOf(view.version) } };
  },
  { permission: "workspace.write", body: updateWorkspaceSchema },
);
