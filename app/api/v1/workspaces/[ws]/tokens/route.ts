// GET/POST /api/v1/workspaces/{ws}/tokens — API tokens [admin]; the secret is shown once
import { withWorkspace } from "@/lib/http/route";
import { createApiToken, listApiTokens } from "@/lib/workspaces/api-tokens";
import { createTokenSchema } from "@/lib/workspaces/schemas";

export const GET = withWorkspace(
  async ({ db, workspace }) => ({
    status: 200,
    body: { data: await listApiTokens(db, workspace.id), next_cursor: null },
  }),
  { permission: "tokens.write" },
);

export const POST = withWorkspace(
  async ({ db, workspace, body, actor, requestId }) => ({
    status: 201,
    body: await createApiToken(db, { workspaceId: workspace.id, name: body.name, roles: body.roles, actor, requestId }),
  }),
  { permission: "tokens.write", body: createTokenSchema },
);
