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

/** Structured JSON logs, one line each; every field passes through `maskForLog`. */
export function log(level: Level, event: string, fields: Record<string, unknown> = {}) {
  if (ORDER[level] < minimumLevel()) return;
  const line = JSON.stringify({ time: new Date().toISOString(), level, event, ...(maskForLog(fields) as object) });
  if (level === "error" || level === "warn") process.stderr.write(`${line}\n`);
  else process.stdout.write(`${line}\n`);
}
