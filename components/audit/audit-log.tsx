"use client";

import Link from "next/link";
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { formatDateTime } from "@/lib/client/format";
import type { AuditEntry, AuditFilterValues } from "@/lib/client/ops-types";
import type { Page } from "@/lib/client/types";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";
import { Card, CardBody } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Input } from "../ui/input";
import { LoadingBlock } from "../ui/spinner";

const EMPTY: AuditFilterValues = { action: "", actor: "", from: "", to: "" };

function queryOf(filters: AuditFilterValues, cursor: string | null): string {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value.trim()) query.set(name, value.trim());
  if (cursor) query.set("cursor", cursor);
  const text = query.toString();
  return text ? `?${text}` : "";
}

/** The workspace's audit log, newest first, with filters (sent to the server) and "Load more" pagination. */
export function AuditLog({ ws, initial }: { ws: string; initial: Partial<AuditFilterValues> }) {
  const [draft, setDraft] = useState<AuditFilterValues>({ ...EMPTY, ...initial });
  const [applied, setApplied] = useState<AuditFilterValues>({ ...EMPTY, ...initial });
  const [entries, setEntries] = useState<AuditEntry[] | null>(null);
  const [nextCursor, setNextCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(false);

  const load = useCallback(
    async (filters: AuditFilterValues, cursor: string | null) => {
      setLoading(true);
      const result = await apiFetch<Page<AuditEntry>>(`/api/v1/workspaces/${ws}/audit${queryOf(filters, cursor)}`);
      setLoading(false);
      if (!result.ok) {
        setError(result);
        return;
      }
      setError(null);
      setEntries((current) => (cursor ? [...(current ?? []), ...result.data.data] : result.data.data));
      setNextCursor(result.data.next_cursor);
    },
    [ws],
  );

  useEffect(() => {
    void load(applied, null);
    // Keep the address shareable: the filters live in the query string too.
    window.history.replaceState(null, "", `/w/${ws}/audit${queryOf(applied, null)}`);
  }, [applied, load, ws]);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setApplied({ ...draft });
  };
  const field = (name: keyof AuditFilterValues) => ({
    value: draft[name],
    onChange: (event: { target: { value: string } }) => setDraft((d) => ({ ...d, [name]: event.target.value })),
  });

  return (
    <div className="space-y-6">
      <Card>
        <CardBody>
          <form
            onSubmit={submit}
            className="grid gap-3 sm:grid-cols-2 lg:grid-cols-[2fr_2fr_1fr_1fr_auto] lg:items-end"
          >
            <Input label="Action" placeholder="member.* or prompt.created" {...field("action")} />
            <Input label="Actor" placeholder="email or id" {...field("actor")} />
            <Input label="From" type="date" {...field("from")} />
            <Input label="To" type="date" {...field("to")} />
            <div className="flex gap-2">
              <Button type="submit" loading={loading && !entries}>
                Filter
              </Button>
              <Button
                variant="secondary"
                onClick={() => {
                  setDraft(EMPTY);
                  setApplied(EMPTY);
                }}
              >
                Clear
              </Button>
            </div>
          </form>
        </CardBody>
      </Card>

      {error ? <ErrorAlert error={error} title="Could not load the audit log" /> : null}

      <Card>
        <CardBody className="py-0">
          {!entries && loading ? <LoadingBlock label="Loading the audit log…" /> : null}
          {entries && entries.length === 0 ? <EmptyState title="No audit entries match" /> : null}
          {entries?.length ? (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm" aria-label="Audit log">
                <thead className="text-xs text-slate-500 uppercase">
                  <tr>
                    <th className="py-3 pr-4 font-medium">Time</th>
                    <th className="py-3 pr-4 font-medium">Action</th>
                    <th className="py-3 pr-4 font-medium">Actor</th>
                    <th className="py-3 pr-4 font-medium">Target</th>
                    <th className="py-3 font-medium">Request</th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {entries.map((entry) => (
                    <tr key={entry.id} data-audit-action={entry.action} className="align-top">
                      <td className="py-3 pr-4 whitespace-nowrap text-slate-600">
                        <time dateTime={entry.created_at}>{formatDateTime(entry.created_at)}</time>
                      </td>
                      <td className="py-3 pr-4 font-mono text-xs text-slate-900">{entry.action}</td>
                      <td className="py-3 pr-4 text-slate-700">
                        {entry.actor_email ??
                          (entry.actor_token_id ? `token ${entry.actor_token_id.slice(0, 8)}` : "system")}
                      </td>
                      <td className="py-3 pr-4 text-slate-600">
                        {entry.target_type}
                        {entry.target_id ? (
                          <span className="block font-mono text-xs text-slate-400">{entry.target_id}</span>
                        ) : null}
                      </td>
                      <td className="py-3 font-mono text-xs">
                        {entry.request_id ? (
                          <Link
                            href={`/w/${ws}/requests?id=${encodeURIComponent(entry.request_id)}`}
                            className="text-indigo-700 underline-offset-2 hover:underline"
                            aria-label={`Look up request ${entry.request_id}`}
                          >
                            {entry.request_id}
                          </Link>
                        ) : (
                          <span className="text-slate-400">—</span>
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : null}
          {nextCursor ? (
            <div className="border-t border-slate-100 py-3">
              <Button size="sm" variant="secondary" loading={loading} onClick={() => void load(applied, nextCursor)}>
                Load more
              </Button>
            </div>
          ) : null}
        </CardBody>
      </Card>
    </div>
  );
}
