// GET/POST /api/v1/workspaces/{ws}/prompts/{name}/versions — a prompt's versions, newest first; add one [admin] [idem]
import { withWorkspace } from "@/lib/http/route";
import { createPromptVersion, listPromptVersions } from "@/lib/prompts/admin";
import { createPromptVersionSchema } from "@/lib/prompts/schemas";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => ({
    status: 200,
    body: await listPromptVersions(db, { workspaceId: workspace.id, name: params.name ?? "" }),
  }),
  { permission: "prompts.read" },
);

export const POST = withWorkspace(
  async ({ db, workspace, params, actor, requestId, body }) => ({
    status: 201,
    body: {
      prompt_version: await createPromptVersion(db, {
        workspaceId: workspace.id,
        name: params.name ?? "",
        content: body.content,
        actor,
        requestId,
      }),
    },
  }),
  { permission: "prompts.write", body: createPromptVersionSchema, idempotent: true },
);
