import { z } from "zod";
import { checkExpression } from "../protocol/cel.ts";
import { parseCron } from "../protocol/cron.ts";
import { parseDurationMs } from "../protocol/durations.ts";

// A function as the SDK describes it at sync, validated strictly: an option the engine does not implement
// fails the sync with a message naming the function and the option, never silently.
export type Trigger = { event: string; expression?: string } | { cron: string };
export type ConcurrencyRule = { limit: number; key?: string; scope: "fn" | "env" | "account" };
export type FunctionDef = {
  id: string;
  name: string;
  appId: string;
  url: string;
  triggers: Trigger[];
  maxAttempts: number;
  concurrency: ConcurrencyRule[];
  idempotency?: string;
  cancel: Array<{ event: string; if?: string; timeout?: string }>;
  timeouts: { start?: string; finish?: string };
};

const UNSUPPORTED = ["batchEvents", "rateLimit", "throttle", "debounce", "priority", "singleton"] as const;
const KNOWN = new Set([
  "id",
  "name",
  "triggers",
  "steps",
  "concurrency",
  "idempotency",
  "cancel",
  "timeouts",
  ...UNSUPPORTED,
]);

const concurrencyItem = z.union([
  z.number().int(),
  z
    .object({ limit: z.number().int(), key: z.string().optional(), scope: z.enum(["fn", "env", "account"]).optional() })
    .strict(),
]);

const configSchema = z.object({
  id: z.string().min(1),
  name: z.string().optional(),
  triggers: z
    .array(
      z.union([
        z.object({ event: z.string().min(1), expression: z.string().optional() }).strict(),
        z.object({ cron: z.string().min(1) }).strict(),
      ]),
    )
    .min(1, "a function needs at least one trigger"),
  steps: z.object({
    step: z.object({
      id: z.string().optional(),
      name: z.string().optional(),
      runtime: z.object({ type: z.literal("http").optional(), url: z.string().url() }),
      retries: z.object({ attempts: z.number().int().min(0).max(20) }).optional(),
    }),
  }),
  concurrency: z.union([concurrencyItem, z.array(concurrencyItem).max(2)]).optional(),
  idempotency: z.string().min(1).optional(),
  cancel: z
    .array(z.object({ event: z.string().min(1), if: z.string().optional(), timeout: z.string().optional() }).strict())
    .optional(),
  timeouts: z.object({ start: z.string().optional(), finish: z.string().optional() }).strict().optional(),
});

export class SyncError extends Error {}

export function parseFunctionConfig(raw: unknown, appId: string): FunctionDef {
  const where = typeof raw === "object" && raw && "id" in raw ? String((raw as { id: unknown }).id) : "?";
  if (!raw || typeof raw !== "object") throw new SyncError("function config is not an object");
  for (const [key, value] of Object.entries(raw)) {
    if (value === undefined || value === null) continue;
    if ((UNSUPPORTED as readonly string[]).includes(key)) {
      throw new SyncError(`function ${where}: option "${key}" is not supported by the Holdfast engine`);
    }
    if (!KNOWN.has(key)) throw new SyncError(`function ${where}: unknown option "${key}"`);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new SyncError(`function ${where}: invalid config (${problems})`);
  }
  const c = parsed.data;
  const expr = (what: string, source: string | undefined) => {
    if (source === undefined) return;
    const problem = checkExpression(source);
    if (problem) throw new SyncError(`function ${c.id}: ${what} expression "${source}" does not parse: ${problem}`);
  };
  const duration = (what: string, text: string | undefined) => {
    if (text !== undefined && parseDurationMs(text) === null) {
      throw new SyncError(`function ${c.id}: ${what} "${text}" is not a duration`);
    }
  };
  for (const t of c.triggers) {
    if ("cron" in t) {
      try {
        parseCron(t.cron);
      } catch (error) {
        throw new SyncError(`function ${c.id}: cron "${t.cron}" is invalid: ${(error as Error).message}`);
      }
    } else expr("trigger", t.expression);
  }
  const rules = c.concurrency === undefined ? [] : Array.isArray(c.concurrency) ? c.concurrency : [c.concurrency];
  const concurrency: ConcurrencyRule[] = rules
    .map((r) => (typeof r === "number" ? { limit: r, scope: "fn" as const } : { ...r, scope: r.scope ?? "fn" }))
    .filter((r) => r.limit > 0);
  for (const r of concurrency) {
    expr("concurrency key", r.key);
    if (r.scope !== "fn" && !r.key) throw new SyncError(`function ${c.id}: concurrency scope "${r.scope}" needs a key`);
  }
  expr("idempotency", c.idempotency);
  for (const cancel of c.cancel ?? []) {
    expr("cancelOn", cancel.if);
    duration("cancelOn timeout", cancel.timeout);
  }
  duration("timeouts.start", c.timeouts?.start);
  duration("timeouts.finish", c.timeouts?.finish);
  return {
    id: c.id,
    name: c.name ?? c.id,
    appId,
    url: c.steps.step.runtime.url,
    triggers: c.triggers,
    maxAttempts: (c.steps.step.retries?.attempts ?? 3) + 1,
    concurrency,
    idempotency: c.idempotency,
    cancel: c.cancel ?? [],
    timeouts: c.timeouts ?? {},
  };
}
