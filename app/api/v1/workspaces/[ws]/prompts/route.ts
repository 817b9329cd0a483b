// GET/POST /api/v1/workspaces/{ws}/prompts — prompt names with their labels and latest version; create one [admin]

import { withWorkspace } from "@/lib/http/route";
import { createPrompt, listPrompts } from "@/lib/prompts/admin";
import { createPromptSchema } from "@/lib/prompts/schemas";

export const GET = withWorkspace(
  async ({ db, workspace }) => ({ status: 200, body: await listPrompts(db, workspace.id) }),
  { permission: "prompts.read" },
);

export const POST = withWorkspace(
  async ({ transaction, workspace, actor, requestId, body }) => ({
    status: 201,
    body: {
      prompt_version: await transaction((tx) =>
        createPrompt(tx, { workspaceId: workspace.id, actor, requestId, ...body }),
      ),
    },
  }),
  { permission: "prompts.write", body: createPromptSchema },
);
