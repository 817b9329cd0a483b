import type { Db } from "../db.ts";
import type { FunctionDef } from "./function-config.ts";
import { parseFunctionConfig } from "./function-config.ts";

/** The synced functions, cached in memory and reloaded when any engine process syncs (NOTIFY engine_sync). */
export class Registry {
  private byId = new Map<string, FunctionDef>();
  private byEvent = new Map<string, FunctionDef[]>();
  private wildcards: Array<{ prefix: string; fn: FunctionDef }> = [];
  private concurrencyUsed = false;

  constructor(private readonly db: Db) {}

  async reload(): Promise<void> {
    const { rows } = await this.db.query<{ id: string; app_id: string; config: unknown }>(
      "SELECT id, app_id, config FROM engine.functions",
    );
    const byId = new Map<string, FunctionDef>();
    const byEvent = new Map<string, FunctionDef[]>();
    const wildcards: Array<{ prefix: string; fn: FunctionDef }> = [];
    for (const row of rows) {
      const fn = parseFunctionConfig(row.config, row.app_id);
      byId.set(fn.id, fn);
      for (const trigger of fn.triggers) {
        if (!("event" in trigger)) continue;
        if (trigger.event.endsWith("*")) wildcards.push({ prefix: trigger.event.slice(0, -1), fn });
        else byEvent.set(trigger.event, [...(byEvent.get(trigger.event) ?? []), fn]);
      }
    }
    this.byId = byId;
    this.byEvent = byEvent;
    this.wildcards = wildcards;
    this.concurrencyUsed = [...byId.values()].some((fn) => fn.concurrency.length > 0);
  }

  get(id: string): FunctionDef | undefined {
    return this.byId.get(id);
  }

  all(): FunctionDef[] {
    return [...this.byId.values()];
  }

  hasConcurrency(): boolean {
    return this.concurrencyUsed;
  }

  /** Functions with a trigger on `name`, each with the trigger's expression (if any). */
  triggeredBy(name: string): Array<{ fn: FunctionDef; expression?: string }> {
    const out: Array<{ fn: FunctionDef; expression?: string }> = [];
    for (const fn of this.byEvent.get(name) ?? []) {
      for (const t of fn.triggers) if ("event" in t && t.event === name) out.push({ fn, expression: t.expression });
    }
    for (const { prefix, fn } of this.wildcards) {
      if (!name.startsWith(prefix)) continue;
      for (const t of fn.triggers) {
        if ("event" in t && t.event === `${prefix}*`) out.push({ fn, expression: t.expression });
      }
    }
    return out;
  }
}
