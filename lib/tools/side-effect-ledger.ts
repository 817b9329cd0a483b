import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { setTimeout as delay } from "node:timers/promises";
import canonicalize from "canonicalize";
import { type DbClient, db } from "@/lib/db";
import { ApiError, type ErrorType } from "@/lib/http/errors";
import { throwIfRateLimited } from "@/lib/http/rate-limit";
import { log } from "@/lib/log";
import { ToolError } from "@/lib/world/errors";
import { createToolRegistry, type ToolRegistry } from "./registry";
import type { AnyTool, ToolContext, ToolRisk } from "./types";

/**
 * The side-effect ledger (SPEC §4): every tool call of a run goes through `performToolCall`.
 *
 * - key = run + tool + sha256(canonical JSON of the zod-parsed params); one row per key and workspace.
 * - A repeat of a finished call returns the recorded result (or the recorded non-retriable error) without acting.
 * - The caller that acts holds a lease on the row, renewed while it works. A `pending` or `in_doubt` row whose
 *   lease lapsed means its caller died mid-call: the next caller marks it `in_doubt` and, for an
 *   `external_action`, asks the tool's `reconcile` whether the action happened before acting again.
 * - `write_local` tools write the world and the `performed` transition in one transaction.
 * - Dry runs record `dry_run` with what would have been done; only `read` tools really run.
 * - Per-tool, per-workspace rate limits apply to calls that act; a repeat never counts.
 */

export const DEFAULT_LEASE_MS = 5_000;

export type ToolCallRequest = {
  workspaceId: string;
  runId: string;
  tool: string;
  params: unknown;
  dryRun?: boolean;
};

export type ToolCallOptions = {
  /** The tools to choose from (tests wrap tools); default: the built-in registry for the workspace. */
  tools?: ToolRegistry;
  /** How long a caller's claim lasts without renewal; a crash is noticed this long after the last renewal. */
  leaseMs?: number;
  /** How long to wait for another caller that is acting on the same key. */
  waitMs?: number;
};

export type ToolCallOutcome = {
  sideEffectId: string;
  key: string;
  tool: string;
  risk: ToolRisk;
  status: "performed" | "dry_run";
  result: unknown;
  attempts: number;
  /** The call had already been made: this is the recorded result, nothing was done now. */
  replayed: boolean;
  /** A crashed attempt was found and the tool's reconcile check said it had already happened. */
  reconciled: boolean;
};

type LedgerRow = {
  id: string;
  status: "pending" | "performed" | "failed" | "in_doubt" | "dry_run";
  attempts: number;
  result: unknown;
  error: unknown;
  run_id: string;
  created_at: Date;
  leased: boolean;
};

type ClaimDecision =
  | { kind: "finished"; row: LedgerRow }
  | { kind: "busy" }
  | { kind: "act"; row: LedgerRow; inDoubt: boolean };

/** The ledger key of a call: exposed so that the run loop can detect repeated identical calls. */
export function sideEffectKey(input: { runId: string; tool: string; params: unknown }): string {
  const hash = createHash("sha256")
    .update(canonicalize(input.params) ?? "null")
    .digest("hex");
  return `${input.runId}:${input.tool}:${hash}`;
}

