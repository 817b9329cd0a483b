import type {
  LanguageModelV3FunctionTool,
  LanguageModelV3Prompt,
  LanguageModelV3ToolResultOutput,
} from "@ai-sdk/provider";

// Prompt analysis and deterministic text for the offline model (lib/ai/offline-model.ts). Everything here is
// a pure function of its input: no clocks, no randomness beyond a hash of the input and the seed.

/** FNV-1a, 32 bit: a stable, dependency-free hash for picking variants and ids. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export type ToolOutcome = {
  ok: boolean;
  /** An approval was refused (AI SDK `execution-denied`, or a JSON result with `denied: true`/`approved: false`). */
  denied: boolean;
  value: unknown;
  errorText?: string;
};

export type ToolHistoryEntry = { toolCallId: string; toolName: string; input: unknown; outcome?: ToolOutcome };

export type Fact = { key: string; value: string };

export type PromptView = {
  /** All system messages, in order, joined by newlines. */
  system: string;
  userTexts: string[];
  /** The first user message: an agent run's goal, or the start of a conversation. */
  goal: string;
  lastUser: string;
  /** Every tool call in the prompt, oldest first, with its result when one follows. */
  toolHistory: ToolHistoryEntry[];
  /** Tool calls made after the last user message (the current turn). */
  toolCallsThisTurn: ToolHistoryEntry[];
  concludeRequested: boolean;
  facts: Fact[];
  summary?: string;
  /** A stable serialization of everything the model saw, for hashing. */
  digest: string;
};

/** A later message that contains one of these asks the model to wrap up without calling tools (soft stop). */
export const CONCLUDE_MARKER = /\[holdfast:conclude\]|\bconclude now\b/i;

function textOfParts(parts: ReadonlyArray<{ type: string; text?: string }>): string {
  return parts
    .filter((part) => part.type === "text" && typeof part.text === "string")
    .map((part) => part.text)
    .join("\n");
}

export function toolOutcomeOf(output: LanguageModelV3ToolResultOutput): ToolOutcome {
  switch (output.type) {
    case "json":
      return outcomeOfValue(output.value);
    case "text":
      return outcomeOfValue(parseMaybeJson(output.value));
    case "error-text":
      return { ok: false, denied: false, value: output.value, errorText: output.value };
    case "error-json":
      return { ok: false, denied: false, value: output.value, errorText: JSON.stringify(output.value) };
    case "execution-denied":
      return { ok: false, denied: true, value: null, errorText: output.reason ?? "the action was not approved" };
    case "content":
      return outcomeOfValue(textOfParts(output.value));
  }
}

function parseMaybeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Tool runtimes report refusals and failures inside ordinary JSON results too; read those conventions. */
function outcomeOfValue(value: unknown): ToolOutcome {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    if (record.denied === true || record.approved === false) {
      const reason = typeof record.reason === "string" ? record.reason : "the action was not approved";
      return { ok: false, denied: true, value, errorText: reason };
    }
    if (record.error !== undefined && record.error !== null && record.error !== false && record.error !== "") {
      const errorText = typeof record.error === "string" ? record.error : JSON.stringify(record.error);
      return { ok: false, denied: false, value, errorText };
    }
  }
  return { ok: true, denied: false, value };
}

export function viewPrompt(prompt: LanguageModelV3Prompt): PromptView {
  const systems: string[] = [];
  const userTexts: string[] = [];
  const toolHistory: ToolHistoryEntry[] = [];
  const byId = new Map<string, ToolHistoryEntry>();
  let lastUserHistoryLength = 0;
  let concludeRequested = false;

  prompt.forEach((message, index) => {
    switch (message.role) {
      case "system":
        systems.push(message.content);
        if (index > 0 && CONCLUDE_MARKER.test(message.content)) concludeRequested = true;
        break;
      case "user": {
        const text = textOfParts(message.content);
        if (userTexts.length > 0 && CONCLUDE_MARKER.test(text)) concludeRequested = true;
        userTexts.push(text);
        lastUserHistoryLength = toolHistory.length;
        break;
      }
      case "assistant":
        for (const part of message.content) {
          if (part.type !== "tool-call") continue;
          const entry: ToolHistoryEntry = { toolCallId: part.toolCallId, toolName: part.toolName, input: part.input };
          toolHistory.push(entry);
          byId.set(part.toolCallId, entry);
        }
        break;
      case "tool":
        for (const part of message.content) {
          if (part.type !== "tool-result") continue;
          const entry = byId.get(part.toolCallId);
          if (entry) entry.outcome = toolOutcomeOf(part.output);
        }
        break;
    }
  });

  const system = systems.join("\n");
  return {
    system,
    userTexts,
    goal: userTexts[0] ?? "",
    lastUser: userTexts[userTexts.length - 1] ?? "",
    toolHistory,
    toolCallsThisTurn: toolHistory.slice(lastUserHistoryLength),
    concludeRequested,
    facts: collectFacts(system, userTexts),
    summary: /^\s*(?:summary|conversation so far)\s*:\s*(.+)$/im.exec(system)?.[1]?.trim(),
    digest: JSON.stringify(prompt),
  };
}

