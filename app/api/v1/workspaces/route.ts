// GET /api/v1/workspaces — my workspaces; POST /api/v1/workspaces — create one (I hold every role)
import { withUser } from "@/lib/http/route";
import { createWorkspaceSchema } from "@/lib/workspaces/schemas";
import { createWorkspace, listWorkspacesOfUser } from "@/lib/workspaces/workspaces";

export const GET = withUser(async ({ db, actor }) => ({
  status: 200,
  body: { data: await listWorkspacesOfUser(db, actor.userId), next_cursor: null },
}));

export const POST = withUser(
  async ({ db, actor, body, requestId }) => {
    const workspace = await createWorkspace(db, { actor, name: body.name, slug: body.slug, requestId });
    return {
      status: 201,
      body: {
        workspace: {
          id: workspace.id,
          slug: workspace.slug,
          name: workspace.name,
          created_at: workspace.createdAt.toISOString(),
        },
      },
    };
  },
  { body: createWorkspaceSchema },
);
