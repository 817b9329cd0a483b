import { parse } from "@marcbachmann/cel-js";

type Program = ReturnType<typeof parse>;
const cache = new Map<string, Program>();

/** Compiles a CEL expression; throws with the parser's message if it does not parse. */
export function compileExpression(source: string): Program {
  let program = cache.get(source);
  if (!program) {
    program = parse(source);
    cache.set(source, program);
  }
  return program;
}

export function checkExpression(source: string): string | null {
  try {
    compileExpression(source);
    return null;
  } catch (error) {
    return (error as Error).message.split("\n")[0] ?? "does not parse";
  }
}

/** Evaluates a boolean condition; a missing field or a type error is a non-match, as in Inngest. */
export function matches(source: string | null | undefined, vars: Record<string, unknown>): boolean {
  if (!source) return true;
  try {
    return compileExpression(source)(vars) === true;
  } catch {
    return false;
  }
}

/** Evaluates a key expression to a string; a missing field gives the empty key. */
export function evaluateKey(source: string, vars: Record<string, unknown>): string {
  try {
    const value = compileExpression(source)(vars);
    if (value === null || value === undefined) return "";
    if (typeof value === "string") return value;
    if (typeof value === "bigint" || typeof value === "number" || typeof value === "boolean") return String(value);
    return JSON.stringify(value);
  } catch {
    return "";
  }
}
