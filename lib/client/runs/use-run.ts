"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiFailure, apiFetch } from "../api";
import { followGeneration, type StreamConnection } from "../chat/generation-stream";
import { type Approval, isActiveStatus, type LedgerEntry, type Page, type Run, type RunStep } from "./types";

export type RunView = {
  run: Run | null;
  steps: RunStep[];
  approvals: Approval[];
  ledger: LedgerEntry[];
  /** The first load failed (404, 403, offline): nothing to show. */
  error: ApiFailure | null;
  /** A later refresh failed: the page keeps what it has and says so. */
  refreshError: ApiFailure | null;
  connection: StreamConnection | null;
  /** Every status this page saw the run in, in order (loads, stream events, actions): the live path of a retry. */
  statusTrail: Run["status"][];
  refresh: () => void;
  /** Show a run an action returned (the retried run, queued) and reload everything behind it. */
  applyRun: (run: Run) => void;
};

/**
 * A run with its steps, approvals and ledger, kept live by the run's resumable SSE (`…/runs/{id}/events`, the
 * chat's follower: seq-gated, reconnecting after the last applied seq). Every event schedules one coalesced reload
 * of the run's resources, so the page always shows what the API has — the stream says *when*, the API says *what*.
 */
export function useRun(ws: string, runId: string): RunView {
  const base = `/api/v1/workspaces/${ws}`;
  const [run, setRun] = useState<Run | null>(null);
  const [steps, setSteps] = useState<RunStep[]>([]);
  const [approvals, setApprovals] = useState<Approval[]>([]);
  const [ledger, setLedger] = useState<LedgerEntry[]>([]);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [refreshError, setRefreshError] = useState<ApiFailure | null>(null);
  const [connection, setConnection] = useState<StreamConnection | null>(null);
  const [statusTrail, setStatusTrail] = useState<Run["status"][]>([]);
  const noteStatus = useCallback(
    (status: Run["status"]) => setStatusTrail((trail) => (trail.at(-1) === status ? trail : [...trail, status])),
    [],
  );
  const loading = useRef(false);
  const dirty = useRef(false);
  const alive = useRef(true);
  const hasRun = useRef(false);

  const load = useCallback(async (): Promise<Run | null> => {
    if (loading.current) {
      dirty.current = true;
      return null;
    }
    loading.current = true;
    let latest: Run | null = null;
    try {
      do {
        dirty.current = false;
        const runUrl = `${base}/runs/${runId}`;
        const [runRes, stepsRes, approvalsRes, ledgerRes] = await Promise.all([
          apiFetch<{ run: Run }>(runUrl),
          apiFetch<Page<RunStep>>(`${runUrl}/steps`),
          apiFetch<Page<Approval>>(`${runUrl}/approvals`),
          apiFetch<Page<LedgerEntry>>(`${base}/ledger?run_id=${encodeURIComponent(runId)}`),
        ]);
        if (!alive.current) return null;
        const failure = [runRes, stepsRes, approvalsRes, ledgerRes].find((res) => !res.ok);
        if (runRes.ok) {
          latest = runRes.data.run;
          hasRun.current = true;
          setRun(runRes.data.run);
          noteStatus(runRes.data.run.status);
          setError(null);
        } else if (!hasRun.current) {
          setError(runRes);
        }
        if (stepsRes.ok) setSteps(stepsRes.data.data);
        if (approvalsRes.ok) setApprovals(approvalsRes.data.data);
        if (ledgerRes.ok) setLedger([...ledgerRes.data.data].reverse());
        setRefreshError(failure && !failure.ok ? failure : null);
      } while (dirty.current && alive.current);
    } finally {
      loading.current = false;
    }
    return latest;
  }, [base, runId, noteStatus]);

  // Follow the run's events while it is active, and again whenever it becomes active after having finished (a
  // retry puts a failed run back to queued): every load that finds it active without a follower starts one.
  const follower = useRef<{ close: () => void } | null>(null);
  const follow = useCallback(
    (loaded: Run | null) => {
      if (!alive.current || !loaded || !isActiveStatus(loaded.status) || follower.current) return;
      const current = followGeneration({
        url: `${base}/runs/${runId}/events`,
        afterSeq: loaded.last_event_seq,
        onEvent: (event) => {
          if (event.kind === "status") {
            const data = event.data as { status: Run["status"]; progress?: number };
            setRun((run) => (run ? { ...run, status: data.status, progress: data.progress ?? run.progress } : run));
            noteStatus(data.status);
          }
          void load();
        },
        onConnection: (state) => {
          setConnection(state);
          if ((state === "ended" || state === "failed") && follower.current === current) follower.current = null;
        },
        onFailure: setRefreshError,
      });
      follower.current = current;
    },
    [base, runId, load, noteStatus],
  );

  useEffect(() => {
    alive.current = true;
    void load().then(follow);
    return () => {
      alive.current = false;
      follower.current?.close();
      follower.current = null;
    };
  }, [load, follow]);

  const refresh = useCallback(() => void load().then(follow), [load, follow]);
  const applyRun = useCallback(
    (next: Run) => {
      if (next.id !== runId) return;
      setRun(next);
      noteStatus(next.status);
      refresh();
    },
    [runId, noteStatus, refresh],
  );
  return { run, steps, approvals, ledger, error, refreshError, connection, statusTrail, refresh, applyRun };
}
