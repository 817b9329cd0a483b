"use client";

import Link from "next/link";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/spinner";
import { activeFilterCount, type ConsoleRun, filtersToApiQuery } from "@/lib/client/runs/console";
import { type Agent, type Page, RUN_STATUSES, STATUS_LABELS } from "@/lib/client/runs/types";
import { useConsoleFilters, useMemberOptions } from "@/lib/client/runs/use-console-filters";
import { useApiResource } from "@/lib/client/use-api-resource";
import { usePagedList } from "@/lib/client/use-paged-list";
import { ConsoleFilterBar } from "./console-filter-bar";
import { ConsoleListBody, ConsoleRowCells, countText, StuckBadge } from "./console-list";
import { ConsoleTabs } from "./console-tabs";
import { FindByRequest } from "./find-by-request";
import { RunStatusBadge } from "./run-status-badge";
import { StartRunForm } from "./start-run-form";

const STATUS_OPTIONS = RUN_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));

/**
 * The runs console: the start form (folded until asked for), the filters (kept in the URL), the sortable list with
 * "Load more", and for admins the request-id finder. Admin-only controls are left out for others.
 */
export function RunsList({
  ws,
  canStart,
  canLookUp = false,
  showGenerations = true,
}: {
  ws: string;
  canStart: boolean;
  /** May look requests up (`requests.read`): the "find by request id" box. */
  canLookUp?: boolean;
  showGenerations?: boolean;
}) {
  const [formOpen, setFormOpen] = useState(false);
  const base = `/api/v1/workspaces/${ws}`;
  const { filters, setFilters, now } = useConsoleFilters();
  const runs = usePagedList<ConsoleRun>(`${base}/runs?limit=50&${filtersToApiQuery(filters, now).toString()}`);
  const agents = useApiResource<Page<Agent>>(`${base}/agents`);
  const members = useMemberOptions(ws);
  const filtered = activeFilterCount(filters) > 0;
  const onlyStatus = filters.status.length === 1 && activeFilterCount(filters) === 1 ? filters.status[0] : null;

  return (
    <div className="space-y-6">
      <ConsoleTabs ws={ws} current="runs" showGenerations={showGenerations} />
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

      {canLookUp ? <FindByRequest ws={ws} /> : null}

      <Card>
        <CardHeader title="Runs" titleId="runs-title" description={countText(runs, "run", filtered)} />
        <ConsoleFilterBar
          filters={filters}
          onChange={setFilters}
          statuses={STATUS_OPTIONS}
          agents={agents.data?.data.map((agent) => agent.name) ?? []}
          members={members}
        />
        <ConsoleListBody
          list={runs}
          noun="runs"
          titleId="runs-title"
          firstColumn="Run"
          filters={filters}
          onChange={setFilters}
          empty={
            <EmptyState
              title={
                onlyStatus
                  ? `No ${STATUS_LABELS[onlyStatus as ConsoleRun["status"]].toLowerCase()} runs`
                  : filtered
                    ? "No runs match these filters"
                    : "No runs yet"
              }
              description={
                filtered
                  ? "Try other filters, or clear them."
                  : "Start a run: pick an agent, say what it should achieve, and watch it work step by step."
              }
              action={
                !filtered && canStart && !formOpen ? (
                  <Button onClick={() => setFormOpen(true)}>Start a run</Button>
                ) : null
              }
            />
          }
        >
          {runs.items.map((run) => (
            <RunRow key={run.id} ws={ws} run={run} />
          ))}
        </ConsoleListBody>
      </Card>
    </div>
  );
}

function RunRow({ ws, run }: { ws: string; run: ConsoleRun }) {
  return (
    <tr className="align-top hover:bg-slate-50" data-row-run-id={run.id}>
      <td className="max-w-0 min-w-56 px-4 py-3 sm:w-3/5 sm:pl-6">
        <Link
          href={`/w/${ws}/runs/${run.id}`}
          data-run-id={run.id}
          className="block rounded focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <span className="flex flex-wrap items-center gap-1.5">
            <RunStatusBadge status={run.status} />
            {run.stuck ? <StuckBadge /> : null}
            {run.dry_run ? (
              <span className="rounded bg-sky-50 px-1.5 py-0.5 text-[11px] font-medium text-sky-700 ring-1 ring-sky-200 ring-inset">
                dry run
              </span>
            ) : null}
            <span className="min-w-0 truncate font-medium text-slate-900 hover:underline">{run.goal}</span>
          </span>
          <span className="mt-0.5 block text-xs text-slate-500">
            <span className="capitalize">{run.agent}</span> · {run.usage.steps} steps · {run.progress}%
            {run.attempts > 1 ? ` · ${run.attempts} attempts` : ""}
            {run.error?.code ? <span className="text-red-700"> · {run.error.code}</span> : null}
          </span>
        </Link>
      </td>
      <ConsoleRowCells requestedBy={run.requested_by} createdAt={run.created_at} updatedAt={run.updated_at} />
    </tr>
  );
}
