"use client";

import Link from "next/link";
import { useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";
import { isActiveStatus, type Run } from "@/lib/client/runs/types";
import { useConfirmedAction } from "@/lib/client/use-confirmed-action";
import { ConfirmDialog } from "./confirm-dialog";

type Kind = "cancel" | "retry" | "rerun";

const ACTIONS: Record<Kind, { button: string; title: string; body: string; confirm: string; failed: string }> = {
  cancel: {
    button: "Cancel run",
    title: "Cancel this run?",
    body: "The run stops where it is and ends canceled. Steps already taken stay on record.",
    confirm: "Cancel run",
    failed: "Could not cancel the run",
  },
  retry: {
    button: "Retry",
    title: "Retry this run from its last good step?",
    body: "The run continues from where it stopped: recorded steps and tool calls are not repeated.",
    confirm: "Retry run",
    failed: "Could not retry the run",
  },
  rerun: {
    button: "Re-run",
    title: "Re-run from the start?",
    body: "A new run starts with the same agent, goal, constraints and budget. This run stays as it is.",
    confirm: "Start new run",
    failed: "Could not re-run",
  },
};

/** Cancel (members and admins, active runs), retry (admins, failed or timed-out runs), re-run (admins, finished runs). */
export function RunActions({
  ws,
  run,
  canWrite,
  canAdmin,
  onChanged,
}: {
  ws: string;
  run: Run;
  canWrite: boolean;
  canAdmin: boolean;
  /** The run as the action left it (the retried run is queued again; a re-run returns the new run). */
  onChanged: (run: Run) => void;
}) {
  const [asking, setAsking] = useState<Kind | null>(null);
  const [last, setLast] = useState<Kind>("cancel");
  const [rerunId, setRerunId] = useState<string | null>(null);
  const base = `/api/v1/workspaces/${ws}/runs/${run.id}`;
  const actions = {
    cancel: useConfirmedAction<{ run: Run }>(`${base}/cancel`),
    retry: useConfirmedAction<{ run: Run }>(`${base}/retry`),
    rerun: useConfirmedAction<{ run: Run }>(`${base}/rerun`),
  };
  const active = isActiveStatus(run.status);
  const offered: Kind[] = [
    ...(active && canWrite ? (["cancel"] as const) : []),
    ...(canAdmin && (run.status === "failed" || run.status === "timed_out") ? (["retry"] as const) : []),
    ...(canAdmin && !active ? (["rerun"] as const) : []),
  ];

  const finish = async (kind: Kind, again = false) => {
    setLast(kind);
    const result = again ? await actions[kind].retry() : await actions[kind].perform();
    setAsking(null);
    if (!result) return;
    if (kind === "rerun") {
      setRerunId(result.data.run.id);
      onChanged(run);
    } else onChanged(result.data.run);
  };

  const shown = asking ?? last;
  const failure = actions[last].error;
  return (
    <div className="space-y-3 sm:max-w-sm">
      {offered.length ? (
        <div className="flex flex-wrap gap-2 sm:justify-end">
          {offered.map((kind) => (
            <Button
              key={kind}
              variant={kind === "cancel" ? "danger" : kind === "retry" ? "primary" : "secondary"}
              loading={actions[kind].busy}
              onClick={() => {
                setLast(kind);
                setAsking(kind);
              }}
            >
              {ACTIONS[kind].button}
            </Button>
          ))}
        </div>
      ) : null}
      {failure ? (
        <ErrorAlert
          error={failure}
          title={ACTIONS[last].failed}
          actions={
            actions[last].retriable ? (
              <Button size="sm" variant="secondary" onClick={() => void finish(last, true)}>
                Try again
              </Button>
            ) : null
          }
        />
      ) : null}
      {rerunId ? (
        <Alert tone="success" title="A new run started">
          <Link href={`/w/${ws}/runs/${rerunId}`} className="font-medium underline" data-rerun-id={rerunId}>
            Open the new run →
          </Link>
        </Alert>
      ) : null}
      <ConfirmDialog
        open={asking !== null}
        title={ACTIONS[shown].title}
        confirmLabel={ACTIONS[shown].confirm}
        tone={shown === "cancel" ? "danger" : "primary"}
        busy={actions[shown].busy}
        onConfirm={() => void finish(shown)}
        onCancel={() => setAsking(null)}
      >
        {ACTIONS[shown].body}
      </ConfirmDialog>
    </div>
  );
}
