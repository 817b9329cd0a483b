// GET /api/v1/workspaces/{ws}/models — the models this server can use now (the offline one is labelled as such)
import { listAvailableModels } from "@/lib/ai/providers";
import { withWorkspace } from "@/lib/http/route";

export const GET = withWorkspace(
  async () => ({
    status: 200,
    body: {
      data: listAvailableModels().map((model) => ({
        id: model.id,
        label: model.label,
        provider: model.provider,
        offline: model.provider === "offline",
        available: model.available,
        default: model.isDefault,
      })),
      next_cursor: null,
    },
  }),
  { permission: "conversations.read" },
);
