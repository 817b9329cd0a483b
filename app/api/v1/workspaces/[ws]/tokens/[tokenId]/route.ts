// DELETE /api/v1/workspaces/{ws}/tokens/{id} — revoke an API token [admin]
import { withWorkspace } from "@/lib/http/route";
import { revokeApiToken } from "@/lib/workspaces/api-tokens";

export const DELETE = withWorkspace(
  async ({ db, workspace, params, actor, requestId }) => {
    await revokeApiToken(db, { workspaceId: workspace.id, tokenId: params.tokenId ?? "", actor, requestId });
    return { status: 204, body: null };
  },
  { permission: "tokens.write" },
);