export async function performToolCall(
  request: ToolCallRequest,
  options: ToolCallOptions = {},
): Promise<ToolCallOutcome> {
  const tools = options.tools ?? (createToolRegistry({ workspaceId: request.workspaceId }) as ToolRegistry);
  const tool = Object.hasOwn(tools, request.tool) ? tools[request.tool] : undefined;
  if (!tool) throw new ToolError("validation", "unknown_tool", `there is no tool "${request.tool}"`);
  const parsed = tool.inputSchema.safeParse(request.params);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((issue) => `${issue.path.join(".") || "input"}: ${issue.message}`);
    throw new ToolError("validation", "tool_input_invalid", `${tool.name}: ${detail.join("; ")}`);
  }
  const input: unknown = parsed.data;
  const key = sideEffectKey({ runId: request.runId, tool: tool.name, params: input });
  const owner = randomUUID();
  const leaseMs = options.leaseMs ?? DEFAULT_LEASE_MS;
  const waitUntil = Date.now() + (options.waitMs ?? tool.timeoutMs + 2 * leaseMs + 5_000);
  const simulated = Boolean(request.dryRun) && tool.risk !== "read";

  for (let wait = 1; ; wait++) {
    const decision = await claim({ request, tool, key, input, owner, leaseMs, simulated });
    if (decision.kind === "finished") return finishedOutcome(decision.row, { key, tool, replayed: true });
    if (decision.kind === "act") {
      return act({
        request,
        tool,
        key,
        input,
        owner,
        leaseMs,
        simulated,
        row: decision.row,
        inDoubt: decision.inDoubt,
      });
    }
    if (Date.now() > waitUntil) {
      throw new ToolError("conflict", "tool_call_in_progress", `${tool.name}: the same call is still in progress`, {
        retriable: true,
      });
    }
    // Someone else is acting on this key: wait for its outcome (or for its lease to lapse).
    await delay(Math.min(250, 10 * wait) + Math.floor(Math.random() * 20));
  }
}

/** One call of a tool through the ledger, as `claim` and `act` see it. */
type LedgerCall = {
  request: ToolCallRequest;
  tool: AnyTool;
  key: string;
  input: unknown;
  owner: string;
  leaseMs: number;
  simulated: boolean;
};

async function claim(input: LedgerCall): Promise<ClaimDecision> {
  const { request, tool, key } = input;
  return db().$transaction(
    async (tx) => {
      await tx.$executeRaw`
        INSERT INTO side_effects (id, workspace_id, run_id, tool, risk, key, params, status, attempts, created_at, updated_at)
        VALUES (gen_random_uuid(), ${request.workspaceId}::uuid, ${request.runId}::uuid, ${tool.name}, ${tool.risk},
                ${key}, ${JSON.stringify(input.input)}::jsonb, 'pending', 0, now(), now())
        ON CONFLICT (workspace_id, key) DO NOTHING`;
      const [row] = await tx.$queryRaw<LedgerRow[]>`
        SELECT id, status::text AS status, attempts, result, error, run_id, created_at,
               (lease_expires_at IS NOT NULL AND lease_expires_at > now()) AS leased
        FROM side_effects WHERE workspace_id = ${request.workspaceId}::uuid AND key = ${key}
        FOR UPDATE`;
      if (!row) throw new Error("side effect row vanished after insert");
      if (row.status === "performed" || row.status === "dry_run") return { kind: "finished", row };
      if (row.status === "failed" && !isRetriable(row.error)) return { kind: "finished", row };
      if ((row.status === "pending" || row.status === "in_doubt") && row.leased) return { kind: "busy" };
      // A pending row someone already took (attempts > 0) whose lease lapsed: that caller died mid-call.
      const inDoubt = row.status === "in_doubt" || (row.status === "pending" && row.attempts > 0);
      if (!input.simulated) await throwIfToolRateLimited(tx, request.workspaceId, tool);
      await tx.$executeRaw`
        UPDATE side_effects
        SET status = ${inDoubt ? "in_doubt" : "pending"}::"SideEffectStatus", attempts = attempts + 1,
            lease_owner = ${input.owner}::uuid,
            lease_expires_at = now() + make_interval(secs => ${input.leaseMs / 1000}::double precision),
            updated_at = now()
        WHERE id = ${row.id}::uuid`;
      return { kind: "act", row: { ...row, attempts: row.attempts + 1 }, inDoubt };
    },
    { maxWait: 15_000, timeout: 15_000 },
  );
}

async function throwIfToolRateLimited(tx: DbClient, workspaceId: string, tool: AnyTool) {
  try {
    await throwIfRateLimited(tx, { key: `tool:${workspaceId}:${tool.name}`, ...tool.rateLimit });
  } catch (error) {
    if (error instanceof ApiError && error.type === "rate_limited") {
      throw new ToolError("rate_limited", "tool_rate_limited", `${tool.name}: ${error.message}`, {
        retriable: true,
        headers: error.headers,
      });
    }
    throw error;
  }
}

