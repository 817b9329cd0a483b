// POST /api/v1/workspaces/{ws}/runs/{id}/approvals/{approval_id} — approve or reject [idem], audited
import { decideApproval } from "@/lib/agents/runs";
import { decideApprovalSchema } from "@/lib/agents/schemas";
import { relayOutboxSoon } from "@/lib/events/outbox";
import { withWorkspace } from "@/lib/http/route";

export const POST = withWorkspace(
  async ({ db, workspace, params, actor, requestId, body, afterCommit }) => {
    const approval = await decideApproval(db, {
      workspaceId: workspace.id,
      runId: params.runId ?? "",
      approvalId: params.approvalId ?? "",
      actor,
      requestId,
      decision: body.decision,
      note: body.note,
    });
    afterCommit(() => relayOutboxSoon(requestId));
    return { status: 200, body: { approval } };
  },
  { permission: "approvals.decide", body: decideApprovalSchema, idempotent: true },
);
