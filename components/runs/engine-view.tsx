"use client";

import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/spinner";
import { formatDateTime } from "@/lib/client/format";
import type { EngineRun, EngineView } from "@/lib/client/runs/console";
import { formatMs, json } from "@/lib/client/runs/types";
import { useApiResource } from "@/lib/client/use-api-resource";

const ATTEMPT_COLUMNS = ["Step", "Attempt", "Duration", "Outcome", "Error"];

const OUTCOME_TONES: Record<string, string> = {
  ok: "text-emerald-700",
  succeeded: "text-emerald-700",
  completed: "text-emerald-700",
  error: "text-red-700",
  failed: "text-red-700",
  retry: "text-amber-800",
};

/**
 * The engine's own view of a run (admins): one engine run per attempt of the agent run, its steps as the engine
 * memoized them, every step attempt with its duration, status and error, and what it is waiting for.
 * `version` changes when the run does, so the view follows a retry.
 */
export function EngineSection({ ws, runId, version }: { ws: string; runId: string; version: string }) {
  const view = useApiResource<EngineView>(
    `/api/v1/workspaces/${ws}/runs/${runId}/engine?v=${encodeURIComponent(version)}`,
  );
  return (
    <div data-engine-view>
      <Card>
        <CardHeader
          title="Engine"
          titleId="engine-title"
          description="The durable engine's record: attempts per step, pending waits and timers, errors."
          actions={
            <Button
              size="sm"
              variant="secondary"
              onClick={() => void view.reload()}
              loading={view.loading && !!view.data}
            >
              Refresh
            </Button>
          }
        />
        {view.error ? (
          <CardBody>
            <ErrorAlert error={view.error} title="Could not load the engine's view" />
          </CardBody>
        ) : !view.data ? (
          <LoadingBlock label="Asking the engine…" />
        ) : !view.data.available ? (
          <EmptyState title="The engine's view is not available" description={view.data.reason} />
        ) : view.data.engine_runs.length === 0 ? (
          <EmptyState title="The engine has not started this run yet" />
        ) : (
          <ol aria-labelledby="engine-title" className="divide-y divide-slate-100">
            {view.data.engine_runs.map((engineRun, index) => (
              <li key={engineRun.id} className="space-y-3 px-4 py-3 sm:px-6">
                <EngineRunItem engineRun={engineRun} number={index + 1} />
              </li>
            ))}
          </ol>
        )}
      </Card>
    </div>
  );
}

function EngineRunItem({ engineRun, number }: { engineRun: EngineRun; number: number }) {
  const pending = engineRun.pending;
  const hasPending = Array.isArray(pending) ? pending.length > 0 : pending !== null && pending !== undefined;
  return (
    <article data-engine-run={engineRun.id} data-engine-status={engineRun.status} className="space-y-2 text-sm">
      <header className="flex flex-wrap items-center gap-x-2 gap-y-1">
        <span className="font-medium text-slate-900">Engine run {number}</span>
        <span className="font-mono text-xs text-slate-500">{engineRun.function_id}</span>
        <span
          className={cn("text-xs font-semibold", OUTCOME_TONES[engineRun.status.toLowerCase()] ?? "text-slate-700")}
        >
          {engineRun.status}
        </span>
      </header>
      <p className="text-xs text-slate-500">
        {formatDateTime(engineRun.created_at)} · {formatMs(engineRun.duration_ms)} · {engineRun.attempts} attempt
        {engineRun.attempts === 1 ? "" : "s"} · <span className="font-mono">{engineRun.id}</span>
      </p>
      {engineRun.attempt_list.length ? (
        <div className="overflow-x-auto">
          <table className="w-full text-left text-xs">
            <caption className="sr-only">Step attempts of engine run {number}</caption>
            <thead className="text-slate-500">
              <tr>
                {ATTEMPT_COLUMNS.map((column) => (
                  <th key={column} scope="col" className="py-1 pr-3 font-medium">
                    {column}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {engineRun.attempt_list.map((attempt) => (
                <tr
                  key={`${attempt.step_id}-${attempt.attempt}-${attempt.started_at}`}
                  data-engine-attempt={attempt.step_id}
                  data-engine-outcome={attempt.outcome ?? ""}
                >
                  <td className="max-w-48 truncate py-1 pr-3 font-mono" title={attempt.step_id}>
                    {stepName(engineRun, attempt.step_id)}
                  </td>
                  <td className="py-1 pr-3 tabular-nums">{attempt.attempt + 1}</td>
                  <td className="py-1 pr-3 tabular-nums">{formatMs(attempt.duration_ms)}</td>
                  <td
                    className={cn(
                      "py-1 pr-3 font-medium",
                      OUTCOME_TONES[(attempt.outcome ?? "").toLowerCase()] ?? "text-slate-700",
                    )}
                  >
                    {attempt.outcome ?? "—"}
                    {attempt.status_code ? ` (${attempt.status_code})` : ""}
                  </td>
                  <td className="py-1 text-red-700">{attempt.error ? errorText(attempt.error) : ""}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : (
        <p className="text-xs text-slate-500">No step attempts recorded.</p>
      )}
      {hasPending ? (
        <details open className="text-xs">
          <summary className="cursor-pointer font-medium text-amber-800">Waiting on</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded-lg bg-amber-50 p-2 font-mono text-[11px] text-amber-950 ring-1 ring-amber-200">
            {json(pending)}
          </pre>
        </details>
      ) : null}
      {engineRun.error ? (
        <details open className="text-xs">
          <summary className="cursor-pointer font-medium text-red-700">Engine error</summary>
          <pre className="mt-1 max-h-48 overflow-auto rounded-lg bg-red-50 p-2 font-mono text-[11px] text-red-900 ring-1 ring-red-200">
            {json(engineRun.error)}
          </pre>
        </details>
      ) : null}
    </article>
  );
}

/** The readable step name the engine recorded for a hashed step id, else the id. */
function stepName(engineRun: EngineRun, stepId: string): string {
  return engineRun.steps.find((step) => step.id === stepId && step.name)?.name ?? stepId;
}

function errorText(error: unknown): string {
  if (typeof error === "string") return error;
  if (error && typeof error === "object" && "message" in error) return String((error as { message: unknown }).message);
  return json(error);
}
