import { AsyncLocalStorage } from "node:async_hooks";

type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 100 };

// Read apart from lib/env so that logging works even while the rest of the environment is invalid.
function minimumLevel(): number {
  return ORDER[process.env.LOG_LEVEL as Level | "silent"] ?? ORDER.info;
}

// Keys whose values never reach a log line: secrets, and personal text (message content, emails, names).
const SECRET_KEY = /pass(word)?|secret|token|authorization|cookie|api[-_]?key|signature|hash/i;
// Ids of secrets (token_id, session ids) are references, not secrets.
const ID_KEY = /(_id|Id|_ids|Ids)$/;
const PERSONAL_KEY = /^(email|name|content|text|prompt|note|body)$/i;

export function maskForLog(value: unknown, depth = 0): unknown {
  if (depth > 6) return "[depth]";
  if (Array.isArray(value)) return value.map((item) => maskForLog(item, depth + 1));
  if (value && typeof value === "object") {
    if (value instanceof Error) return { name: value.name, message: value.message, stack: value.stack };
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        if (SECRET_KEY.test(key) && !ID_KEY.test(key)) return [key, "[secret]"];
        if (PERSONAL_KEY.test(key) && typeof item === "string") return [key, `[${item.length} chars]`];
        return [key, maskForLog(item, depth + 1)];
      }),
    );
  }
  if (typeof value === "string")
    return value.replace(/(Bearer\s+)\S+/gi, "$1[secret]").replace(/hf_[A-Za-z0-9_-]{8,}/g, "hf_[secret]");
  return value;
}

/** What a line is about when it does not say: the request (or the job started by it) and its workspace. */
export type LogContext = { readonly requestId?: string; readonly workspaceId?: string };

// Process-wide, not module-wide: Next.js bundles instrumentation.ts and each route apart, each with its own copy of
// this module, and the context set by one copy must reach lines logged through another (as must the sink).
type Shared = { context: AsyncLocalStorage<LogContext>; sink?: (line: RequestLogLine) => void };
const SHARED = Symbol.for("holdfast.log");
const holder = globalThis as { [SHARED]?: Shared };
holder[SHARED] ??= { context: new AsyncLocalStorage() };
const shared: Shared = holder[SHARED];
const context = shared.context;

/** Runs `work` with `scope` as the context of every line it logs (the route wrapper, the Inngest middleware). */
export function withLogContext<T>(scope: LogContext, work: () => T): T {
  return context.run(scope, work);
}

/** A masked line tied to a request: what the request lookup shows (lib/logs/store.ts keeps them). */
export type RequestLogLine = {
  at: Date;
  level: Level;
  event: string;
  requestId: string;
  workspaceId: string | null;
  fields: Record<string, unknown>;
};
export function setRequestLineSink(sink: ((line: RequestLogLine) => void) | undefined): void {
  shared.sink = sink;
}

/**
 * Structured JSON logs, one line each; every field passes through `maskForLog`. Lines tied to a request at `info`
 * or above are also kept for the request lookup, whatever LOG_LEVEL lets through to the console.
 */
export function log(level: Level, event: string, fields: Record<string, unknown> = {}) {
  const printed = ORDER[level] >= minimumLevel();
  const scope = context.getStore();
  const requestId = typeof fields.request_id === "string" ? fields.request_id : scope?.requestId;
  const kept = !!requestId && !!shared.sink && ORDER[level] >= ORDER.info;
  if (!printed && !kept) return;
  const at = new Date();
  const masked = maskForLog(fields) as Record<string, unknown>;
  if (printed) {
    const line = JSON.stringify({
      time: at.toISOString(),
      level,
      event,
      ...(requestId ? { request_id: requestId } : {}),
      ...masked,
    });
    if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
    else process.stdout.write(`${line}\n`);
  }
  if (kept && requestId) {
    const workspaceId = typeof fields.workspace_id === "string" ? fields.workspace_id : (scope?.workspaceId ?? null);
    shared.sink?.({ at, level, event, requestId, workspaceId, fields: masked });
  }
}
