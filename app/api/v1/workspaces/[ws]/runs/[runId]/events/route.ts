// GET /api/v1/workspaces/{ws}/runs/{id}/events — SSE of status changes and steps, resumable with Last-Event-ID
import { streamRunEvents } from "@/lib/agents/stream";
import { readResumePoint } from "@/lib/conversations/stream";
import { withWorkspace } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = withWorkspace(
  async ({ workspace, params, request }) =>
    streamRunEvents({
      workspaceId: workspace.id,
      runId: params.runId ?? "",
      afterSeq: readResumePoint(request),
      signal: request.signal,
    }),
  { permission: "runs.read" },
);
