import { Agent, request as send } from "undici";
import { z } from "zod";
import { injectTraceHeaders } from "../../lib/telemetry/tracing.ts";
import { signBody, verifySignature } from "../protocol/signing.ts";
import type { EngineContext } from "./context.ts";
import type { LeasedItem } from "./run-state.ts";

// One signed call request to the SDK (ENGINE.md "Call request") and the classification of its answer.

export type Op = {
  id: string;
  op: string;
  name?: string;
  displayName?: string;
  opts?: Record<string, unknown>;
  data?: unknown;
  error?: unknown;
};

const opSchema = z
  .object({
    id: z.string().min(1),
    op: z.string().min(1),
    name: z.string().optional(),
    displayName: z.string().optional(),
    opts: z.record(z.string(), z.unknown()).optional().nullable(),
    data: z.unknown().optional(),
    error: z.unknown().optional(),
  })
  .passthrough();

export type CallOutcome =
  | { kind: "completed"; output: unknown }
  | { kind: "ops"; ops: Op[]; retryAfter?: string }
  | { kind: "error"; retriable: boolean; error: unknown; retryAfter?: string; status?: number; unreachable?: boolean };

export type CallRequest = {
  url: string;
  body: string;
  runStatus: string;
  started: boolean;
  /** The run's triggering event (canonical JSON): its data may carry `traceparent` and `requestId`. */
  event: string;
};

type RunForCall = {
  status: string;
  event: string;
  max_attempts: number;
  disable_immediate: boolean;
  started: boolean;
  steps: string;
  stack: string;
  n: string;
};

/**
 * Builds the request body as canonical JSON text directly from the stored canonical pieces (keys in order), so
 * signing needs no parse/serialise round trip of possibly large step outputs. With `markStarted`, a run not yet
 * started is marked running by the same statement (`started` still reports the state before it). The first call
 * of a run this process just created is built without reading anything.
 */
export async function buildCallRequest(
  ctx: EngineContext,
  item: LeasedItem,
  fnUrl: string,
  markStarted: boolean,
): Promise<CallRequest | null> {
  const run = item.created ? createdRun(item.created) : await readRunForCall(ctx, item, markStarted);
  if (!run) return null;
  const n = Number(run.n);
  const ctxText =
    `{"attempt":${item.attempt},"disable_immediate_execution":${run.disable_immediate},` +
    `"fn_id":${JSON.stringify(fnIdOf(fnUrl))},"max_attempts":${run.max_attempts},` +
    `"qi_id":${JSON.stringify(`${item.id}.${item.lease_gen}`)},"run_id":${JSON.stringify(item.run_id)},` +
    `"stack":{"current":${Math.max(n - 1, 0)},"stack":${run.stack}},"use_api":false}`;
  const body = `{"ctx":${ctxText},"event":${run.event},"events":[${run.event}],"steps":${run.steps},"version":2}`;
  const url = new URL(fnUrl);
  url.searchParams.set("stepId", item.step_id);
  return { url: url.toString(), body, runStatus: run.status, started: run.started, event: run.event };
}

/** A run created (running, no steps yet) in the transaction that leased its first call to this process. */
function createdRun(created: { event: string; maxAttempts: number }): RunForCall {
  return {
    status: "running",
    event: created.event,
    max_attempts: created.maxAttempts,
    disable_immediate: false,
    started: true,
    steps: "{}",
    stack: "[]",
    n: "0",
  };
}

async function readRunForCall(ctx: EngineContext, item: LeasedItem, markStarted: boolean) {
  const { rows } = await ctx.db.query<RunForCall>({
    name: "engine.build-call",
    text: `WITH started AS (
             UPDATE engine.runs SET status = 'running', started_at = clock_timestamp()
              WHERE id = $1 AND $2::boolean AND started_at IS NULL AND status = 'queued')
           SELECT r.status, r.event, r.max_attempts, r.disable_immediate, r.started_at IS NOT NULL AS started,
                  s.steps, s.stack, s.n
             FROM engine.runs r
             CROSS JOIN LATERAL (
               SELECT '{' || coalesce(string_agg(to_json(step_id)::text || ':' || result::text, ',' ORDER BY step_id COLLATE "C"), '') || '}' AS steps,
                      '[' || coalesce(string_agg(to_json(step_id)::text, ',' ORDER BY seq), '') || ']' AS stack,
                      count(*) AS n
                 FROM engine.steps WHERE run_id = r.id) s
            WHERE r.id = $1`,
    values: [item.run_id, markStarted],
  });
  return rows[0] ?? null;
}

