// Goal drift (SPEC §4): a deterministic check after every model turn. It only raises the `goal_drift` risk flag
// (through a StatePatch); it never stops the run.

/** Consecutive model turns whose own words share nothing with the run's purpose before drift is flagged. */
export const DRIFT_STEPS = 3;

const STOPWORDS = new Set([
  "about",
  "after",
  "also",
  "been",
  "from",
  "have",
  "here",
  "into",
  "just",
  "more",
  "only",
  "over",
  "some",
  "than",
  "that",
  "them",
  "then",
  "there",
  "these",
  "they",
  "this",
  "very",
  "were",
  "what",
  "when",
  "which",
  "will",
  "with",
  "your",
  "true",
  "false",
  "null",
]);
const PLAN_BLOCK = /<offline-plan>[\s\S]*?<\/offline-plan>/gi;

/** Lower-case word stems (first 4 letters of words of 4+ letters, stop words dropped). */
export function keywordsOf(text: string): Set<string> {
  const words = text
    .replace(PLAN_BLOCK, " ")
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 4 && !/^[0-9]+$/.test(word) && !STOPWORDS.has(word));
  return new Set(words.map((word) => word.slice(0, 4)));
}

/** The string values of a tool call's params (keys are the tool's vocabulary, not the model's). */
function stringValues(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 4) return out;
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) for (const item of value) stringValues(item, out, depth + 1);
  else if (value && typeof value === "object")
    for (const item of Object.values(value)) stringValues(item, out, depth + 1);
  return out;
}

export type DriftTurn = { text: string | null; tool: string | null; params: unknown };

/** Whether one model turn's reasoning and params share a keyword with the purpose vocabulary. */
export function onTopic(purpose: Set<string>, turn: DriftTurn): boolean {
  const words = keywordsOf([turn.text ?? "", ...stringValues(turn.params)].join(" "));
  if (words.size === 0) return true; // nothing said: no evidence of drift
  for (const word of words) if (purpose.has(word)) return true;
  return false;
}

/**
 * The drift flag for the newest model turn, or null. Purpose = the goal, the plan, the agent's description and
 * system prompt (without its offline plan) and its tools' descriptions. Two rules:
 * - the turn chose a tool outside the agent's declared tools;
 * - the last DRIFT_STEPS model turns (this one included) share no keyword with the purpose (flagged once per
 *   streak: on exactly the DRIFT_STEPS-th turn).
 */
export function detectGoalDrift(input: {
  purpose: string[];
  agentTools: readonly string[];
  /** Earlier model turns, oldest first. */
  previous: DriftTurn[];
  current: DriftTurn;
}): string | null {
  const { current } = input;
  if (current.tool && !input.agentTools.includes(current.tool)) {
    return `chose ${current.tool}, which is not one of the agent's tools (${input.agentTools.join(", ")})`;
  }
  const purpose = keywordsOf(input.purpose.join(" "));
  const turns = [...input.previous, current];
  let streak = 0;
  for (let at = turns.length - 1; at >= 0 && !onTopic(purpose, turns[at] as DriftTurn); at--) streak++;
  if (streak === DRIFT_STEPS) {
    return `the last ${DRIFT_STEPS} steps share no keyword with the goal and the plan`;
  }
  return null;
}
