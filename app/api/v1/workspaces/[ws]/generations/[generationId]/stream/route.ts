// GET /api/v1/workspaces/{ws}/generations/{id}/stream — SSE, resumable with Last-Event-ID / ?after_seq=
import { readResumePoint, streamGeneration } from "@/lib/conversations/stream";
import { withWorkspace } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = withWorkspace(
  async ({ workspace, params, request }) =>
    streamGeneration({
      workspaceId: workspace.id,
      generationId: params.generationId ?? "",
      afterSeq: readResumePoint(request),
      signal: request.signal,
    }),
  { permission: "conversations.read" },
);
