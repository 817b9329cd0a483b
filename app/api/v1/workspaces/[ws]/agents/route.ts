// GET /api/v1/workspaces/{ws}/agents — the agents a run can use, with their tools and risk levels
import { listAgents } from "@/lib/agents/runs";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(async () => ({ status: 200, body: { data: listAgents(), next_cursor: null } }), {
  permission: "runs.read",
});
