// Structured JSON logs, one object per line; secrets are masked before anything is written.
type Level = "debug" | "info" | "warn" | "error";
const ORDER: Record<Level | "silent", number> = { debug: 10, info: 20, warn: 30, error: 40, silent: 99 };
const SECRET_FIELD = /key|secret|token|authorization|password|signature/i;
const SECRET_TEXT =
  /(signkey-[\w]+-)[0-9a-fA-F]{6,}|(Bearer\s+)\S+|(\/e\/)[^/\s"?]+|(postgres(?:ql)?:\/\/[^:/\s]+:)[^@\s]+@/g;

export type Logger = {
  debug: (msg: string, fields?: Record<string, unknown>) => void;
  info: (msg: string, fields?: Record<string, unknown>) => void;
  warn: (msg: string, fields?: Record<string, unknown>) => void;
  error: (msg: string, fields?: Record<string, unknown>) => void;
};

export function maskSecrets(text: string): string {
  return text.replace(SECRET_TEXT, (_m, sk, bearer, ev, pg) => {
    if (sk) return `${sk}***`;
    if (bearer) return `${bearer}***`;
    if (ev) return `${ev}***`;
    return `${pg}***@`;
  });
}

function maskValue(key: string, value: unknown, depth = 0): unknown {
  if (SECRET_FIELD.test(key) && value !== undefined && value !== null) return "***";
  if (typeof value === "string") return maskSecrets(value);
  if (value instanceof Error) return { name: value.name, message: maskSecrets(value.message) };
  if (depth < 4 && value && typeof value === "object" && !Array.isArray(value)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskValue(k, v, depth + 1)]));
  }
  return value;
}

export function createLogger(level: Level | "silent", component = "engine"): Logger {
  const write = (at: Level, msg: string, fields?: Record<string, unknown>) => {
    if (ORDER[at] < ORDER[level]) return;
    const masked = fields ? (maskValue("", fields) as Record<string, unknown>) : {};
    process.stdout.write(`${JSON.stringify({ ts: new Date().toISOString(), level: at, component, msg, ...masked })}\n`);
  };
  return {
    debug: (msg, fields) => write("debug", msg, fields),
    info: (msg, fields) => write("info", msg, fields),
    warn: (msg, fields) => write("warn", msg, fields),
    error: (msg, fields) => write("error", msg, fields),
  };
}