// ---- facts -------------------------------------------------------------------------------------------------

const FACT_STATEMENT = /\bmy ([a-z][a-z ]{0,30}?) (?:is|are) ([^.,;!?\n]{1,80})/gi;
const FACT_QUESTION = /\b(?:what(?:'s| is| are)|do you (?:know|remember)) my ([a-z][a-z ]{0,30}?)\s*\??$/i;

/**
 * Facts the context builder put in the system prompt (a `Facts:` / `Known facts:` heading followed by
 * `- key: value` lines, or one line `Known facts: a: 1; b: 2`) plus "my X is Y" statements from the user;
 * later statements win.
 */
export function collectFacts(system: string, userTexts: readonly string[]): Fact[] {
  const facts = new Map<string, Fact>();
  const put = (key: string, value: string) => {
    const normalized = key.trim().toLowerCase().replace(/\s+/g, " ");
    if (normalized && value.trim()) facts.set(normalized, { key: normalized, value: value.trim() });
  };
  let inFacts = false;
  for (const line of system.split("\n")) {
    const heading = /^\s*(?:#+\s*)?(?:known |conversation )?facts\s*:?\s*(.*)$/i.exec(line);
    if (heading) {
      // Either a heading over `- key: value` lines, or one line: `Known facts: a: 1; b: 2`.
      for (const pair of (heading[1] ?? "").split(";")) {
        const inline = /^\s*([^:=]{1,60})\s*[:=]\s*(.+)$/.exec(pair);
        if (inline?.[1] && inline[2]) put(inline[1], inline[2]);
      }
      inFacts = !heading[1]?.trim();
      continue;
    }
    if (!inFacts) continue;
    const bullet = /^\s*[-*]\s*([^:=]{1,60})\s*[:=]\s*(.+)$/.exec(line);
    if (bullet?.[1] && bullet[2]) put(bullet[1], bullet[2]);
    else inFacts = false;
  }
  for (const text of userTexts) {
    if (FACT_QUESTION.test(text.trim())) continue;
    for (const match of text.matchAll(FACT_STATEMENT)) if (match[1] && match[2]) put(match[1], match[2]);
  }
  return [...facts.values()];
}

// ---- text helpers ------------------------------------------------------------------------------------------

export function truncateText(text: string, max: number): string {
  const flat = text.replace(/\s+/g, " ").trim();
  return flat.length <= max ? flat : `${flat.slice(0, Math.max(0, max - 1)).trimEnd()}…`;
}

/** The first two sentences (or 280 characters) of a text; for values, of their most text-like field. */
export function summarizeValue(value: unknown, max = 280): string {
  if (value === null || value === undefined) return "nothing";
  if (typeof value === "string") {
    const sentences = value
      .replace(/\s+/g, " ")
      .trim()
      .match(/[^.!?]+[.!?]+|[^.!?]+$/g) ?? [value];
    return truncateText(sentences.slice(0, 2).join(" "), max);
  }
  if (Array.isArray(value)) {
    if (value.length === 0) return "none";
    const each = Math.max(40, Math.floor(max / Math.min(value.length, 5)));
    return truncateText(value.map((item) => summarizeValue(item, each)).join("; "), max);
  }
  if (typeof value === "object") {
    const record = value as Record<string, unknown>;
    for (const key of ["summary", "text", "content", "body", "title", "message"]) {
      if (typeof record[key] === "string") return summarizeValue(record[key], max);
    }
    return truncateText(JSON.stringify(value), max);
  }
  return String(value);
}

export function extractUrls(text: string): string[] {
  return [...new Set(text.match(/https?:\/\/[^\s<>"'`)\]]+/g) ?? [])].map((url) => url.replace(/[.,;:!?]+$/, ""));
}

export function extractEmails(text: string): string[] {
  return [...new Set(text.match(/[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g) ?? [])];
}

export function extractNumbers(text: string): number[] {
  return (text.match(/-?\d+(?:\.\d+)?/g) ?? []).map(Number);
}

/** What templates can read about a message: `{{goal.urls}}`, `{{last.emails | first}}`. */
export function describeText(text: string) {
  return { text, urls: extractUrls(text), emails: extractEmails(text), numbers: extractNumbers(text) };
}

/** Splits text into stream chunks of two words each (whitespace kept), so joining them gives the text back. */
export function chunkText(text: string, wordsPerChunk = 2): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  const leading = /^\s*/.exec(text)?.[0] ?? "";
  const chunks: string[] = [];
  for (let index = 0; index < words.length; index += wordsPerChunk) {
    chunks.push(words.slice(index, index + wordsPerChunk).join(""));
  }
  if (chunks.length === 0) return text ? [text] : [];
  chunks[0] = leading + chunks[0];
  return chunks;
}

// ---- tool choice without a plan ----------------------------------------------------------------------------

const STOPWORDS = new Set(
  "the and for with from that this what which when where your you our are was were can could would should please into about have has had will just some any all not but its it's how why who than then them they their there here also use using via get set of to in on at by is be do a an me my".split(
    " ",
  ),
);

function stem(word: string): string {
  let result = word.toLowerCase();
  if (result.length > 5 && result.endsWith("ing")) result = result.slice(0, -3);
  else if (result.length > 4 && result.endsWith("ed")) result = result.slice(0, -2);
  if (result.length > 3 && result.endsWith("s") && !result.endsWith("ss")) result = result.slice(0, -1);
  return result;
}

export function keywordsOf(text: string): Set<string> {
  const spaced = text.replace(/([a-z])([A-Z])/g, "$1 $2").replace(/[_\-./]/g, " ");
  const words = spaced.toLowerCase().match(/[a-z0-9]+/g) ?? [];
  return new Set(words.filter((word) => word.length >= 3 && !STOPWORDS.has(word)).map(stem));
}

/**
 * The offered tool whose name and description share the most keywords with `text` (ties: the first offered).
 * Undefined when no tool shares any keyword.
 */
export function pickRelevantTool(
  tools: readonly LanguageModelV3FunctionTool[],
  text: string,
): LanguageModelV3FunctionTool | undefined {
  const wanted = keywordsOf(text);
  let best: { tool: LanguageModelV3FunctionTool; score: number } | undefined;
  for (const tool of tools) {
    const nameWords = keywordsOf(tool.name);
    const descriptionWords = keywordsOf(tool.description ?? "");
    let score = 0;
    for (const word of wanted) {
      if (nameWords.has(word)) score += 2;
      else if (descriptionWords.has(word)) score += 1;
    }
    if (score > 0 && (!best || score > best.score)) best = { tool, score };
  }
  return best?.tool;
}

// ---- values from JSON schemas (tool arguments, JSON responses) ---------------------------------------------

export type FillContext = { text: string; facts: readonly Fact[]; summary: string };

/** The part of JSON Schema the filler reads (the provider's own JsonSchema type comes from an untyped package). */
export type JsonSchema = {
  type?: string | string[];
  properties?: Record<string, unknown>;
  required?: string[];
  items?: unknown;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  anyOf?: unknown[];
  oneOf?: unknown[];
  allOf?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
};

function asSchema(definition: unknown): JsonSchema {
  return definition && typeof definition === "object" && !Array.isArray(definition) ? (definition as JsonSchema) : {};
}

function schemaType(schema: JsonSchema): string | undefined {
  if (Array.isArray(schema.type)) return schema.type.find((type) => type !== "null");
  if (schema.type) return schema.type;
  if (schema.properties) return "object";
  if (schema.items) return "array";
  if (schema.enum) return typeof schema.enum[0];
  return undefined;
}

/**
 * A deterministic value that satisfies `schema`, taking what it can from the text: URLs for url-ish fields,
 * e-mail addresses for recipients, numbers for numbers, the text itself for query/message fields, and
 * schema defaults, enums and minimums otherwise. Optional object fields are left out unless the text has them.
 */
export function fillFromSchema(definition: unknown, context: FillContext, name = ""): unknown {
  const schema = asSchema(definition);
  if (schema.const !== undefined) return schema.const;
  if (schema.default !== undefined) return schema.default;
  const option = schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema.allOf?.[0];
  if (option && !schema.type && !schema.properties) return fillFromSchema(option, context, name);
  if (schema.enum && schema.enum.length > 0) {
    const mentioned = schema.enum.find((value) => typeof value === "string" && context.text.includes(value));
    return mentioned ?? schema.enum[0];
  }
  const lowered = name.toLowerCase();
  switch (schemaType(schema)) {
    case "object": {
      const result: Record<string, unknown> = {};
      const required = new Set(schema.required ?? []);
      for (const [key, child] of Object.entries(schema.properties ?? {})) {
        const extracted = extractForField(key, asSchema(child), context);
        if (extracted !== undefined) result[key] = extracted;
        else if (required.has(key)) result[key] = fillFromSchema(child, context, key);
      }
      return result;
    }
    case "array": {
      const itemSchema = asSchema(Array.isArray(schema.items) ? schema.items[0] : schema.items);
      const itemType = schemaType(itemSchema);
      let items: unknown[] = [];
      if (itemType === "string" && /url|link|source/.test(lowered)) items = extractUrls(context.text);
      else if (itemType === "string" && /email|recipient|to$/.test(lowered)) items = extractEmails(context.text);
      else if (/fact/.test(lowered) && itemType === "object")
        items = context.facts.map((fact) => factAs(itemSchema, fact));
      else if (/fact/.test(lowered) && itemType === "string") items = context.facts.map((f) => `${f.key}: ${f.value}`);
      const minimum = schema.minItems ?? 0;
      while (items.length < minimum) items.push(fillFromSchema(itemSchema, context, name));
      return schema.maxItems !== undefined ? items.slice(0, schema.maxItems) : items;
    }
    case "string":
      return extractForField(name, schema, context) ?? fallbackString(lowered, schema, context);
    case "integer":
    case "number": {
      const extracted = extractForField(name, schema, context);
      if (typeof extracted === "number") return extracted;
      const minimum = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + 1 : 1);
      return schema.maximum !== undefined ? Math.min(minimum, schema.maximum) : minimum;
    }
    case "boolean":
      return false;
    case "null":
      return null;
    default:
      return fallbackString(lowered, schema, context);
  }
}

function factAs(itemSchema: JsonSchema, fact: Fact): unknown {
  const keys = Object.keys(itemSchema.properties ?? {});
  const keyField = keys.find((key) => /key|name|label/.test(key)) ?? keys[0];
  const valueField = keys.find((key) => key !== keyField && /value|text|fact/.test(key)) ?? keys[1];
  const result: Record<string, unknown> = {};
  if (keyField) result[keyField] = fact.key;
  if (valueField) result[valueField] = fact.value;
  return result;
}

/** A value for a field only when the text actually contains one of the right kind. */
function extractForField(name: string, schema: JsonSchema, context: FillContext): unknown {
  const lowered = name.toLowerCase();
  const type = schemaType(schema);
  if (type === "string") {
    if (schema.format === "uri" || schema.format === "url" || /url|uri|link|href/.test(lowered))
      return extractUrls(context.text)[0];
    if (schema.format === "email" || /email|recipient|^to$/.test(lowered)) return extractEmails(context.text)[0];
    return undefined;
  }
  if (type === "number" || type === "integer") {
    const numbers = extractNumbers(context.text).filter(
      (value) =>
        (type === "number" || Number.isInteger(value)) &&
        (schema.minimum === undefined || value >= schema.minimum) &&
        (schema.maximum === undefined || value <= schema.maximum),
    );
    return numbers[0];
  }
  return undefined;
}

function fallbackString(lowered: string, schema: JsonSchema, context: FillContext): string {
  let value: string;
  if (/summary|abstract|overview/.test(lowered)) value = context.summary;
  else if (/title|subject|name|label|topic/.test(lowered)) value = truncateText(context.text, 60) || "Untitled";
  else if (/query|question|q$|prompt|text|message|content|body|note|reason|description|goal/.test(lowered))
    value = truncateText(context.text, 400) || "(empty)";
  else if (/path|file|dir/.test(lowered)) value = /(?:^|\s)(\/[\w./-]+)/.exec(context.text)?.[1] ?? "/";
  else if (/^id$|_id$|Id$/.test(lowered)) value = /\b[a-z]+_[\w-]{3,}\b/i.exec(context.text)?.[0] ?? "1";
  else value = quotedOrIdentifier(context.text) ?? (truncateText(context.text, 80) || lowered || "value");
  if (schema.maxLength !== undefined) value = value.slice(0, schema.maxLength);
  while (schema.minLength !== undefined && value.length < schema.minLength) value += ".";
  return value;
}

/** A double-quoted or backticked string ("web-1", `web-1`), else an identifier-like word (web-1, rec_42, db01), if the text has one. */
function quotedOrIdentifier(text: string): string | undefined {
  const quoted = /["`“]([^"`”]{1,80})["`”]/.exec(text)?.[1];
  if (quoted) return quoted;
  return /\b[a-z][a-z0-9]*(?:[-_][a-z0-9]+)+\b|\b[a-z]+\d+\b/i.exec(text)?.[0];
}

// ---- chat answers ------------------------------------------------------------------------------------------

const OPENERS = [
  "Here is an offline answer.",
  "Offline model reply.",
  "Answering offline, without a live model.",
] as const;

/** A short summary of the conversation: the gist of each user message, oldest first. */
export function summarizeConversation(view: PromptView): string {
  const parts = view.userTexts.map((text) => summarizeValue(text, 120));
  return truncateText(parts.join(" / ") || "An empty conversation.", 400);
}

function describeFacts(facts: readonly Fact[]): string {
  return facts.map((fact) => `${fact.key}: ${fact.value}`).join("; ");
}

/** The templated reply to a conversation without tool work in this turn. */
export function composeChatAnswer(view: PromptView, seed: number): string {
  const opener = OPENERS[hashString(`${seed}:${view.digest}`) % OPENERS.length] ?? OPENERS[0];
  const last = view.lastUser.trim();
  const lines: string[] = [opener];
  const asked = FACT_QUESTION.exec(last);
  const stated = [...last.matchAll(FACT_STATEMENT)];
  if (asked?.[1]) {
    const key = asked[1].trim().toLowerCase();
    const known = view.facts.find((fact) => fact.key === key);
    lines.push(
      known
        ? `Your ${key} is ${known.value}.`
        : `I do not know your ${key} yet. Tell me ("my ${key} is …") and I will keep it in this conversation.`,
    );
  } else if (stated.length > 0) {
    lines.push(`Noted: ${stated.map((match) => `your ${match[1]?.toLowerCase()} is ${match[2]?.trim()}`).join(", ")}.`);
  } else if (last) {
    lines.push(`You wrote: “${truncateText(last, 160)}”.`);
    const topics = [...keywordsOf(last)].slice(0, 4);
    if (topics.length > 0) {
      lines.push(
        `Without a live model I can only outline an approach to ${topics.join(", ")}: state the goal, gather what is known, then take the smallest next step and check the result.`,
      );
    }
  } else {
    lines.push("There is no question to answer yet. Send a message and I will reply.");
  }
  if (view.facts.length > 0 && !asked) lines.push(`What I know from this conversation: ${describeFacts(view.facts)}.`);
  if (view.summary) lines.push(`So far: ${truncateText(view.summary, 200)}`);
  lines.push("(Deterministic reply from the built-in offline model; set OPENAI_API_KEY to use a real model.)");
  return lines.join(" ");
}

/** The reply after this turn's tool calls came back (no plan in play). */
export function composeToolAnswer(view: PromptView): string {
  const lines = view.toolCallsThisTurn.map((entry) => {
    const outcome = entry.outcome;
    if (!outcome) return `${entry.toolName} did not return a result.`;
    if (outcome.denied) return `${entry.toolName} was not approved (${outcome.errorText}).`;
    if (!outcome.ok) return `${entry.toolName} failed: ${truncateText(outcome.errorText ?? "unknown error", 160)}.`;
    return `${entry.toolName} returned: ${summarizeValue(outcome.value, 240)}`;
  });
  return [`Here is what I found for “${truncateText(view.lastUser, 120)}”.`, ...lines].join(" ");
}
