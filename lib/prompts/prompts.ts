import { AGENTS } from "@/lib/agents/registry";
import type { DbClient } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";

// Built-in first versions, created in a workspace the first time a prompt is needed there: the chat assistant's
// system prompt and each agent's (`agent-<name>`, lib/agents/registry.ts).
const BUILT_IN_PROMPTS: Record<string, string> = {
  assistant:
    "You are Holdfast's assistant. Answer clearly and briefly. Use the conversation summary and the known facts " +
    "when they are relevant, and say so when you do not know.",
  ...Object.fromEntries(Object.values(AGENTS).map((agent) => [agent.promptName, agent.system])),
};

export const BUILT_IN_PROMPT_NAMES = Object.keys(BUILT_IN_PROMPTS);
export const isBuiltInPrompt = (name: string) => Object.hasOwn(BUILT_IN_PROMPTS, name);

export const DEFAULT_PROMPT_LABEL = "production";

export type ResolvedPrompt = { id: string; name: string; version: number; content: string; label: string };

/** The version a label points at; a workspace without the prompt gets the built-in v1 labelled production and staging. */
export async function resolvePrompt(
  db: DbClient,
  input: { workspaceId: string; name: string; label: string },
): Promise<ResolvedPrompt> {
  await ensureBuiltInPrompt(db, input.workspaceId, input.name);
  const label = await db.promptLabel.findUnique({
    where: { workspaceId_name_label: { workspaceId: input.workspaceId, name: input.name, label: input.label } },
  });
  if (!label)
    throw new ApiError("unprocessable", "unknown_prompt_label", `prompt "${input.name}" has no label "${input.label}"`);
  const version = await db.promptVersion.findUniqueOrThrow({
    where: { workspaceId_name_version: { workspaceId: input.workspaceId, name: input.name, version: label.version } },
  });
  return { id: version.id, name: version.name, version: version.version, content: version.content, label: input.label };
}

export async function ensureBuiltInPrompt(db: DbClient, workspaceId: string, name: string) {
  if (!isBuiltInPrompt(name)) return;
  const content = BUILT_IN_PROMPTS[name] as string;
  await db.$executeRaw`
    INSERT INTO prompt_versions (id, workspace_id, name, version, content)
    VALUES (gen_random_uuid(), ${workspaceId}::uuid, ${name}, 1, ${content})
    ON CONFLICT (workspace_id, name, version) DO NOTHING`;
  await db.$executeRaw`
    INSERT INTO prompt_labels (workspace_id, name, label, version)
    VALUES (${workspaceId}::uuid, ${name}, 'production', 1), (${workspaceId}::uuid, ${name}, 'staging', 1)
    ON CONFLICT (workspace_id, name, label) DO NOTHING`;
}
