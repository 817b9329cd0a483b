// GET/POST /api/v1/workspaces/{ws}/conversations/{id}/messages — the log in seq order; send a message [idem]
import { getConversationOrThrow } from "@/lib/conversations/conversations";
import { listMessages, readAfterSeq } from "@/lib/conversations/messages";
import { sendMessageSchema } from "@/lib/conversations/schemas";
import { sendMessage } from "@/lib/conversations/send-message";
import { relayOutboxSoon } from "@/lib/events/outbox";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, params, request }) => {
    const conversation = await getConversationOrThrow(db, {
      workspaceId: workspace.id,
      conversationId: params.conversationId ?? "",
    });
    return {
      status: 200,
      body: await listMessages(db, {
        workspaceId: workspace.id,
        conversationId: conversation.id,
        ...readAfterSeq(request.nextUrl),
      }),
    };
  },
  { permission: "conversations.read" },
);

export const POST = withWorkspace(
  async ({ db, workspace, params, actor, body, requestId, afterCommit }) => {
    const sent = await sendMessage(db, {
      workspaceId: workspace.id,
      conversationId: params.conversationId ?? "",
      actor,
      content: body.content,
      model: body.model,
      promptLabel: body.prompt_label,
      requestId,
    });
    afterCommit(() => relayOutboxSoon(requestId));
    return { status: 202, body: sent };
  },
  { permission: "conversations.write", body: sendMessageSchema, idempotent: true },
);
