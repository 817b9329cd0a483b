import { hashedSigningKey } from "@/engine/protocol/signing";
import type { RunDetail } from "@/engine/store/read-runs";
import { log } from "@/lib/log";

// The app's client of the engine's read API (engine/http/server.ts `GET /v1/runs`, `GET /v1/runs/{id}`): the
// engine's own view of an agent run for the runs console. The engine knows nothing of the app: runs are found
// by their triggering event's data (`event_data`, jsonb @>). Never throws for an unreachable engine: the
// console shows `{available: false, reason}` instead.

/** `<app id>-<function id>` as the engine stores it (inngest/client.ts `id: "holdfast"`, run-agent.ts). */
export const RUN_AGENT_FUNCTION_ID = "holdfast-run-agent";
const TIMEOUT_MS = 3_000;
const MAX_ENGINE_RUNS = 50;

type EngineRunSummary = Pick<RunDetail, "id">;
type EngineRunDetail = RunDetail;

export type EngineView =
  | { available: false; reason: string }
  | { available: true; engine_runs: ReturnType<typeof presentEngineRun>[] };

class EngineUnavailable extends Error {}

function engineTarget(): { base: string; bearer: string } | { reason: string } {
  if (process.env.HOLDFAST_ENGINE === "external") {
    return { reason: "HOLDFAST_ENGINE=external: the functions run on Inngest, whose runs this console cannot read" };
  }
  const base = process.env.INNGEST_BASE_URL;
  const key = process.env.INNGEST_SIGNING_KEY;
  if (!base || !key) return { reason: "INNGEST_BASE_URL or INNGEST_SIGNING_KEY is not set" };
  return { base, bearer: `Bearer ${hashedSigningKey(key)}` };
}

async function engineGet<T>(target: { base: string; bearer: string }, path: string): Promise<T> {
  let response: Response;
  try {
    response = await fetch(new URL(path, target.base), {
      headers: { authorization: target.bearer },
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new EngineUnavailable(`the engine did not answer (${(error as Error).name})`);
  }
  if (!response.ok) throw new EngineUnavailable(`the engine answered ${response.status}`);
  return ((await response.json()) as { data: T }).data;
}

function presentEngineRun(run: EngineRunDetail) {
  return {
    id: run.id,
    function_id: run.functionId,
    status: run.status,
    created_at: run.createdAt,
    started_at: run.startedAt,
    ended_at: run.endedAt,
    duration_ms: run.durationMs,
    attempts: run.attempts,
    steps: run.stepList.map((s) => ({ id: s.id, name: s.name, op: s.op, attempt: s.attempt, at: s.at })),
    attempt_list: run.attemptList.map((a) => ({
      step_id: a.stepId,
      attempt: a.attempt,
      started_at: a.startedAt,
      ended_at: a.endedAt,
      duration_ms: a.durationMs,
      status_code: a.statusCode,
      outcome: a.outcome,
      error: a.error,
    })),
    pending: run.pending.map((p) => ({ kind: p.kind, step_id: p.stepId, attempt: p.attempt, run_at: p.runAt })),
    error: run.error ?? null,
  };
}

/** Every engine run of one agent run (one per attempt: retries start a new one), oldest first. */
export async function engineRunsOfAgentRun(runId: string): Promise<EngineView> {
  const target = engineTarget();
  if ("reason" in target) return { available: false, reason: target.reason };
  try {
    const query = new URLSearchParams({
      function_id: RUN_AGENT_FUNCTION_ID,
      event_data: JSON.stringify({ runId }),
      limit: String(MAX_ENGINE_RUNS),
    });
    const summaries = await engineGet<EngineRunSummary[]>(target, `/v1/runs?${query}`);
    const details = await Promise.all(
      summaries.map((s) => engineGet<EngineRunDetail>(target, `/v1/runs/${encodeURIComponent(s.id)}`)),
    );
    details.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
    return { available: true, engine_runs: details.map(presentEngineRun) };
  } catch (error) {
    if (!(error instanceof EngineUnavailable)) throw error;
    log("warn", "engine.read_failed", { runId, reason: error.message });
    return { available: false, reason: error.message };
  }
}
