"use client";

import Link from "next/link";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/spinner";
import { formatRelative } from "@/lib/client/format";
import { type Agent, type Page, RUN_STATUSES, type Run, STATUS_LABELS } from "@/lib/client/runs/types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { RunStatusBadge } from "./run-status-badge";
import { StartRunForm } from "./start-run-form";

/** The runs page: the start form (folded until asked for, open when there is no run yet) and the filtered list. */
export function RunsList({ ws, canStart }: { ws: string; canStart: boolean }) {
  const [status, setStatus] = useState("");
  const [formOpen, setFormOpen] = useState(false);
  const base = `/api/v1/workspaces/${ws}`;
  const runs = useApiResource<Page<Run>>(`${base}/runs?limit=50${status ? `&status=${status}` : ""}`);
  const agents = useApiResource<Page<Agent>>(`${base}/agents`);

  return (
    <div className="space-y-6">
      {canStart ? (
        <Card>
          <CardHeader
            title="Start a run"
            description="An agent works towards a goal with its tools, within a budget; risky calls wait for you."
            actions={
              formOpen ? null : (
                <Button onClick={() => setFormOpen(true)} aria-expanded={false} aria-controls="start-run">
                  Start a run
                </Button>
              )
            }
          />
          {formOpen ? (
            <CardBody>
              <div id="start-run">
                {agents.error ? (
                  <ErrorAlert error={agents.error} title="Could not load the agents" />
                ) : !agents.data ? (
                  <LoadingBlock label="Loading agents…" />
                ) : agents.data.data.length === 0 ? (
                  <EmptyState title="No agents are available" />
                ) : (
                  <StartRunForm ws={ws} agents={agents.data.data} onCancel={() => setFormOpen(false)} />
                )}
              </div>
            </CardBody>
          ) : null}
        </Card>
      ) : null}

      <Card>
        <CardHeader
          title="Runs"
          titleId="runs-title"
          description="Newest first."
          actions={
            <label className="flex items-center gap-2 text-sm text-slate-700">
              <span>Status</span>
              <select
                value={status}
                onChange={(event) => setStatus(event.target.value)}
                className="rounded-lg border-0 bg-white py-1.5 pr-8 pl-2 text-sm ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600"
              >
                <option value="">All</option>
                {RUN_STATUSES.map((value) => (
                  <option key={value} value={value}>
                    {STATUS_LABELS[value]}
                  </option>
                ))}
              </select>
            </label>
          }
        />
        {runs.error ? (
          <CardBody>
            <ErrorAlert
              error={runs.error}
              title="Could not load the runs"
              actions={
                <Button variant="secondary" size="sm" onClick={() => void runs.reload()}>
                  Try again
                </Button>
              }
            />
          </CardBody>
        ) : !runs.data ? (
          <LoadingBlock label="Loading runs…" />
        ) : runs.data.data.length === 0 ? (
          <EmptyState
            title={status ? `No ${STATUS_LABELS[status as Run["status"]].toLowerCase()} runs` : "No runs yet"}
            description={
              status
                ? "Try another status."
                : "Start a run: pick an agent, say what it should achieve, and watch it work step by step."
            }
            action={
              !status && canStart && !formOpen ? <Button onClick={() => setFormOpen(true)}>Start a run</Button> : null
            }
          />
        ) : (
          <ul aria-labelledby="runs-title" className="divide-y divide-slate-100">
            {runs.data.data.map((run) => (
              <li key={run.id}>
                <Link
                  href={`/w/${ws}/runs/${run.id}`}
                  data-run-id={run.id}
                  className="flex flex-col gap-1 px-4 py-3 hover:bg-slate-50 focus-visible:bg-slate-50 focus-visible:outline-2 focus-visible:-outline-offset-2 focus-visible:outline-indigo-600 sm:flex-row sm:items-center sm:gap-4 sm:px-6"
                >
                  <span className="flex items-center gap-2 sm:w-48 sm:shrink-0">
                    <RunStatusBadge status={run.status} />
                    {run.dry_run ? (
                      <span className="rounded bg-sky-50 px-1.5 py-0.5 text-[11px] font-medium text-sky-700 ring-1 ring-sky-200 ring-inset">
                        dry run
                      </span>
                    ) : null}
                  </span>
                  <span className="min-w-0 flex-1">
                    <span className="block truncate text-sm font-medium text-slate-900">{run.goal}</span>
                    <span className="block text-xs text-slate-500">
                      <span className="capitalize">{run.agent}</span> · {run.usage.steps} steps · {run.progress}%
                    </span>
                  </span>
                  <span className="text-xs text-slate-500 sm:shrink-0">{formatRelative(run.created_at)}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}
