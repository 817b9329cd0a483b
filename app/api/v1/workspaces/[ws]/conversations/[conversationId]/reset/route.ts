// POST /api/v1/workspaces/{ws}/conversations/{id}/reset — clear its context snapshot, cancel its pending generations; messages stay [admin] [idem]
import { resetConversation } from "@/lib/conversations/reset";
import { etagOf } from "@/lib/http/etag";
import { withWorkspace } from "@/lib/http/route";

export const POST = withWorkspace(
  async ({ db, workspace, params, actor, requestId }) => {
    const result = await resetConversation(db, {
      workspaceId: workspace.id,
      conversationId: params.conversationId ?? "",
      actor,
      requestId,
    });
    return { status: 200, body: result, headers: { ETag: etagOf(result.conversation.version) } };
  },
  { permission: "runs.admin", idempotent: true },
);
