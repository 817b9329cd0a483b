"use client";

import { useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { DeviceSession, Member, Page } from "@/lib/client/types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { ErrorAlert } from "../error-alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { LoadingBlock } from "../ui/spinner";

/** An admin's view of one member's signed-in devices, each of which can be signed out (audited). */
export function MemberSessions({ ws, member }: { ws: string; member: Member }) {
  const path = `/api/v1/workspaces/${ws}/members/${member.user_id}/sessions`;
  const sessions = useApiResource<Page<DeviceSession>>(path);
  const [revoking, setRevoking] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const revoke = async (session: DeviceSession) => {
    setRevoking(session.id);
    setError(null);
    setNotice(null);
    const result = await apiFetch(`${path}/${session.id}`, { method: "DELETE" });
    setRevoking(null);
    // 404: it ended meanwhile (expired, signed out) — gone either way.
    if (result.ok || result.status === 404) {
      sessions.setData((page) => page && { ...page, data: page.data.filter((s) => s.id !== session.id) });
      setNotice(`${session.device_label} is signed out; it needs to sign in again.`);
    } else {
      setError(result);
    }
  };

  const list = sessions.data?.data ?? [];
  return (
    <section
      aria-label={`Sessions of ${member.name}`}
      className="mt-3 space-y-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200 ring-inset sm:ml-12"
    >
      {!sessions.data && sessions.loading ? <LoadingBlock label="Loading sessions…" /> : null}
      {sessions.error ? <ErrorAlert error={sessions.error} title="Could not load the sessions" /> : null}
      {error ? <ErrorAlert error={error} title="Could not sign the session out" /> : null}
      {notice ? (
        <p className="text-sm text-emerald-700" role="status">
          {notice}
        </p>
      ) : null}
      {sessions.data && list.length === 0 ? <p className="text-sm text-slate-500">No active sessions.</p> : null}
      {list.length ? (
        <ul className="divide-y divide-slate-200">
          {list.map((session) => (
            <li key={session.id} data-session-id={session.id} className="flex items-center gap-3 py-2">
              <div className="min-w-0 flex-1">
                <p className="flex flex-wrap items-center gap-2 text-sm font-medium text-slate-900">
                  {session.device_label}
                  {session.current ? <Badge tone="emerald">Your current session</Badge> : null}
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
              <Button
                size="sm"
                variant="secondary"
                loading={revoking === session.id}
                aria-label={`Sign out ${member.name} on ${session.device_label}`}
                onClick={() => void revoke(session)}
              >
                Sign out
              </Button>
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
