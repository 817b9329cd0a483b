import "server-only";
import { createEmailTools } from "./email-tools";
import { createRecordsTools } from "./records-tools";
import { createResearchTools } from "./research-tools";
import { createServerTools } from "./server-tools";
import type { AnyTool } from "./types";

/** Every built-in tool, built for one workspace (STYLE.md: tools are factories that receive the tenant). */
export function createToolRegistry(tenant: { workspaceId: string }) {
  return {
    ...createServerTools(tenant),
    ...createRecordsTools(tenant),
    ...createEmailTools(tenant),
    ...createResearchTools(tenant),
  };
}

export type ToolRegistry = Record<string, AnyTool>;
export type BuiltinToolName = keyof ReturnType<typeof createToolRegistry>;

/** Name, description and risk of every built-in tool: what the agents API lists. */
export function describeTools(names?: readonly string[]) {
  // The descriptions do not depend on the tenant; the nil UUID builds them without one.
  const tools: ToolRegistry = createToolRegistry({ workspaceId: "00000000-0000-0000-0000-000000000000" });
  return Object.values(tools)
    .filter((tool) => !names || names.includes(tool.name))
    .map((tool) => ({ name: tool.name, description: tool.description, risk: tool.risk, timeout_ms: tool.timeoutMs }));
}
