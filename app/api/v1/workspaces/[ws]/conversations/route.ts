// GET/POST /api/v1/workspaces/{ws}/conversations — list; start a conversation [idem]
import { createConversation, listConversations } from "@/lib/conversations/conversations";
import { createConversationSchema } from "@/lib/conversations/schemas";
import { readPageParams } from "@/lib/http/pagination";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => ({
    status: 200,
    body: await listConversations(db, { workspaceId: workspace.id, ...readPageParams(request.nextUrl) }),
  }),
  { permission: "conversations.read" },
);

export const POST = withWorkspace(
  async ({ db, workspace, actor, body }) => ({
    status: 201,
    body: { conversation: await createConversation(db, { workspaceId: workspace.id, actor, ...body }) },
  }),
  { permission: "conversations.write", body: createConversationSchema, idempotent: true },
);
