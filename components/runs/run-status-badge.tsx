import { cn } from "@/components/ui/cn";
import { type RunStatus, STATUS_LABELS } from "@/lib/client/runs/types";

const TONES: Record<RunStatus, string> = {
  queued: "bg-slate-100 text-slate-700 ring-slate-200",
  running: "bg-indigo-50 text-indigo-700 ring-indigo-200",
  waiting_approval: "bg-amber-50 text-amber-800 ring-amber-300",
  succeeded: "bg-emerald-50 text-emerald-700 ring-emerald-200",
  failed: "bg-red-50 text-red-700 ring-red-200",
  canceled: "bg-slate-100 text-slate-600 ring-slate-300",
  timed_out: "bg-orange-50 text-orange-800 ring-orange-200",
};

/** A run's status as a pill; `data-run-status` carries the raw value for tests and styling. */
export function RunStatusBadge({ status }: { status: RunStatus }) {
  return (
    <span
      data-run-status={status}
      className={cn(
        "inline-flex items-center gap-1.5 rounded-md px-2 py-0.5 text-xs font-medium whitespace-nowrap ring-1 ring-inset",
        TONES[status] ?? TONES.queued,
      )}
    >
      {status === "running" || status === "queued" ? (
        <span className="size-1.5 animate-pulse rounded-full bg-current" aria-hidden="true" />
      ) : null}
      {STATUS_LABELS[status] ?? status}
    </span>
  );
}

const RISK_TONES: Record<string, string> = {
  read: "bg-slate-50 text-slate-600 ring-slate-200",
  write_local: "bg-amber-50 text-amber-800 ring-amber-200",
  external_action: "bg-red-50 text-red-700 ring-red-200",
};

export function RiskBadge({ risk }: { risk: string }) {
  return (
    <span
      className={cn(
        "inline-flex items-center rounded px-1.5 py-0.5 font-mono text-[11px] ring-1 ring-inset",
        RISK_TONES[risk] ?? RISK_TONES.read,
      )}
    >
      {risk}
    </span>
  );
}
