// GET/PATCH/DELETE /api/v1/workspaces/{ws}/members/{user_id} — one member; changes need If-Match
import { etagOf, requireIfMatch } from "@/lib/http/etag";
import { withWorkspace } from "@/lib/http/route";
import { getMemberOrThrow, presentMember, removeMember, updateMemberRoles } from "@/lib/workspaces/members";
import { updateMemberSchema } from "@/lib/workspaces/schemas";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => {
    const member = presentMember(
      await getMemberOrThrow(db, { workspaceId: workspace.id, userId: params.userId ?? "" }),
    );
    return { status: 200, body: { member }, headers: { ETag: etagOf(member.version) } };
  },
  { permission: "members.read" },
);

export const PATCH = withWorkspace(
  async ({ transaction, workspace, params, body, actor, requestId, request }) => {
    const expectedVersion = requireIfMatch(request);
    const member = await transaction((tx) =>
      updateMemberRoles(tx, {
        workspaceId: workspace.id,
        userId: params.userId ?? "",
        expectedVersion,
        roles: body.roles,
        actor,
        requestId,
      }),
    );
    return { status: 200, body: { member }, headers: { ETag: etagOf(member.version) } };
  },
  { permission: "members.write", body: updateMemberSchema },
);

export const DELETE = withWorkspace(
  async ({ transaction, workspace, params, actor, requestId, request }) => {
    const expectedVersion = requireIfMatch(request);
    await transaction((tx) =>
      removeMember(tx, { workspaceId: workspace.id, userId: params.userId ?? "", expectedVersion, actor, requestId }),
    );
    return { status: 204, body: null };
  },
  { permission: "members.write" },
);
