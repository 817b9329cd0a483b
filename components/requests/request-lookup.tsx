"use client";

import Link from "next/link";
import { type FormEvent, useEffect, useRef, useState } from "react";
import type { RequestLookup } from "@/lib/client/admin-types";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { formatDateTime } from "@/lib/client/format";
import { ErrorAlert } from "../error-alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Input } from "../ui/input";

/** Paste a request id (every error alert shows one): the request, its outcome and what it touched. */
export function RequestLookupPanel({ ws, initialId }: { ws: string; initialId: string }) {
  const [id, setId] = useState(initialId);
  const [found, setFound] = useState<RequestLookup | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);

  async function lookUp(requestId: string) {
    setBusy(true);
    const result = await apiFetch<{ request: RequestLookup }>(
      `/api/v1/workspaces/${ws}/requests/${encodeURIComponent(requestId.trim())}`,
    );
    setBusy(false);
    setFound(result.ok ? result.data.request : null);
    setError(result.ok ? null : result);
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    void lookUp(id);
  }

  // Opened from a link (`?id=`: an error alert, the audit log): look it up at once.
  const linked = useRef(initialId.trim());
  // biome-ignore lint/correctness/useExhaustiveDependencies: only the id the page was opened with
  useEffect(() => {
    if (linked.current) void lookUp(linked.current);
  }, []);

  return (
    <div className="space-y-6">
      <Card>
        <CardBody>
          <form onSubmit={submit} className="flex flex-wrap items-end gap-3">
            <Input
              label="Request id"
              className="min-w-72 flex-1"
              value={id}
              onChange={(e) => setId(e.target.value)}
              required
            />
            <Button type="submit" loading={busy}>
              Look up
            </Button>
          </form>
        </CardBody>
      </Card>
      {error ? <ErrorAlert error={error} /> : null}
      {found ? (
        <>
          <Card>
            <CardHeader title="Request" description={<code className="font-mono">{found.request_id}</code>} />
            <CardBody className="space-y-2 text-sm">
              {found.logs.map((log) => (
                <p key={log.id} data-testid="request-log">
                  <Badge tone={log.status >= 400 ? "amber" : "emerald"}>{log.status}</Badge>{" "}
                  <span className="font-mono">
                    {log.method} {log.route}
                  </span>{" "}
                  · {log.duration_ms} ms · {log.user_email ?? log.token_id ?? "anonymous"} ·{" "}
                  {formatDateTime(log.created_at)}
                  {log.error_code ? <span className="text-red-700"> · error {log.error_code}</span> : null}
                </p>
              ))}
              {found.logs.length === 0 ? <p className="text-slate-500">No request log row (yet).</p> : null}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title={`Audit rows (${found.audit.length})`} />
            <CardBody className="space-y-1 text-sm">
              {found.audit.map((row) => (
                <p key={row.id}>
                  <span className="font-medium">{row.action}</span> on {row.target_type} {row.target_id ?? ""} ·{" "}
                  {formatDateTime(row.created_at)}
                </p>
              ))}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title={`Generations (${found.generations.length})`} />
            <CardBody className="space-y-4 text-sm">
              {found.generations.map((g) => (
                <div key={g.id}>
                  <p>
                    <Badge>{g.status}</Badge> <span className="font-mono">{g.id}</span> · {g.model} · attempts{" "}
                    {g.attempts}
                    {g.error ? <span className="text-red-700"> · {g.error.code}</span> : null}
                  </p>
                  <ul className="mt-1 list-disc pl-5 text-slate-600">
                    {g.messages.map((m) => (
                      <li key={m.id}>
                        #{m.seq} {m.role} ({m.status}): {m.content.slice(0, 160)}
                      </li>
                    ))}
                  </ul>
                </div>
              ))}
            </CardBody>
          </Card>
          <Card>
            <CardHeader title={`Agent runs (${found.runs.length})`} />
            <CardBody className="space-y-4 text-sm">
              {found.runs.map((run) => (
                <div key={run.id} data-testid="request-run">
                  <p>
                    <Badge tone={run.status === "failed" || run.status === "timed_out" ? "amber" : "neutral"}>
                      {run.status}
                    </Badge>{" "}
                    <Link className="font-mono text-sky-700 hover:underline" href={`/w/${ws}/runs/${run.id}`}>
                      {run.id}
                    </Link>{" "}
                    · {run.agent} · {run.started_by_this_request ? "started by this request" : "acted on"} · attempts{" "}
                    {run.attempts}
                    {run.error ? <span className="text-red-700"> · {run.error.code}</span> : null}
                  </p>
                  {run.steps.length ? (
                    <ul className="mt-1 list-disc pl-5 text-slate-600">
                      {run.steps.map((step) => (
                        <li key={step.number}>
                          step {step.number} {step.kind}
                          {step.tool ? ` ${step.tool}` : ""} ({step.status}) · {step.duration_ms} ms · {step.tokens}{" "}
                          tokens
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              ))}
            </CardBody>
          </Card>
          <Card>
            <CardHeader
              title={`Log lines (${found.log_lines.length})`}
              description="Lines the request and the jobs it started logged, masked as in the server logs."
            />
            <CardBody>
              {found.log_lines.length ? (
                <ol className="space-y-1 font-mono text-xs">
                  {found.log_lines.map((line) => (
                    <li key={line.id} data-testid="request-log-line" className="break-all">
                      <span className="text-slate-500">{formatDateTime(line.at)}</span>{" "}
                      <span className={line.level === "error" || line.level === "warn" ? "text-red-700" : ""}>
                        {line.level}
                      </span>{" "}
                      <span className="font-semibold">{line.event}</span> {JSON.stringify(line.fields)}
                    </li>
                  ))}
                </ol>
              ) : (
                <p className="text-sm text-slate-500">No log lines.</p>
              )}
            </CardBody>
          </Card>
        </>
      ) : null}
    </div>
  );
}
