// GET/POST /api/v1/workspaces/{ws}/runs — list runs (?status=a,b&agent=&member=&from=&to=&stuck=&sort=&order=&cursor=); start an agent run [idem]
import { createRun, listRuns, presentRun } from "@/lib/agents/runs";
import { createRunSchema, listRunsQuerySchema, RUN_STATUSES } from "@/lib/agents/schemas";
import { readConsoleListQuery } from "@/lib/console/list-query";
import { relayOutboxSoon } from "@/lib/events/outbox";
import { ApiError } from "@/lib/http/errors";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => {
    const query = listRunsQuerySchema.safeParse({
      agent: request.nextUrl.searchParams.get("agent") || undefined,
    });
    if (!query.success) throw new ApiError("validation", "invalid_query", "agent is not valid");
    return {
      status: 200,
      body: await listRuns(db, {
        workspaceId: workspace.id,
        agent: query.data.agent,
        query: readConsoleListQuery(request.nextUrl, RUN_STATUSES),
      }),
    };
  },
  { permission: "runs.read" },
);

export const POST = withWorkspace(
  async ({ db, workspace, actor, body, requestId, afterCommit }) => {
    const run = await createRun(db, { workspaceId: workspace.id, actor, requestId, body });
    afterCommit(() => relayOutboxSoon(requestId));
    return { status: 202, body: { run: presentRun(run) } };
  },
  { permission: "runs.write", body: createRunSchema, idempotent: true },
);
