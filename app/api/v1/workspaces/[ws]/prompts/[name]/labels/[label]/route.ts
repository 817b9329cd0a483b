// GET/PUT /api/v1/workspaces/{ws}/prompts/{name}/labels/{label} — a label (ETag: its version); move it [admin]
import { etagOf, requireIfMatch } from "@/lib/http/etag";
import { withWorkspace } from "@/lib/http/route";
import { getLabelOrThrow, moveLabel } from "@/lib/prompts/admin";
import { moveLabelSchema } from "@/lib/prompts/schemas";

export const GET = withWorkspace(
  async ({ db, workspace, params }) => {
    const label = await getLabelOrThrow(db, {
      workspaceId: workspace.id,
      name: params.name ?? "",
      label: params.label ?? "",
    });
    return { status: 200, body: { prompt_label: label }, headers: { ETag: etagOf(label.version) } };
  },
  { permission: "prompts.read" },
);

export const PUT = withWorkspace(
  async ({ transaction, workspace, params, actor, requestId, request, body }) => {
    const ifMatch = request.headers.has("if-match") ? requireIfMatch(request) : null;
    const createOnly = request.headers.get("if-none-match")?.trim() === "*";
    const result = await transaction((tx) =>
      moveLabel(tx, {
        workspaceId: workspace.id,
        name: params.name ?? "",
        label: params.label ?? "",
        version: body.version,
        ifMatch,
        createOnly,
        actor,
        requestId,
      }),
    );
    return {
      status: result.created ? 201 : 200,
      body: { prompt_label: result.label },
      headers: { ETag: etagOf(result.label.version) },
    };
  },
  { permission: "prompts.write", body: moveLabelSchema },
);
