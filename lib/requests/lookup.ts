import type { DbClient } from "@/lib/db";
import { notFound } from "@/lib/http/errors";

/** Steps and log lines shown per request: enough to explain it; the run page has the rest. */
const SHOWN_STEPS = 200;
const SHOWN_LINES = 500;

/**
 * A request by its id, as this workspace saw it: the request_logs row(s), the audit rows it wrote, the
 * generations it started (with their messages) and their usage, the agent runs it started or acted on (retry,
 * cancel, approval…) with their steps, and the log lines it and the jobs it started wrote. An id this workspace
 * never saw is a 404, whether it exists elsewhere or not.
 */
export async function lookupRequest(db: DbClient, input: { workspaceId: string; requestId: string }) {
  const { workspaceId, requestId } = input;
  if (requestId.length === 0 || requestId.length > 128) throw notFound("request");
  const [logs, audit, generations, lines] = await Promise.all([
    db.requestLog.findMany({ where: { workspaceId, requestId }, orderBy: { createdAt: "asc" } }),
    db.auditLog.findMany({ where: { workspaceId, requestId }, orderBy: { createdAt: "asc" } }),
    db.generation.findMany({ where: { workspaceId, requestId }, orderBy: { createdAt: "asc" } }),
    db.logLine.findMany({ where: { workspaceId, requestId }, orderBy: { createdAt: "asc" }, take: SHOWN_LINES }),
  ]);
  const actedOnRuns = audit.filter((a) => a.targetType === "agent_run" && a.targetId).map((a) => a.targetId as string);
  const runs = await db.agentRun.findMany({
    where: { workspaceId, OR: [{ requestId }, { id: { in: actedOnRuns } }] },
    orderBy: { createdAt: "asc" },
  });
  const found = logs.length + audit.length + generations.length + lines.length + runs.length;
  if (found === 0) throw notFound("request");
  const generationIds = generations.map((g) => g.id);
  const messageIds = generations
    .flatMap((g) => [g.userMessageId, g.assistantMessageId])
    .filter((id): id is string => !!id);
  const userIds = [...new Set(logs.map((l) => l.userId).filter((id): id is string => !!id))];
  const [messages, usage, users, steps] = await Promise.all([
    db.message.findMany({ where: { workspaceId, id: { in: messageIds } }, orderBy: { createdAt: "asc" } }),
    db.usageEntry.findMany({ where: { workspaceId, generationId: { in: generationIds } } }),
    db.user.findMany({ where: { id: { in: userIds } }, select: { id: true, email: true, name: true } }),
    db.agentStep.findMany({
      where: { workspaceId, runId: { in: runs.map((r) => r.id) } },
      orderBy: [{ runId: "asc" }, { number: "asc" }],
      take: SHOWN_STEPS,
    }),
  ]);
  const userById = new Map(users.map((u) => [u.id, u]));
  return {
    request: {
      id: requestId,
      request_id: requestId,
      logs: logs.map((l) => ({
        id: l.id,
        method: l.method,
        route: l.route,
        status: l.status,
        error_code: l.errorCode,
        duration_ms: l.durationMs,
        user_id: l.userId,
        user_email: l.userId ? (userById.get(l.userId)?.email ?? null) : null,
        token_id: l.tokenId,
        created_at: l.createdAt.toISOString(),
      })),
      audit: audit.map((a) => ({
        id: a.id,
        action: a.action,
        target_type: a.targetType,
        target_id: a.targetId,
        actor_user_id: a.actorUserId,
        actor_token_id: a.actorTokenId,
        data: a.data,
        created_at: a.createdAt.toISOString(),
      })),
      generations: generations.map((g) => ({
        id: g.id,
        conversation_id: g.conversationId,
        status: g.status,
        model: g.model,
        prompt_label: g.promptLabel,
        attempts: g.attempts,
        degraded: g.degraded,
        error: g.errorType ? { type: g.errorType, code: g.errorCode, message: g.errorMessage } : null,
        created_at: g.createdAt.toISOString(),
        finished_at: g.finishedAt?.toISOString() ?? null,
        messages: messages
          .filter((m) => m.generationId === g.id || m.id === g.userMessageId || m.id === g.assistantMessageId)
          .map((m) => ({
            id: m.id,
            seq: m.seq,
            role: m.role,
            status: m.status,
            content: m.content,
            prompt_version_id: m.promptVersionId,
            model: m.model,
          })),
        usage: usage
          .filter((u) => u.generationId === g.id)
          .map((u) => ({
            id: u.id,
            kind: u.kind,
            model: u.model,
            input_tokens: u.inputTokens,
            output_tokens: u.outputTokens,
            cost_micros: Number(u.costMicros),
          })),
      })),
      runs: runs.map((r) => ({
        id: r.id,
        agent: r.agent,
        goal: r.goal,
        status: r.status,
        started_by_this_request: r.requestId === requestId,
        attempts: r.attempts,
        error: r.errorType ? { type: r.errorType, code: r.errorCode, message: r.errorMessage } : null,
        created_at: r.createdAt.toISOString(),
        finished_at: r.finishedAt?.toISOString() ?? null,
        steps: steps
          .filter((step) => step.runId === r.id)
          .map((step) => ({
            number: step.number,
            kind: step.kind,
            tool: step.toolChosen,
            status: step.status,
            duration_ms: step.durationMs,
            tokens: step.inputTokens + step.outputTokens,
            cost_micros: Number(step.costMicros),
          })),
      })),
      log_lines: lines.map((line) => ({
        id: line.id,
        level: line.level,
        event: line.event,
        fields: line.fields,
        at: line.createdAt.toISOString(),
      })),
    },
  };
}
