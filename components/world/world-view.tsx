"use client";

import Link from "next/link";
import type { ReactNode } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { Card, CardBody, CardHeader } from "@/components/ui/card";
import { cn } from "@/components/ui/cn";
import { EmptyState } from "@/components/ui/empty-state";
import { LoadingBlock } from "@/components/ui/spinner";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { Page } from "@/lib/client/runs/types";
import { type ResourceState, useApiResource } from "@/lib/client/use-api-resource";
import type { OutboxEmailView } from "@/lib/world/outbox";
import type { RecordView } from "@/lib/world/records";

type Server = {
  hostname: string;
  disk_bytes: number;
  used_bytes: number;
  free_bytes: number;
  used_percent: number;
  log_bytes: number;
  logs: { path: string; size_bytes: number; age_days: number; rotated: boolean }[];
};

const GIB = 1024 ** 3;
const formatBytes = (bytes: number) =>
  bytes >= GIB ? `${(bytes / GIB).toFixed(1)} GiB` : `${Math.round(bytes / 1024 ** 2)} MiB`;
const preview = (text: string, max = 140) => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/** The in-app world the agents' tools act on (SPEC §4): outbox, records store, simulated server. */
export function WorldView({ ws }: { ws: string }) {
  const base = `/api/v1/workspaces/${ws}`;
  const outbox = useApiResource<Page<OutboxEmailView>>(`${base}/outbox`);
  const records = useApiResource<Page<RecordView>>(`${base}/records`);
  const server = useApiResource<{ server: Server }>(`${base}/server`);
  return (
    <div className="space-y-6">
      <nav aria-label="World sections" className="flex flex-wrap gap-2 text-sm">
        {[
          ["outbox", "Outbox"],
          ["records", "Records"],
          ["server", "Server"],
        ].map(([id, label]) => (
          <a
            key={id}
            href={`#${id}`}
            className="rounded-lg bg-white px-3 py-1.5 font-medium text-slate-700 ring-1 ring-slate-200 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
          >
            {label}
          </a>
        ))}
      </nav>
      <WorldSection
        id="outbox"
        title="Outbox"
        description="Emails the agents “sent”: they land here, never in a real inbox."
        resource={outbox}
      >
        {(page) =>
          page.data.length === 0 ? (
            <EmptyState
              title="No emails sent yet"
              description="A support agent run writes to customers; its emails appear here."
            />
          ) : (
            <ul aria-labelledby="outbox-title" className="divide-y divide-slate-100">
              {page.data.map((email) => (
                <li key={email.id} data-email-id={email.id} className="space-y-1 px-4 py-3 text-sm sm:px-6">
                  <div className="flex flex-wrap items-baseline justify-between gap-x-4 gap-y-1">
                    <p className="min-w-0 font-medium text-slate-900">
                      <span className="break-words">{email.subject}</span>
                      <span className="font-normal text-slate-500"> to </span>
                      <span className="font-mono text-xs break-all">{email.to}</span>
                    </p>
                    <time
                      dateTime={email.sentAt}
                      title={formatDateTime(email.sentAt)}
                      className="text-xs text-slate-500"
                    >
                      {formatRelative(email.sentAt)}
                    </time>
                  </div>
                  <p className="break-words text-slate-600">{preview(email.body)}</p>
                  {email.runId ? (
                    <Link
                      href={`/w/${ws}/runs/${email.runId}`}
                      className="text-xs font-medium text-indigo-700 hover:underline focus-visible:outline-2 focus-visible:outline-indigo-600"
                    >
                      View the run
                    </Link>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </WorldSection>
      <WorldSection
        id="records"
        title="Records"
        description="The CRM-like rows agents read and update in transactions; each update bumps the version."
        resource={records}
      >
        {(page) =>
          page.data.length === 0 ? (
            <EmptyState title="No records yet" />
          ) : (
            <div className="overflow-x-auto">
              <table aria-labelledby="records-title" className="min-w-full text-left text-sm">
                <thead className="border-b border-slate-100 text-xs text-slate-500">
                  <tr>
                    <th scope="col" className="px-4 py-2 font-medium sm:px-6">
                      Kind
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Name
                    </th>
                    <th scope="col" className="px-4 py-2 font-medium">
                      Data
                    </th>
                    <th scope="col" className="px-4 py-2 text-right font-medium sm:px-6">
                      Version
                    </th>
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {page.data.map((record) => (
                    <tr key={record.id} data-record={`${record.kind}:${record.externalId}`} className="align-top">
                      <td className="px-4 py-2 whitespace-nowrap text-slate-600 sm:px-6">{record.kind}</td>
                      <td className="px-4 py-2">
                        <span className="font-medium text-slate-900">{record.name}</span>
                        <span className="block font-mono text-xs text-slate-400">{record.externalId}</span>
                      </td>
                      <td className="max-w-md px-4 py-2 font-mono text-xs break-words text-slate-700">
                        {preview(JSON.stringify(record.data), 200)}
                      </td>
                      <td className="px-4 py-2 text-right tabular-nums sm:px-6">v{record.version}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )
        }
      </WorldSection>
      <WorldSection
        id="server"
        title="Server"
        description="The simulated server the operations agent looks after."
        resource={server}
      >
        {({ server: host }) => <ServerPanel server={host} />}
      </WorldSection>
    </div>
  );
}

function ServerPanel({ server }: { server: Server }) {
  const full = server.used_percent >= 80;
  return (
    <CardBody className="space-y-4 text-sm">
      <div>
        <p className="flex flex-wrap items-baseline justify-between gap-2">
          <span className="font-mono text-slate-900">{server.hostname}</span>
          <span className="text-slate-600">
            <span data-disk-used-percent={server.used_percent} className="font-semibold text-slate-900 tabular-nums">
              {server.used_percent}% used
            </span>{" "}
            · {formatBytes(server.used_bytes)} of {formatBytes(server.disk_bytes)} · {formatBytes(server.free_bytes)}{" "}
            free
          </span>
        </p>
        <div
          role="progressbar"
          aria-label="Disk used"
          aria-valuetext={`${server.used_percent}% used`}
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={server.used_percent}
          className="mt-2 h-2 overflow-hidden rounded-full bg-slate-100"
        >
          <div
            className={cn("h-full rounded-full", full ? "bg-amber-500" : "bg-emerald-500")}
            style={{ width: `${Math.min(100, server.used_percent)}%` }}
          />
        </div>
      </div>
      <div>
        <h3 className="mb-1.5 text-xs font-semibold tracking-wide text-slate-500 uppercase">
          Log files ({formatBytes(server.log_bytes)})
        </h3>
        {server.logs.length === 0 ? (
          <p className="text-xs text-slate-400">No log files</p>
        ) : (
          <ul className="divide-y divide-slate-100 rounded-lg ring-1 ring-slate-200">
            {server.logs.map((log) => (
              <li key={log.path} data-log-path={log.path} className="flex flex-wrap items-center gap-x-3 px-3 py-1.5">
                <span className="min-w-0 flex-1 font-mono text-xs break-all text-slate-800">{log.path}</span>
                {log.rotated ? <span className="text-[11px] text-slate-500">rotated</span> : null}
                <span className="text-xs text-slate-500 tabular-nums">{log.age_days} d</span>
                <span className="w-20 text-right text-xs text-slate-700 tabular-nums">
                  {formatBytes(log.size_bytes)}
                </span>
              </li>
            ))}
          </ul>
        )}
      </div>
    </CardBody>
  );
}

/** One section of the world: a card with its title, and its content once loaded (or why it is not). */
function WorldSection<T>({
  id,
  title,
  description,
  resource,
  children,
}: {
  id: string;
  title: string;
  description: string;
  resource: ResourceState<T>;
  children: (data: T) => ReactNode;
}) {
  const what = `the ${title.toLowerCase()}`;
  let body: ReactNode;
  if (resource.error) {
    body = (
      <CardBody>
        <ErrorAlert
          error={resource.error}
          title={`Could not load ${what}`}
          actions={
            <Button variant="secondary" size="sm" onClick={() => void resource.reload()}>
              Try again
            </Button>
          }
        />
      </CardBody>
    );
  } else if (!resource.data) {
    body = <LoadingBlock label={`Loading ${what}…`} />;
  } else {
    body = children(resource.data);
  }
  return (
    <section id={id} data-world-section={id} className="scroll-mt-20">
      <Card>
        <CardHeader title={title} titleId={`${id}-title`} description={description} />
        {body}
      </Card>
    </section>
  );
}
