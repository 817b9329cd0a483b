"use client";

import { useState } from "react";
import type { DeviceSession, Member, Page } from "@/lib/client/types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { useRemoveFromPage } from "@/lib/client/use-remove-from-page";
import { ErrorAlert } from "../error-alert";
import { SessionSummary } from "../sessions/session-summary";
import { Button } from "../ui/button";
import { LoadingBlock } from "../ui/spinner";

/** An admin's view of one member's signed-in devices, each of which can be signed out (audited). */
export function MemberSessions({ ws, member }: { ws: string; member: Member }) {
  const path = `/api/v1/workspaces/${ws}/members/${member.user_id}/sessions`;
  const sessions = useApiResource<Page<DeviceSession>>(path);
  const { removing: revoking, error, remove } = useRemoveFromPage(sessions);
  const [notice, setNotice] = useState<string | null>(null);

  const revoke = async (session: DeviceSession) => {
    setNotice(null);
    if (await remove(session, `${path}/${session.id}`)) {
      setNotice(`${session.device_label} is signed out; it needs to sign in again.`);
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
              <SessionSummary session={session} currentLabel="Your current session" />
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
