"use client";

import Link from "next/link";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { EmptyState } from "@/components/ui/empty-state";
import {
  activeFilterCount,
  type ConsoleGeneration,
  filtersToApiQuery,
  GENERATION_STATUSES,
} from "@/lib/client/runs/console";
import { STATUS_LABELS } from "@/lib/client/runs/types";
import { useConsoleFilters, useMemberOptions } from "@/lib/client/runs/use-console-filters";
import { useConfirmedAction } from "@/lib/client/use-confirmed-action";
import { usePagedList } from "@/lib/client/use-paged-list";
import { ConfirmDialog } from "./confirm-dialog";
import { ConsoleFilterBar } from "./console-filter-bar";
import { ConsoleListBody, ConsoleRowCells, countText, StuckBadge } from "./console-list";
import { ConsoleTabs } from "./console-tabs";
import { RunStatusBadge } from "./run-status-badge";

const STATUS_OPTIONS = GENERATION_STATUSES.map((value) => ({ value, label: STATUS_LABELS[value] }));

/** Chat generations across the workspace, with the runs console's filters; admins can reset a conversation. */
export function GenerationsList({ ws, canReset }: { ws: string; canReset: boolean }) {
  const { filters, setFilters, now } = useConsoleFilters();
  const list = usePagedList<ConsoleGeneration>(
    `/api/v1/workspaces/${ws}/generations?limit=50&${filtersToApiQuery(filters, now, false).toString()}`,
  );
  const members = useMemberOptions(ws);
  const [resetting, setResetting] = useState<ConsoleGeneration | null>(null);
  const filtered = activeFilterCount(filters) > 0;

  return (
    <div className="space-y-6">
      <ConsoleTabs ws={ws} current="generations" showGenerations />
      <Card>
        <CardHeader
          title="Generations"
          titleId="generations-title"
          description={countText(list, "generation", filtered)}
        />
        <ConsoleFilterBar filters={filters} onChange={setFilters} statuses={STATUS_OPTIONS} members={members} />
        <ConsoleListBody
          list={list}
          noun="generations"
          titleId="generations-title"
          firstColumn="Generation"
          filters={filters}
          onChange={setFilters}
          withActions={canReset}
          empty={
            <EmptyState
              title={filtered ? "No generations match these filters" : "No generations yet"}
              description={filtered ? "Try other filters, or clear them." : "Every answer in the chat is a generation."}
            />
          }
        >
          {list.items.map((generation) => (
            <GenerationRow
              key={generation.id}
              ws={ws}
              generation={generation}
              onReset={canReset ? () => setResetting(generation) : null}
            />
          ))}
        </ConsoleListBody>
      </Card>
      {canReset ? (
        <ResetConversation
          ws={ws}
          conversation={
            resetting ? { id: resetting.conversation_id, title: resetting.conversation_title ?? "Untitled" } : null
          }
          onClose={() => setResetting(null)}
          onReset={() => void list.reload()}
        />
      ) : null}
    </div>
  );
}

function GenerationRow({
  ws,
  generation,
  onReset,
}: {
  ws: string;
  generation: ConsoleGeneration;
  onReset: (() => void) | null;
}) {
  return (
    <tr
      className="align-top hover:bg-slate-50"
      data-generation-id={generation.id}
      data-generation-status={generation.status}
    >
      <td className="max-w-0 min-w-56 px-4 py-3 sm:w-1/2 sm:pl-6">
        <span className="flex flex-wrap items-center gap-1.5">
          <RunStatusBadge status={generation.status as keyof typeof STATUS_LABELS} />
          {generation.stuck ? <StuckBadge /> : null}
          {generation.degraded ? (
            <span className="rounded bg-amber-50 px-1.5 py-0.5 text-[11px] font-medium text-amber-800 ring-1 ring-amber-200 ring-inset">
              degraded
            </span>
          ) : null}
          <Link
            href={`/w/${ws}/chat/${generation.conversation_id}`}
            className="min-w-0 truncate rounded font-medium text-slate-900 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {generation.conversation_title ?? "Untitled conversation"}
          </Link>
        </span>
        <span className="mt-0.5 block text-xs text-slate-500">
          {generation.model}
          {generation.prompt_label ? ` · ${generation.prompt_label}` : ""}
          {generation.attempts > 1 ? ` · ${generation.attempts} attempts` : ""}
          {generation.error?.code ? <span className="text-red-700"> · {generation.error.code}</span> : null}
          {generation.request_id ? (
            <>
              {" · "}
              <code className="font-mono select-all">{generation.request_id}</code>
            </>
          ) : null}
        </span>
      </td>
      <ConsoleRowCells
        requestedBy={generation.requested_by}
        createdAt={generation.created_at}
        updatedAt={generation.updated_at}
      />
      {onReset ? (
        <td className="px-2 py-2 text-right sm:pr-6">
          <Button size="sm" variant="ghost" onClick={onReset}>
            Reset conversation
          </Button>
        </td>
      ) : null}
    </tr>
  );
}

/**
 * Reset a conversation (admins): its context snapshot is cleared and its queued or running generations are
 * canceled; the messages stay. Confirmed first; says how many generations it canceled.
 */
export function ResetConversation({
  ws,
  conversation,
  onClose,
  onReset,
}: {
  ws: string;
  conversation: { id: string; title: string } | null;
  onClose: () => void;
  onReset?: () => void;
}) {
  const [shown, setShown] = useState<{ id: string; title: string } | null>(null);
  const [done, setDone] = useState<{ title: string; canceled: number } | null>(null);
  const target = conversation ?? shown;
  const action = useConfirmedAction<{ canceled_generations: number }>(
    `/api/v1/workspaces/${ws}/conversations/${target?.id ?? "-"}/reset`,
  );
  // The dialog keeps showing the last conversation while it closes.
  if (conversation && conversation.id !== shown?.id) setShown(conversation);

  const confirm = async (again = false) => {
    if (!target) return;
    const result = again ? await action.retry() : await action.perform();
    if (!result) return;
    setDone({ title: target.title, canceled: result.data.canceled_generations });
    onClose();
    onReset?.();
  };

  return (
    <>
      {done ? (
        <Alert tone="success" title={`“${done.title}” was reset`}>
          <span data-canceled-generations={done.canceled}>
            {done.canceled === 0
              ? "No generation was running."
              : `${done.canceled} generation${done.canceled === 1 ? " was" : "s were"} canceled.`}
          </span>{" "}
          The messages are kept; the context starts over.
        </Alert>
      ) : null}
      {action.error ? (
        <ErrorAlert
          error={action.error}
          title="Could not reset the conversation"
          actions={
            action.retriable ? (
              <Button size="sm" variant="secondary" onClick={() => void confirm(true)}>
                Try again
              </Button>
            ) : null
          }
        />
      ) : null}
      <ConfirmDialog
        open={conversation !== null}
        title="Reset this conversation?"
        confirmLabel="Reset conversation"
        tone="danger"
        busy={action.busy}
        onConfirm={() => void confirm()}
        onCancel={onClose}
      >
        “{target?.title}”: its summary and remembered facts are cleared and any answer in progress is canceled. The
        messages stay.
      </ConfirmDialog>
    </>
  );
}
