/**
 * A cheap, deterministic token estimator for context budgeting (~4 characters per token, rounded up).
 * It is not a tokenizer: real providers report real usage, and `costOf` bills what they report. It only has
 * to be stable (same text → same count on every machine) and roughly right for English and code.
 */
export const CHARS_PER_TOKEN = 4;

/** Per-message framing (role, separators) that chat APIs add on top of the content. */
export const MESSAGE_OVERHEAD_TOKENS = 4;

export function estimateTokens(text: string): number {
  if (text.length === 0) return 0;
  // Code points, not UTF-16 units: an emoji or a CJK character is not two tokens' worth of text.
  let length = 0;
  for (const _ of text) length++;
  return Math.ceil(length / CHARS_PER_TOKEN);
}

/** Tokens of any JSON-serializable value (tool arguments, tool results, schemas). */
export function estimateJsonTokens(value: unknown): number {
  if (value === undefined) return 0;
  return estimateTokens(typeof value === "string" ? value : (JSON.stringify(value) ?? ""));
}

export type BudgetMessage = { role: string; content: string };

export function estimateMessageTokens(message: BudgetMessage): number {
  return MESSAGE_OVERHEAD_TOKENS + estimateTokens(message.content);
}

/**
 * The longest suffix of `messages` (most recent last) that fits in `budgetTokens`, in the original order.
 * Context builders keep the newest turns and summarise the rest.
 */
export function takeRecentWithinBudget<T extends BudgetMessage>(messages: readonly T[], budgetTokens: number): T[] {
  const kept: T[] = [];
  let used = 0;
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index] as T;
    const cost = estimateMessageTokens(message);
    if (used + cost > budgetTokens) break;
    used += cost;
    kept.push(message);
  }
  return kept.reverse();
}
