"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { Input } from "@/components/ui/input";
import type { RequestLookup } from "@/lib/client/admin-types";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { formatRelative } from "@/lib/client/format";
import { RunStatusBadge } from "./run-status-badge";

type Found = { requestId: string; route: string | null } & Pick<RequestLookup, "runs" | "generations">;

/**
 * Paste the request id an error showed (or a member sent you): the runs that request started or acted on (retry,
 * cancel, approval…) and the generations it started, as the request lookup finds them.
 */
export function FindByRequest({ ws }: { ws: string }) {
  const [id, setId] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [found, setFound] = useState<Found | null>(null);

  async function find(event: FormEvent) {
    event.preventDefault();
    const requestId = id.trim();
    if (!requestId) return;
    setBusy(true);
    setFound(null);
    const lookup = await apiFetch<{ request: RequestLookup }>(
      `/api/v1/workspaces/${ws}/requests/${encodeURIComponent(requestId)}`,
    );
    setBusy(false);
    if (!lookup.ok) {
      setError(lookup);
      return;
    }
    const { logs, runs, generations } = lookup.data.request;
    setError(null);
    setFound({ requestId, route: logs[0] ? `${logs[0].method} ${logs[0].route}` : null, runs, generations });
  }

  return (
    <Card>
      <CardHeader
        title="Find by request id"
        description="Paste the request id shown with an error to find the run or generation behind it."
      />
      <CardBody className="space-y-4">
        <form onSubmit={find} className="flex flex-wrap items-end gap-3" aria-label="Find by request id">
          <Input
            label="Request id"
            className="min-w-64 flex-1"
            value={id}
            onChange={(event) => setId(event.target.value)}
            required
          />
          <Button type="submit" loading={busy}>
            Find
          </Button>
        </form>
        {error ? (
          <ErrorAlert
            error={error}
            title={error.status === 404 ? "No request with this id in this workspace" : "Could not look the request up"}
          />
        ) : null}
        {found ? (
          <div className="space-y-2 text-sm" data-found-request={found.requestId}>
            {found.route ? (
              <p className="text-slate-600">
                Request <code className="font-mono">{found.requestId}</code>: {found.route}
              </p>
            ) : null}
            {found.runs.length === 0 && found.generations.length === 0 ? (
              <p className="text-slate-500">This request started no run and no generation.</p>
            ) : null}
            <ul className="space-y-1">
              {found.runs.map((run) => (
                <li key={run.id} className="flex flex-wrap items-center gap-2">
                  <RunStatusBadge status={run.status} />
                  <Link
                    href={`/w/${ws}/runs/${run.id}`}
                    data-found-run-id={run.id}
                    className="font-medium text-indigo-700 underline underline-offset-2"
                  >
                    {run.goal}
                  </Link>
                  <span className="text-xs text-slate-500">
                    {run.started_by_this_request ? "started" : "acted on"} · {run.agent} ·{" "}
                    {formatRelative(run.created_at)}
                    {run.error?.code ? ` · ${run.error.code}` : ""}
                  </span>
                </li>
              ))}
              {found.generations.map((generation) => (
                <li key={generation.id} className="flex flex-wrap items-center gap-2">
                  <Link
                    href={`/w/${ws}/chat/${generation.conversation_id}`}
                    data-found-generation-id={generation.id}
                    className="font-medium text-indigo-700 underline underline-offset-2"
                  >
                    Generation {generation.id.slice(0, 8)}
                  </Link>
                  <span className="text-xs text-slate-500">
                    {generation.status} · {generation.model}
                    {generation.error?.code ? ` · ${generation.error.code}` : ""}
                  </span>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
      </CardBody>
    </Card>
  );
}
