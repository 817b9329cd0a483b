import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { DeviceSession } from "@/lib/client/types";
import { Badge } from "../ui/badge";

/** A device session's label, "current" badge, address and times: the same line for users and for admins. */
export function SessionSummary({ session, currentLabel }: { session: DeviceSession; currentLabel: string }) {
  return (
    <div className="min-w-0 flex-1">
      <p className="flex flex-wrap items-center gap-x-2 gap-y-1 text-sm font-medium text-slate-900">
        {session.device_label}
        {session.current ? <Badge tone="emerald">{currentLabel}</Badge> : null}
      </p>
      <p className="text-xs text-slate-500">
        {session.ip_address ? `${session.ip_address} · ` : ""}signed in{" "}
        <time dateTime={session.created_at} title={formatDateTime(session.created_at)}>
          {formatRelative(session.created_at)}
        </time>{" "}
        · active{" "}
        <time dateTime={session.last_seen_at} title={formatDateTime(session.last_seen_at)}>
          {formatRelative(session.last_seen_at)}
        </time>
      </p>
    </div>
  );
}