async function act(input: LedgerCall & { row: LedgerRow; inDoubt: boolean }): Promise<ToolCallOutcome> {
  const { tool, owner, row } = input;
  const controller = new AbortController();
  const ctx: ToolContext = { runId: input.request.runId, sideEffectId: row.id, db: db(), signal: controller.signal };
  const heartbeat = setInterval(
    () => {
      db().$executeRaw`
        UPDATE side_effects
        SET lease_expires_at = now() + make_interval(secs => ${input.leaseMs / 1000}::double precision)
        WHERE id = ${row.id}::uuid AND lease_owner = ${owner}::uuid AND status IN ('pending', 'in_doubt')`.catch(
        (error: unknown) =>
          log("warn", "side_effect.lease_renewal_failed", { sideEffectId: row.id, error: String(error) }),
      );
    },
    Math.max(50, Math.floor(input.leaseMs / 3)),
  );
  const common = { key: input.key, tool, replayed: false };
  try {
    if (input.inDoubt && tool.risk === "external_action" && tool.reconcile) {
      const reconciliation = await withTimeout(
        tool,
        controller,
        tool.reconcile(ctx, input.input, {
          id: row.id,
          runId: row.run_id,
          attempts: row.attempts,
          createdAt: row.created_at,
        }),
      );
      if (reconciliation.happened) {
        const finished = await finish(db(), { id: row.id, owner, status: "performed", result: reconciliation.result });
        return finishedOutcome(finished ?? (await readRow(row.id)), { ...common, reconciled: Boolean(finished) });
      }
    }
    // read and write_local effects commit with their ledger record: an unfinished attempt did nothing.

    if (input.simulated) {
      const preview = tool.simulate ? await withTimeout(tool, controller, tool.simulate(ctx, input.input)) : undefined;
      const result = {
        dryRun: true,
        tool: tool.name,
        params: input.input,
        ...(preview === undefined ? {} : { preview }),
      };
      const finished = await finish(db(), { id: row.id, owner, status: "dry_run", result });
      return finishedOutcome(finished ?? (await readRow(row.id)), common);
    }

    if (tool.risk === "write_local") {
      const finished = await withTimeout(
        tool,
        controller,
        db().$transaction(
          async (tx) => {
            const result = await tool.execute({ ...ctx, db: tx }, input.input);
            const done = await finish(tx, { id: row.id, owner, status: "performed", result });
            // Someone else took the call over: undo our write rather than record it twice.
            if (!done) throw new LeaseLostError();
            // Timed out meanwhile (a tool may return once its signal aborts): the caller was told it failed, so the
            // write must not commit.
            if (controller.signal.aborted) throw new Error(`${tool.name} finished after its timeout`);
            return done;
          },
          { maxWait: tool.timeoutMs, timeout: tool.timeoutMs },
        ),
      );
      return finishedOutcome(finished, common);
    }

    const result = await withTimeout(tool, controller, tool.execute(ctx, input.input));
    const finished = await finish(db(), { id: row.id, owner, status: "performed", result });
    return finishedOutcome(finished ?? (await readRow(row.id)), common);
  } catch (error) {
    if (error instanceof LeaseLostError) return finishedOutcome(await readRow(row.id), common);
    const failure = toToolError(error);
    // An external action that failed in an unknown way may have happened: the next attempt reconciles first.
    // Tools throw a non-retriable ToolError only when they know they did nothing.
    const unknownOutcome = tool.risk === "external_action" && (failure.retriable || !(error instanceof ToolError));
    const recorded = await finish(db(), {
      id: row.id,
      owner,
      status: unknownOutcome ? "in_doubt" : "failed",
      error: { ...failure.toJSON(), retriable: unknownOutcome || failure.retriable },
    });
    if (!recorded) return finishedOutcome(await readRow(row.id), common);
    if (unknownOutcome && !failure.retriable) {
      throw new ToolError(failure.type, failure.code, failure.message, { retriable: true });
    }
    throw failure;
  } finally {
    clearInterval(heartbeat);
    controller.abort();
  }
}

class LeaseLostError extends Error {}

