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
  async ({ db, workspace, params, body, actor, requestId, request }) => {
    const member = await updateMemberRoles(db, {
      workspaceId: workspace.id,
      userId: params.userId ?? "",
      expectedVersion: requireIfMatch(request),
      roles: body.roles,
      actor,
      requestId,
    });
    return { status: 200, body: { member }, headers: { ETag: etagOf(member.version) } };
  },
  { permission: "members.write", body: updateMemberSchema },
);

export const DELETE = withWorkspace(
  async ({ db, workspace, params, actor, requestId, request }) => {
    await removeMember(db, {
      workspaceId: workspace.id,
      userId: params.userId ?? "",
      expectedVersion: requireIfMatch(request),
      actor,
      requestId,
    });
    return { status: 204, body: null };
  },
  { permission: "members.write" },
);
