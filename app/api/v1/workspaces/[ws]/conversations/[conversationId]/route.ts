// GET/PATCH/DELETE /api/v1/workspaces/{ws}/conversations/{id} — title and settings change with If-Match
import {
  deleteConversation,
  getConversationOrThrow,
  presentConversation,
  updateConversation,
} from "@/lib/conversations/conversations";
import { updateConversationSchema } from "@/lib/conversations/schemas";
import { etagOf, requireIfMatch } from "@/lib/http/etag";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => {
    const conversation = presentConversation(
      await getConversationOrThrow(db, { workspaceId: workspace.id, conversationId: params.conversationId ?? "" }),
    );
    return { status: 200, body: { conversation }, headers: { ETag: etagOf(conversation.version) } };
  },
  { permission: "conversations.read" },
);

export const PATCH = withWorkspace(
  async ({ db, workspace, params, body, actor, requestId, request }) => {
    const conversation = await updateConversation(db, {
      workspaceId: workspace.id,
      conversationId: params.conversationId ?? "",
      expectedVersion: requireIfMatch(request),
      actor,
      requestId,
      ...body,
    });
    return { status: 200, body: { conversation }, headers: { ETag: etagOf(conversation.version) } };
  },
  { permission: "conversations.write", body: updateConversationSchema },
);

export const DELETE = withWorkspace(
  async ({ transaction, workspace, params, actor, requestId, request }) => {
    const expectedVersion = requireIfMatch(request);
    await transaction((tx) =>
      deleteConversation(tx, {
        workspaceId: workspace.id,
        conversationId: params.conversationId ?? "",
        expectedVersion,
        actor,
        requestId,
      }),
    );
    return { status: 204, body: null };
  },
  { permission: "conversations.write" },
);