/** Records the outcome if this caller still holds the call; undefined when another caller took it over. */
async function finish(
  client: DbClient,
  input: { id: string; owner: string; status: LedgerRow["status"]; result?: unknown; error?: unknown },
): Promise<LedgerRow | undefined> {
  const performed = input.status === "performed" || input.status === "dry_run";
  const [row] = await client.$queryRaw<LedgerRow[]>`
    UPDATE side_effects
    SET status = ${input.status}::"SideEffectStatus",
        result = ${input.result === undefined ? null : JSON.stringify(input.result)}::jsonb,
        error = ${input.error === undefined ? null : JSON.stringify(input.error)}::jsonb,
        performed_at = CASE WHEN ${performed} THEN now() ELSE performed_at END,
        lease_owner = NULL, lease_expires_at = NULL, updated_at = now()
    WHERE id = ${input.id}::uuid AND lease_owner = ${input.owner}::uuid AND status IN ('pending', 'in_doubt')
    RETURNING id, status::text AS status, attempts, result, error, run_id, created_at, false AS leased`;
  return row;
}

async function readRow(id: string): Promise<LedgerRow> {
  const [row] = await db().$queryRaw<LedgerRow[]>`
    SELECT id, status::text AS status, attempts, result, error, run_id, created_at,
           (lease_expires_at IS NOT NULL AND lease_expires_at > now()) AS leased
    FROM side_effects WHERE id = ${id}::uuid`;
  if (!row) throw new Error(`side effect ${id} vanished`);
  return row;
}

function finishedOutcome(
  row: LedgerRow,
  context: { key: string; tool: AnyTool; replayed: boolean; reconciled?: boolean },
): ToolCallOutcome {
  if (row.status === "performed" || row.status === "dry_run") {
    return {
      sideEffectId: row.id,
      key: context.key,
      tool: context.tool.name,
      risk: context.tool.risk,
      status: row.status,
      result: row.result,
      attempts: row.attempts,
      replayed: context.replayed,
      reconciled: context.reconciled ?? false,
    };
  }
  if (row.status === "failed") throw recordedError(row.error);
  // Another caller holds it now (we lost our lease while working): let the run retry later.
  throw new ToolError("conflict", "tool_call_in_progress", `${context.tool.name}: the same call is in progress`, {
    retriable: true,
  });
}

function isRetriable(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { retriable?: unknown }).retriable === true;
}

function recordedError(error: unknown): ToolError {
  const recorded = (error ?? {}) as { type?: ErrorType; code?: string; message?: string; retriable?: boolean };
  return new ToolError(recorded.type ?? "internal", recorded.code ?? "tool_failed", recorded.message ?? "tool failed", {
    retriable: recorded.retriable === true,
  });
}

function toToolError(error: unknown): ToolError {
  if (error instanceof ToolError) return error;
  if (error instanceof ApiError) {
    return new ToolError(error.type, error.code, error.message, { retriable: error.type === "rate_limited" });
  }
  log("error", "tool.failed", { error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  return new ToolError("internal", "tool_failed", "the tool failed unexpectedly", { retriable: true });
}

/** Races the tool against its timeout; on timeout the tool's signal is aborted. */
async function withTimeout<T>(tool: AnyTool, controller: AbortController, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      controller.abort();
      reject(
        new ToolError("timeout", "tool_timeout", `${tool.name} did not finish within ${tool.timeoutMs} ms`, {
          retriable: true,
        }),
      );
    }, tool.timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The ledger of a run (or of the workspace), newest first: what the run view and GET …/ledger show. */
export async function listSideEffects(
  client: DbClient,
  input: { workspaceId: string; runId?: string; limit?: number },
) {
  const rows = await client.sideEffect.findMany({
    where: { workspaceId: input.workspaceId, ...(input.runId ? { runId: input.runId } : {}) },
    orderBy: [{ createdAt: "desc" }, { id: "desc" }],
    take: input.limit ?? 100,
  });
  return rows.map((row) => ({
    id: row.id,
    run_id: row.runId,
    key: row.key,
    tool: row.tool,
    risk: row.risk,
    status: row.status,
    params: row.params,
    result: row.result,
    error: row.error,
    attempts: row.attempts,
    dry_run: row.status === "dry_run",
    performed_at: row.performedAt?.toISOString() ?? null,
    created_at: row.createdAt.toISOString(),
  }));
}
