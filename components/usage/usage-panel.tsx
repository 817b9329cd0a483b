"use client";

import { useState } from "react";
import type { UsageReport, UsageRow } from "@/lib/client/admin-types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { ErrorAlert } from "../error-alert";
import { Alert } from "../ui/alert";
import { buttonClasses } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Input } from "../ui/input";
import { LoadingBlock } from "../ui/spinner";
import { UsageChart } from "./usage-chart";

const number = new Intl.NumberFormat();

function monthStart(): string {
  const now = new Date();
  return `${now.getUTCFullYear()}-${String(now.getUTCMonth() + 1).padStart(2, "0")}-01`;
}

/** Usage for billing owners: tokens and cost per day, breakdowns, the plan limit with its forecast, CSV export. */
export function UsagePanel({ ws }: { ws: string }) {
  const [from, setFrom] = useState(monthStart());
  const [to, setTo] = useState(new Date().toISOString().slice(0, 10));
  const range = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
  const base = `/api/v1/workspaces/${ws}`;
  const byDay = useApiResource<UsageReport>(`${base}/usage?${range}&group_by=day`);
  const byMember = useApiResource<UsageReport>(`${base}/usage?${range}&group_by=member`);
  const byModel = useApiResource<UsageReport>(`${base}/usage?${range}&group_by=model`);
  const byAgent = useApiResource<UsageReport>(`${base}/usage?${range}&group_by=agent`);
  const report = byDay.data;

  return (
    <div className="space-y-6">
      <Card>
        <CardBody className="flex flex-wrap items-end gap-4">
          <Input label="From" type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
          <Input label="To" type="date" value={to} onChange={(e) => setTo(e.target.value)} />
          <a className={buttonClasses("secondary")} href={`${base}/usage.csv?${range}&group_by=day`} download>
            Download CSV
          </a>
        </CardBody>
      </Card>

      {byDay.error ? <ErrorAlert error={byDay.error} /> : null}
      {!report && byDay.loading ? <LoadingBlock label="Loading usage…" /> : null}

      {report ? (
        <>
          {report.quota.alert ? (
            <Alert tone="warning" title="80% of this month's token limit is used">
              {number.format(report.quota.used_tokens)} of {number.format(report.quota.token_limit)} tokens used.
            </Alert>
          ) : null}
          <div className="grid gap-4 sm:grid-cols-4">
            <Stat label="Plan limit (tokens / month)" value={number.format(report.quota.token_limit)} />
            <Stat
              label="Used · reserved"
              value={`${number.format(report.quota.used_tokens)} · ${number.format(report.quota.reserved_tokens)}`}
            />
            <Stat label="Remaining" value={number.format(report.quota.remaining_tokens)} />
            <Stat
              label="Forecast to period end"
              value={number.format(report.quota.forecast_tokens)}
              warn={report.quota.forecast_exceeds_limit}
            />
          </div>
          <Card>
            <CardHeader
              title="Tokens and cost per day"
              description={`Total: ${number.format(report.totals.total_tokens)} tokens, $${report.totals.cost_usd}`}
            />
            <CardBody>
              <UsageChart rows={report.data} />
            </CardBody>
          </Card>
        </>
      ) : null}

      <div className="grid gap-6 lg:grid-cols-3">
        <Breakdown title="By member" rows={byMember.data?.data} />
        <Breakdown title="By model" rows={byModel.data?.data} />
        <Breakdown title="By agent" rows={byAgent.data?.data} />
      </div>
    </div>
  );
}

function Stat({ label, value, warn = false }: { label: string; value: string; warn?: boolean }) {
  return (
    <Card className="px-4 py-3">
      <p className="text-xs text-slate-500">{label}</p>
      <p className={warn ? "text-lg font-semibold text-amber-700" : "text-lg font-semibold text-slate-900"}>{value}</p>
    </Card>
  );
}

function Breakdown({ title, rows }: { title: string; rows: UsageRow[] | undefined }) {
  return (
    <Card>
      <CardHeader title={title} />
      <div className="overflow-x-auto">
        <table className="w-full text-left text-sm">
          <thead className="text-xs text-slate-500">
            <tr>
              <th className="px-4 py-2 font-medium">Name</th>
              <th className="px-4 py-2 text-right font-medium">Tokens</th>
              <th className="px-4 py-2 text-right font-medium">Cost</th>
            </tr>
          </thead>
          <tbody>
            {(rows ?? []).map((row) => (
              <tr key={row.key ?? "none"} className="border-t border-slate-100">
                <td className="max-w-40 truncate px-4 py-2">{row.label}</td>
                <td className="px-4 py-2 text-right tabular-nums">{number.format(row.total_tokens)}</td>
                <td className="px-4 py-2 text-right tabular-nums">${row.cost_usd}</td>
              </tr>
            ))}
            {rows && rows.length === 0 ? (
              <tr>
                <td colSpan={3} className="px-4 py-4 text-center text-slate-500">
                  No usage in this range.
                </td>
              </tr>
            ) : null}
          </tbody>
        </table>
      </div>
    </Card>
  );
}
