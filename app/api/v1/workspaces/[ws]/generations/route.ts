// GET /api/v1/workspaces/{ws}/generations — the runs console's generations (?status=a,b&member=&from=&to=&stuck=&sort=&order=&cursor=)
import { readConsoleListQuery } from "@/lib/console/list-query";
import { GENERATION_STATUSES, listGenerations } from "@/lib/conversations/generations";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async ({ db, workspace, request }) => ({
    status: 200,
    body: await listGenerations(db, {
      workspaceId: workspace.id,
      query: readConsoleListQuery(request.nextUrl, GENERATION_STATUSES),
    }),
  }),
  { permission: "conversations.read" },
);
