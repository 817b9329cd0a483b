import { TOOL_RISKS, type ToolRisk } from "@/lib/tools/types";

/** A run's budget (SPEC §4). Money is integer micro-dollars, like every cost in Holdfast. */
export type RunBudget = {
  max_steps: number;
  max_wall_time_ms: number;
  max_llm_tokens: number;
  max_cost: number;
  max_artifact_bytes_in_context: number;
};

export type RunConstraints = { require_approval: ToolRisk[] };

export type AgentDefinition = {
  name: string;
  description: string;
  /**
   * Its system prompt's name in the prompts system (lib/prompts): `system` is that prompt's built-in version 1,
   * and a run uses the version the prompt's `production` label points at when the run is created.
   */
  promptName: string;
  system: string;
  tools: readonly string[];
  defaultBudget: RunBudget;
  defaultConstraints: RunConstraints;
  /** The outline written into the state's `plan` on the first turn. */
  planOutline: readonly string[];
};

const BASE_BUDGET: RunBudget = {
  max_steps: 30,
  max_wall_time_ms: 60 * 60 * 1000,
  max_llm_tokens: 60_000,
  max_cost: 100_000,
  max_artifact_bytes_in_context: 16_384,
};

const OPERATIONS_SYSTEM = `You are Holdfast's operations agent. You look after a server: check its disk usage, and when
it is 80% full or more, clean rotated logs older than 7 days, then verify. Use one tool per turn. Explain each step
in one sentence. Never clean anything you were not allowed to.

<offline-plan>
1. check_disk {} -- Checking disk usage first.
2. clean_logs {"olderThanDays": 7} when step1.usedPercent >= 80 -- Disk is {{step1.usedPercent}}% full: cleaning logs older than 7 days.
3. check_disk {"server": "{{step1.hostname}}"} -- Verifying the clean-up.
final: Disk on {{step1.hostname}} went from {{step1.usedPercent}}% to {{step3.usedPercent}}%.
stopped: I did not clean {{step1.hostname}}: {{failure.reason}}.
</offline-plan>`;

const SUPPORT_SYSTEM = `You are Holdfast's support agent. Read the customer records and write each active customer a
short, friendly status email. Use one tool per turn.

<offline-plan>
1. read_records {"kind": "customer"} -- Reading the customers.
2. send_email each step1.records {"to": "{{item.data.email}}", "subject": "About your account", "body": "Hello {{item.name}}, we are looking after your open requests."} -- Writing to {{item.name}}.
final: Sent {{step2 | count}} emails.
stopped: I stopped before finishing: {{failure.reason}}.
</offline-plan>`;

const RESEARCH_SYSTEM = `You are Holdfast's research agent. Fetch the allowed pages named in the goal (or Holdfast's own
documentation) and write a short summary artifact with the sources. Use one tool per turn.

<offline-plan>
1. fetch_url {"url": "http://holdfast.local/docs/durable-execution"} -- Reading the durable execution notes.
2. fetch_url {"url": "http://holdfast.local/docs/side-effects"} -- Reading the side-effect notes.
3. write_summary {"title": "Research summary", "content": "{{step1 | summary}}\\n\\n{{step2 | summary}}", "sources": ["http://holdfast.local/docs/durable-execution", "http://holdfast.local/docs/side-effects"]} -- Writing the summary artifact.
final: Summarised 2 pages into artifact {{step3.artifact.id}}.
stopped: I stopped before finishing: {{failure.reason}}.
</offline-plan>`;

export const AGENTS: Record<string, AgentDefinition> = {
  operations: {
    name: "operations",
    description: "Checks the simulated server's disk and cleans old logs when it is nearly full, then verifies.",
    promptName: "agent-operations",
    system: OPERATIONS_SYSTEM,
    tools: ["check_disk", "list_logs", "clean_logs"],
    defaultBudget: BASE_BUDGET,
    defaultConstraints: { require_approval: ["write_local", "external_action"] },
    planOutline: ["check the disk usage", "clean old logs if it is 80% full or more", "verify the disk usage"],
  },
  support: {
    name: "support",
    description: "Reads the customer records and sends each customer a status email through the outbox.",
    promptName: "agent-support",
    system: SUPPORT_SYSTEM,
    tools: ["read_records", "update_record", "send_email"],
    defaultBudget: BASE_BUDGET,
    defaultConstraints: { require_approval: ["external_action"] },
    planOutline: ["read the customer records", "send each customer a status email"],
  },
  research: {
    name: "research",
    description: "Fetches allow-listed pages and writes a summary artifact with its sources.",
    promptName: "agent-research",
    system: RESEARCH_SYSTEM,
    tools: ["fetch_url", "write_summary"],
    defaultBudget: BASE_BUDGET,
    defaultConstraints: { require_approval: [] },
    planOutline: ["fetch the allowed pages", "write a summary artifact"],
  },
};

export const AGENT_NAMES = Object.keys(AGENTS) as [string, ...string[]];

export function findAgent(name: string): AgentDefinition | undefined {
  return Object.hasOwn(AGENTS, name) ? AGENTS[name] : undefined;
}

export { TOOL_RISKS };