function fnIdOf(fnUrl: string): string {
  return new URL(fnUrl).searchParams.get("fnId") ?? "";
}

/** Keep-alive connections to the app's serve endpoint, shared by every call this process makes. */
const callPool = new Agent({ keepAliveTimeout: 30_000 });

/** The parts of an answer the classification reads. */
type CallAnswer = { status: number; header: (name: string) => string | undefined };

/**
 * Sends the call; never throws: transport failures are retriable errors. undici's `request` rather than `fetch`:
 * a call per run and per retry, and fetch's stream machinery costs more CPU than the call's own parsing here.
 */
export async function sendCall(ctx: EngineContext, request: CallRequest, runId: string): Promise<CallOutcome> {
  let answer: CallAnswer;
  let text: string;
  try {
    const response = await send(request.url, {
      method: "POST",
      // `traceparent`/`baggage` of the active `engine.run` span, when traces are exported (run-call.ts).
      headers: injectTraceHeaders({
        "content-type": "application/json",
        "x-inngest-signature": signBody(ctx.config.signingKey, request.body, ctx.now()),
        "x-inngest-req-version": "2",
        "x-inngest-server-kind": "cloud",
        "x-run-id": runId,
      }),
      body: request.body,
      dispatcher: callPool,
      signal: AbortSignal.timeout(ctx.config.callTimeoutMs),
      // The call's own timeout is the signal above (undici's defaults would cut it at 300 s).
      headersTimeout: 0,
      bodyTimeout: 0,
    });
    text = await response.body.text();
    const headers = response.headers;
    answer = {
      status: response.statusCode,
      header: (name) => {
        const value = headers[name];
        return Array.isArray(value) ? value.join(", ") : value;
      },
    };
  } catch (error) {
    const code = (error as { code?: string }).code;
    return {
      kind: "error",
      retriable: true,
      unreachable: true,
      error: {
        name: "EngineCallError",
        message: `calling the function failed: ${(error as Error).message}${code ? ` (${code})` : ""}`,
      },
    };
  }
  return classifyResponse(ctx, answer, text);
}

function classifyResponse(ctx: EngineContext, response: CallAnswer, text: string): CallOutcome {
  const status = response.status;
  const retryAfter = response.header("retry-after");
  const noRetry = response.header("x-inngest-no-retry") === "true";
  if (status === 200 || status === 206) {
    const keys = [ctx.config.signingKey, ...(ctx.config.signingKeyFallback ? [ctx.config.signingKeyFallback] : [])];
    // A state-changing answer must come from an SDK that holds our key.
    if (!verifySignature(response.header("x-inngest-signature") ?? null, text, keys, ctx.now())) {
      return {
        kind: "error",
        retriable: true,
        status,
        error: { name: "EngineCallError", message: `the ${status} response carries no valid x-inngest-signature` },
      };
    }
  }
  let body: unknown;
  try {
    body = text === "" ? null : JSON.parse(text);
  } catch {
    return {
      kind: "error",
      retriable: !noRetry,
      status,
      retryAfter,
      error: { name: "EngineCallError", message: `HTTP ${status} with a non-JSON body: ${text.slice(0, 300)}` },
    };
  }
  if (status === 200) return { kind: "completed", output: body };
  if (status === 206) {
    const ops = z.array(opSchema).safeParse(body);
    if (!ops.success) {
      return {
        kind: "error",
        retriable: false,
        status,
        error: {
          name: "EngineProtocolError",
          message: `invalid ops in 206 response: ${ops.error.message.slice(0, 300)}`,
        },
      };
    }
    return { kind: "ops", ops: ops.data as Op[], retryAfter };
  }
  if (status === 401) {
    ctx.log.error("the SDK refused the signature: do the engine and the app share INNGEST_SIGNING_KEY?", { status });
  }
  const error =
    body && typeof body === "object" && !Array.isArray(body)
      ? body
      : { name: "EngineCallError", message: `HTTP ${status}: ${text.slice(0, 300)}` };
  return { kind: "error", retriable: !noRetry, status, error, retryAfter };
}
