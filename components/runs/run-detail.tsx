"use client";

import Link from "next/link";
import { type ReactNode, useEffect, useId, useRef, useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/spinner";
import { type ApiFailure, apiFetch, newIdempotencyKey } from "@/lib/client/api";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { ConsoleRun } from "@/lib/client/runs/console";
import {
  type Approval,
  describePatchOp,
  formatMicros,
  formatMs,
  isActiveStatus,
  json,
  type LedgerEntry,
  type Run,
  type RunStep,
  STATUS_LABELS,
} from "@/lib/client/runs/types";
import { useRun } from "@/lib/client/runs/use-run";
import { EngineSection } from "./engine-view";
import { RunActions } from "./run-actions";
import { RiskBadge, RunStatusBadge } from "./run-status-badge";

/** One run: status, progress and deadline; a pending approval; the end state; timeline; state contract; ledger. */
export function RunDetail({
  ws,
  runId,
  canWrite,
  canDecide,
  canAdmin = false,
}: {
  ws: string;
  runId: string;
  canWrite: boolean;
  canDecide: boolean;
  /** Retry, re-run and the engine's view (`runs.admin`); the server checks again. */
  canAdmin?: boolean;
}) {
  const view = useRun(ws, runId);
  const { run } = view;

  if (view.error) {
    return (
      <div className="space-y-4">
        <BackLink ws={ws} />
        <ErrorAlert
          error={view.error}
          title={view.error.status === 404 ? "This run does not exist" : "Could not load the run"}
          actions={
            view.error.status === 404 ? null : (
              <Button variant="secondary" size="sm" onClick={view.refresh}>
                Try again
              </Button>
            )
          }
        />
      </div>
    );
  }
  if (!run) {
    return (
      <div className="space-y-4">
        <BackLink ws={ws} />
        <LoadingBlock label="Loading the run…" />
      </div>
    );
  }

  const pending = view.approvals.filter((approval) => approval.status === "pending");
  return (
    <div className="space-y-6" data-run-id={run.id} data-run-status={run.status}>
      <BackLink ws={ws} />
      <RunHeader
        ws={ws}
        run={run}
        canWrite={canWrite}
        canAdmin={canAdmin}
        onChanged={view.applyRun}
        connection={view.connection}
        statusTrail={view.statusTrail}
      />
      {view.refreshError ? (
        <ErrorAlert error={view.refreshError} title="Could not refresh the run; showing what was loaded" />
      ) : null}
      {pending.map((approval) => (
        <PendingApproval
          key={approval.id}
          ws={ws}
          runId={run.id}
          approval={approval}
          canDecide={canDecide}
          onDecided={view.refresh}
        />
      ))}
      <EndState run={run} />
      <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <div className="min-w-0 space-y-6">
          <Timeline run={run} steps={view.steps} approvals={view.approvals} />
          {canAdmin ? <EngineSection ws={ws} runId={run.id} version={`${run.attempts}:${run.status}`} /> : null}
          <Ledger entries={view.ledger} />
        </div>
        <div className="min-w-0 space-y-6">
          <StateContract run={run} />
        </div>
      </div>
    </div>
  );
}

function BackLink({ ws }: { ws: string }) {
  return (
    <Link
      href={`/w/${ws}/runs`}
      className="inline-flex items-center gap-1 rounded text-sm font-medium text-slate-600 hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
    >
      <span aria-hidden="true">←</span> All runs
    </Link>
  );
}

function RunHeader({
  ws,
  run,
  canWrite,
  canAdmin,
  onChanged,
  connection,
  statusTrail,
}: {
  ws: string;
  run: ConsoleRun;
  canWrite: boolean;
  canAdmin: boolean;
  onChanged: (run: Run) => void;
  connection: string | null;
  statusTrail: Run["status"][];
}) {
  const active = isActiveStatus(run.status);
  return (
    <div className="space-y-3">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-start sm:justify-between">
        <div className="min-w-0">
          <div className="flex flex-wrap items-center gap-2">
            <RunStatusBadge status={run.status} />
            {run.dry_run ? (
              <span className="rounded bg-sky-50 px-1.5 py-0.5 text-xs font-medium text-sky-700 ring-1 ring-sky-200 ring-inset">
                Dry run — nothing is changed
              </span>
            ) : null}
            {active && connection ? (
              <span className="text-xs text-slate-500" aria-live="polite">
                {connection === "live" ? "● Live" : connection === "reconnecting" ? "Reconnecting…" : "Connecting…"}
              </span>
            ) : null}
          </div>
          <h1 className="mt-2 text-xl font-semibold tracking-tight break-words text-slate-900 sm:text-2xl">
            {run.goal}
          </h1>
          <p className="mt-1 text-sm text-slate-500">
            <span className="capitalize">{run.agent}</span> agent ·{" "}
            <span data-prompt-version>{run.prompt_version ?? "—"}</span> · {run.model ?? "—"} · started{" "}
            {formatRelative(run.created_at)}
            {run.attempts > 1 ? ` · attempt ${run.attempts}` : ""}
          </p>
          {statusTrail.length > 1 ? (
            <p className="mt-1 text-xs text-slate-500" aria-live="polite">
              Seen here:{" "}
              <span data-status-trail={statusTrail.join(" ")}>
                {statusTrail.map((s) => STATUS_LABELS[s] ?? s).join(" → ")}
              </span>
            </p>
          ) : null}
          {run.rerun_of ? (
            <p className="mt-1 text-xs text-slate-500">
              Re-run of{" "}
              <Link href={`/w/${ws}/runs/${run.rerun_of}`} className="font-mono underline underline-offset-2">
                {run.rerun_of.slice(0, 8)}
              </Link>
            </p>
          ) : null}
        </div>
        <RunActions ws={ws} run={run} canWrite={canWrite} canAdmin={canAdmin} onChanged={onChanged} />
      </div>
      <div className="grid gap-3 sm:grid-cols-[1fr_auto] sm:items-center">
        <Meter label="Progress" value={run.progress} max={100} text={`${run.progress}%`} tone="indigo" />
        <p className="text-xs text-slate-500">
          {active ? "Deadline" : "Deadline was"}{" "}
          <time dateTime={run.deadline_at}>{formatDateTime(run.deadline_at)}</time>
          {active ? ` (${formatRelative(run.deadline_at)})` : ""}
        </p>
      </div>
    </div>
  );
}

function Meter({
  label,
  value,
  max,
  text,
  tone,
}: {
  label: string;
  value: number;
  max: number;
  text: string;
  tone?: "indigo" | "auto";
}) {
  const ratio = max > 0 ? Math.min(1, value / max) : 0;
  const color =
    tone === "indigo" ? "bg-indigo-600" : ratio >= 1 ? "bg-red-500" : ratio >= 0.8 ? "bg-amber-500" : "bg-emerald-500";
  return (
    <div>
      <div className="flex justify-between gap-2 text-xs">
        <span className="font-medium text-slate-700">{label}</span>
        <span className="text-slate-500 tabular-nums">{text}</span>
      </div>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={Math.min(value, max)}
        aria-valuetext={text}
        className="mt-1 h-2 overflow-hidden rounded-full bg-slate-100"
      >
        <div className={cn("h-full rounded-full transition-all", color)} style={{ width: `${ratio * 100}%` }} />
      </div>
    </div>
  );
}

function PendingApproval({
  ws,
  runId,
  approval,
  canDecide,
  onDecided,
}: {
  ws: string;
  runId: string;
  approval: Approval;
  canDecide: boolean;
  onDecided: () => void;
}) {
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState<"approve" | "reject" | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const intent = useRef<{ decision: string; note: string; key: string } | null>(null);
  const heading = useRef<HTMLHeadingElement>(null);
  const ids = useId();

  // A new pending approval takes the focus once, so a keyboard user lands on it.
  useEffect(() => {
    heading.current?.focus();
  }, []);

  const decide = async (decision: "approve" | "reject") => {
    // One key per intended decision: a retry of the same decision and note reuses it.
    if (!intent.current || intent.current.decision !== decision || intent.current.note !== note) {
      intent.current = { decision, note, key: newIdempotencyKey() };
    }
    setBusy(decision);
    setError(null);
    const result = await apiFetch(`/api/v1/workspaces/${ws}/runs/${runId}/approvals/${approval.id}`, {
      method: "POST",
      idempotencyKey: intent.current.key,
      body: { decision, ...(note.trim() ? { note: note.trim() } : {}) },
    });
    setBusy(null);
    if (result.ok || result.code === "approval_already_decided") {
      onDecided();
      if (!result.ok) setError(result);
      return;
    }
    setError(result);
  };

  return (
    <section
      aria-labelledby={`${ids}-title`}
      data-approval-id={approval.id}
      data-approval-status="pending"
      className="rounded-xl bg-amber-50 p-4 shadow-sm ring-2 ring-amber-400 sm:p-6"
    >
      <h2
        id={`${ids}-title`}
        ref={heading}
        tabIndex={-1}
        className="flex flex-wrap items-center gap-2 text-base font-semibold text-amber-950 focus:outline-none"
      >
        <span aria-hidden="true">⚠</span> Approval needed: <span className="font-mono">{approval.tool}</span>
        <RiskBadge risk={approval.risk} />
      </h2>
      <p className="mt-1 text-sm text-amber-900">
        The run is paused before step {approval.step}. If nobody decides, it is denied{" "}
        <time dateTime={approval.expires_at}>{formatRelative(approval.expires_at)}</time>.
      </p>
      <pre className="mt-3 overflow-x-auto rounded-lg bg-white/70 p-3 font-mono text-xs text-slate-800 ring-1 ring-amber-200">
        {json(approval.params)}
      </pre>
      {canDecide ? (
        <div className="mt-4 space-y-3">
          <div>
            <label htmlFor={`${ids}-note`} className="block text-sm font-medium text-amber-950">
              Note (optional, kept in the audit log)
            </label>
            <textarea
              id={`${ids}-note`}
              rows={2}
              value={note}
              maxLength={2000}
              onChange={(event) => setNote(event.target.value)}
              className="mt-1 block w-full rounded-lg border-0 bg-white px-3 py-2 text-sm text-slate-900 shadow-sm ring-1 ring-amber-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:ring-inset focus:outline-none"
            />
          </div>
          {error ? <ErrorAlert error={error} title="The decision was not recorded" /> : null}
          <div className="flex flex-wrap gap-2">
            <Button onClick={() => decide("approve")} loading={busy === "approve"} disabled={busy !== null}>
              Approve
            </Button>
            <Button
              variant="secondary"
              onClick={() => decide("reject")}
              loading={busy === "reject"}
              disabled={busy !== null}
            >
              Reject
            </Button>
          </div>
        </div>
      ) : (
        <p className="mt-3 text-sm text-amber-900">A member or admin of this workspace decides.</p>
      )}
    </section>
  );
}

function EndState({ run }: { run: ConsoleRun }) {
  if (run.status === "succeeded") {
    return (
      <Alert tone="success" title="Succeeded" className="text-base">
        <p data-run-result>{typeof run.result === "string" ? run.result : json(run.result)}</p>
        {run.finished_at ? <p className="mt-1 text-xs opacity-80">Finished {formatDateTime(run.finished_at)}</p> : null}
      </Alert>
    );
  }
  if (run.status === "failed" || run.status === "timed_out") {
    return (
      <Alert
        tone="error"
        title={run.status === "failed" ? "Failed" : "Timed out"}
        requestId={run.request_id ?? null}
        idLabel="Started by request"
      >
        <p>{run.error?.message ?? "The run stopped without finishing."}</p>
        {run.error ? (
          <p className="mt-1 font-mono text-xs">
            {run.error.type}/{run.error.code}
          </p>
        ) : null}
        {typeof run.result === "string" && run.result ? <p className="mt-1">{run.result}</p> : null}
      </Alert>
    );
  }
  if (run.status === "canceled") {
    return (
      <Alert tone="warning" title="Canceled">
        The run was canceled{run.finished_at ? ` ${formatRelative(run.finished_at)}` : ""}. Steps already taken stay on
        record.
      </Alert>
    );
  }
  return null;
}

type TimelineItem = { key: string; order: number; node: ReactNode };

function Timeline({ run, steps, approvals }: { run: Run; steps: RunStep[]; approvals: Approval[] }) {
  const items: TimelineItem[] = [
    ...steps.map((step) => ({ key: step.id, order: step.number * 2 + 1, node: <StepItem step={step} /> })),
    ...approvals
      .filter((approval) => approval.status !== "pending")
      .map((approval) => ({ key: approval.id, order: approval.step * 2, node: <ApprovalItem approval={approval} /> })),
  ].sort((a, b) => a.order - b.order);
  const active = isActiveStatus(run.status);
  return (
    <Card>
      <CardHeader title="Timeline" titleId="timeline-title" description={`${steps.length} steps recorded`} />
      {items.length === 0 ? (
        active ? (
          <LoadingBlock label="Waiting for the first step…" />
        ) : (
          <EmptyState title="No steps were taken" />
        )
      ) : (
        <ol aria-labelledby="timeline-title" aria-live="polite" className="divide-y divide-slate-100">
          {items.map((item) => (
            <li key={item.key} className="px-4 py-3 sm:px-6">
              {item.node}
            </li>
          ))}
          {active && run.status !== "waiting_approval" ? (
            <li className="px-4 py-3 text-sm text-slate-500 sm:px-6">
              <span className="inline-block size-2 animate-pulse rounded-full bg-indigo-500" aria-hidden="true" />{" "}
              Working…
            </li>
          ) : null}
        </ol>
      )}
    </Card>
  );
}

const STEP_STATUS_TONES: Record<string, string> = {
  succeeded: "text-emerald-700",
  dry_run: "text-sky-700",
  failed: "text-red-700",
  denied: "text-amber-800",
  stopped: "text-red-700",
};

function StepItem({ step }: { step: RunStep }) {
  const isTool = step.kind === "tool";
  const tokens = (step.tokens.input ?? 0) + (step.tokens.output ?? 0);
  return (
    <article data-step={step.number} data-step-kind={step.kind} data-step-status={step.status} className="space-y-2">
      <header className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm">
        <span className="font-mono text-xs text-slate-400">#{step.number}</span>
        <span className="font-medium text-slate-900">
          {isTool ? (
            <>
              Tool <span className="font-mono">{step.tool_chosen}</span>
            </>
          ) : step.tool_chosen ? (
            <>
              Model chose <span className="font-mono">{step.tool_chosen}</span>
            </>
          ) : (
            "Model answered"
          )}
        </span>
        <span className={cn("text-xs font-medium", STEP_STATUS_TONES[step.status] ?? "text-slate-600")}>
          {step.status}
        </span>
      </header>
      {step.reasoning_summary ? <p className="text-sm text-slate-700">{step.reasoning_summary}</p> : null}
      <dl className="flex flex-wrap gap-x-4 gap-y-1 text-xs text-slate-500">
        <Stat label="Duration" value={formatMs(step.duration_ms)} />
        {!isTool ? (
          <>
            <Stat label="Tokens" value={`${tokens} (${step.tokens.input ?? 0} in / ${step.tokens.output ?? 0} out)`} />
            <Stat label="Cost" value={formatMicros(step.cost_micros)} />
            <Stat label="Model" value={step.model ?? "—"} />
            {step.temperature !== null ? <Stat label="Temperature" value={String(step.temperature)} /> : null}
            {step.seed !== null ? <Stat label="Seed" value={String(step.seed)} /> : null}
          </>
        ) : null}
      </dl>
      {step.params !== null && step.params !== undefined ? <JsonDetails label="Params" value={step.params} /> : null}
      {isTool && step.result !== null && step.result !== undefined ? (
        <JsonDetails label="Result" value={step.result} open />
      ) : null}
      {step.error ? <JsonDetails label="Error" value={step.error} open /> : null}
      {step.artifact_ref ? (
        <p className="text-xs text-slate-600">
          Artifact: <span className="font-mono">{step.artifact_ref}</span>
        </p>
      ) : null}
      <StatePatchList ops={step.state_patch} />
    </article>
  );
}

const PATCH_TONES: Record<string, string> = {
  add_facts: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  replace_plan: "bg-indigo-50 text-indigo-800 ring-indigo-200",
  add_questions: "bg-sky-50 text-sky-800 ring-sky-200",
  add_artifact: "bg-violet-50 text-violet-800 ring-violet-200",
  raise_flag: "bg-amber-50 text-amber-900 ring-amber-200",
};

/** The state history of one step: the recorded StatePatch ops, one line each. */
function StatePatchList({ ops }: { ops: RunStep["state_patch"] }) {
  if (!ops?.length) return null;
  return (
    <div className="text-xs">
      <p className="font-medium text-slate-600">State changes</p>
      <ul className="mt-1 space-y-1" aria-label="State changes">
        {ops.map((op, index) => {
          const { label, detail } = describePatchOp(op);
          return (
            <li
              // biome-ignore lint/suspicious/noArrayIndexKey: a step's recorded ops never reorder
              key={index}
              data-patch-op={op.op}
              data-flag-code={op.op === "raise_flag" ? op.flag.code : undefined}
              className="flex min-w-0 flex-wrap items-baseline gap-x-2"
            >
              <span
                className={cn(
                  "shrink-0 rounded px-1.5 py-0.5 font-medium ring-1 ring-inset",
                  PATCH_TONES[op.op] ?? "bg-slate-100 text-slate-700 ring-slate-200",
                )}
              >
                {label}
              </span>
              <span className="min-w-0 break-words text-slate-700">{detail}</span>
            </li>
          );
        })}
      </ul>
    </div>
  );
}

function ApprovalItem({ approval }: { approval: Approval }) {
  const tone =
    approval.status === "approved"
      ? "text-emerald-700"
      : approval.status === "rejected"
        ? "text-red-700"
        : "text-amber-800";
  return (
    <div data-approval-id={approval.id} data-approval-status={approval.status} className="text-sm">
      <p className="flex flex-wrap items-center gap-2">
        <span className="size-2 rounded-full bg-amber-400" aria-hidden="true" />
        <span className="font-medium text-slate-900">
          Approval for <span className="font-mono">{approval.tool}</span>
        </span>
        <RiskBadge risk={approval.risk} />
        <span className={cn("text-xs font-semibold", tone)}>{approval.status}</span>
      </p>
      <p className="mt-1 text-xs text-slate-500">
        {approval.decided_at
          ? `Decided ${formatDateTime(approval.decided_at)}`
          : `Expired ${formatDateTime(approval.expires_at)}`}
        {approval.note ? ` · “${approval.note}”` : ""}
      </p>
    </div>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div className="flex gap-1">
      <dt>{label}</dt>
      <dd className="font-medium text-slate-700 tabular-nums">{value}</dd>
    </div>
  );
}

function JsonDetails({ label, value, open }: { label: string; value: unknown; open?: boolean }) {
  return (
    <details open={open} className="group text-xs">
      <summary className="cursor-pointer rounded font-medium text-slate-600 select-none hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600">
        {label}
      </summary>
      <pre className="mt-1 max-h-64 overflow-auto rounded-lg bg-slate-50 p-2 font-mono text-[11px] text-slate-800 ring-1 ring-slate-200">
        {json(value)}
      </pre>
    </details>
  );
}

function StateContract({ run }: { run: Run }) {
  const state = run.state;
  const budget = run.budget;
  const elapsed = (run.finished_at ? Date.parse(run.finished_at) : Date.now()) - Date.parse(run.created_at);
  return (
    <Card>
      <CardHeader title="State" description="The run's contract, changed only by recorded patches." />
      <CardBody className="space-y-5 text-sm">
        <Section title="Goal">
          <p className="text-slate-800">{state.goal}</p>
        </Section>
        <Section title="Constraints">
          <p className="flex flex-wrap items-center gap-1.5 text-slate-700">
            Approval required for:{" "}
            {run.constraints.require_approval.length ? (
              run.constraints.require_approval.map((risk) => <RiskBadge key={risk} risk={risk} />)
            ) : (
              <span className="text-slate-500">nothing</span>
            )}
          </p>
        </Section>
        <Section title="Budget">
          <div className="space-y-2.5">
            <Meter
              label="Steps"
              value={run.usage.steps}
              max={budget.max_steps}
              text={`${run.usage.steps} / ${budget.max_steps}`}
            />
            <Meter
              label="LLM tokens"
              value={run.usage.llm_tokens}
              max={budget.max_llm_tokens}
              text={`${run.usage.llm_tokens.toLocaleString()} / ${budget.max_llm_tokens.toLocaleString()}`}
            />
            <Meter
              label="Cost"
              value={run.usage.cost_micros}
              max={budget.max_cost}
              text={`${formatMicros(run.usage.cost_micros)} / ${formatMicros(budget.max_cost)}`}
            />
            <Meter
              label="Wall time"
              value={Math.max(0, elapsed)}
              max={budget.max_wall_time_ms}
              text={`${formatMs(Math.max(0, elapsed))} / ${formatMs(budget.max_wall_time_ms)}`}
            />
          </div>
        </Section>
        <Section title="Plan">
          {state.plan.length ? (
            <ol className="list-decimal space-y-0.5 pl-5 text-slate-700">
              {state.plan.map((item) => (
                <li key={item}>{item}</li>
              ))}
            </ol>
          ) : (
            <None />
          )}
        </Section>
        <Section title="Known facts">
          {state.known_facts.length ? (
            <dl className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200">
              {state.known_facts.map((fact) => (
                <div key={fact.key} className="flex flex-wrap justify-between gap-x-3 px-3 py-1.5 text-xs">
                  <dt className="font-mono text-slate-600">{fact.key}</dt>
                  <dd className="font-medium break-all text-slate-900" data-fact={fact.key}>
                    {typeof fact.value === "string" ? fact.value : JSON.stringify(fact.value)}
                    <span className="ml-2 font-normal text-slate-400">{fact.source}</span>
                  </dd>
                </div>
              ))}
            </dl>
          ) : (
            <None />
          )}
        </Section>
        <Section title="Open questions">
          {state.open_questions.length ? (
            <ul className="list-disc space-y-0.5 pl-5 text-slate-700">
              {state.open_questions.map((question) => (
                <li key={question}>{question}</li>
              ))}
            </ul>
          ) : (
            <None />
          )}
        </Section>
        <Section title="Artifacts">
          {state.artifacts.length ? (
            <ul className="space-y-1">
              {state.artifacts.map((artifact) => (
                <li key={artifact.id} className="text-xs">
                  <span className="font-mono text-slate-700">{artifact.id}</span>{" "}
                  <span className="text-slate-500">
                    ({artifact.type}, {artifact.bytes} bytes)
                  </span>
                  {artifact.summary ? <p className="text-slate-600">{artifact.summary}</p> : null}
                </li>
              ))}
            </ul>
          ) : (
            <None />
          )}
        </Section>
        <Section title="Risk flags">
          {state.risk_flags.length ? (
            <ul className="space-y-1">
              {state.risk_flags.map((flag) => (
                <li
                  key={`${flag.code}-${flag.step}`}
                  data-risk-flag={flag.code}
                  className="rounded-md bg-amber-50 px-2 py-1 text-xs text-amber-900 ring-1 ring-amber-200"
                >
                  <span className="font-mono font-semibold">{flag.code}</span> (step {flag.step}): {flag.message}
                </li>
              ))}
            </ul>
          ) : (
            <None />
          )}
        </Section>
      </CardBody>
    </Card>
  );
}

function Section({ title, children }: { title: string; children: ReactNode }) {
  return (
    <section>
      <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">{title}</h3>
      {children}
    </section>
  );
}

const None = () => <p className="text-xs text-slate-400">None yet</p>;

const LEDGER_TONES: Record<string, string> = {
  performed: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  dry_run: "bg-sky-50 text-sky-700 ring-sky-200",
  pending: "bg-slate-100 text-slate-700 ring-slate-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
  in_doubt: "bg-orange-50 text-orange-800 ring-orange-300",
};

function Ledger({ entries }: { entries: LedgerEntry[] }) {
  return (
    <Card>
      <CardHeader
        title="Side-effect ledger"
        titleId="ledger-title"
        description="Every tool call, keyed by run + tool + params: a repeat returns the recorded result."
      />
      {entries.length === 0 ? (
        <EmptyState title="No tool calls yet" />
      ) : (
        <ul aria-labelledby="ledger-title" className="divide-y divide-slate-100">
          {entries.map((entry) => (
            <li
              key={entry.id}
              data-ledger-tool={entry.tool}
              data-ledger-status={entry.status}
              className="space-y-1.5 px-4 py-3 sm:px-6"
            >
              <p className="flex flex-wrap items-center gap-2 text-sm">
                <span className="font-mono font-medium text-slate-900">{entry.tool}</span>
                <RiskBadge risk={entry.risk} />
                <span
                  className={cn(
                    "rounded px-1.5 py-0.5 text-xs font-medium ring-1 ring-inset",
                    LEDGER_TONES[entry.status] ?? LEDGER_TONES.pending,
                  )}
                >
                  {entry.status}
                </span>
                {entry.attempts > 1 ? <span className="text-xs text-slate-500">{entry.attempts} attempts</span> : null}
              </p>
              <p className="font-mono text-[11px] break-all text-slate-400" title="Ledger key">
                {entry.key}
              </p>
              {entry.error ? (
                <JsonDetails label="Error" value={entry.error} open />
              ) : (
                <JsonDetails
                  label={entry.status === "dry_run" ? "What would have happened" : "Result"}
                  value={entry.result}
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </Card>
  );
}
