"use client";

import { useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { signOut } from "@/lib/client/auth";
import { formatRelative } from "@/lib/client/format";
import type { DeviceSession, Page } from "@/lib/client/types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { useRemoveFromPage } from "@/lib/client/use-remove-from-page";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { LoadingBlock } from "../ui/spinner";
import { ChangePasswordForm } from "./change-password-form";
import { SessionSummary } from "./session-summary";

export function SessionsPanel() {
  const sessions = useApiResource<Page<DeviceSession>>("/api/v1/sessions");
  const removal = useRemoveFromPage(sessions);
  const [signingOut, setSigningOut] = useState(false);
  const [actionError, setActionError] = useState<ApiFailure | null>(null);
  const [confirmAll, setConfirmAll] = useState(false);
  const [endingAll, setEndingAll] = useState(false);

  const revoke = async (session: DeviceSession) => {
    if (session.current) {
      setSigningOut(true);
      await signOut();
      return;
    }
    await removal.remove(session, `/api/v1/sessions/${session.id}`);
  };

  const logOutEverywhere = async () => {
    setEndingAll(true);
    setActionError(null);
    const result = await apiFetch("/api/v1/sessions", { method: "DELETE" });
    if (result.ok) {
      window.location.assign("/signin?signedOut=everywhere");
      return;
    }
    setEndingAll(false);
    setActionError(result);
  };

  const list = sessions.data?.data ?? [];
  const shownError = actionError ?? removal.error;

  return (
    <div className="grid gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
      <div className="space-y-6">
        <Card>
          <CardHeader
            title="Signed-in devices"
            description="Each device you signed in on has its own session. Signing one out takes effect on its next request."
            actions={
              <Button
                size="sm"
                variant="ghost"
                loading={sessions.loading && !!sessions.data}
                onClick={() => void sessions.reload()}
              >
                Refresh
              </Button>
            }
          />
          <CardBody className="py-0">
            {shownError ? <ErrorAlert className="my-4" error={shownError} /> : null}
            {!sessions.data && sessions.loading ? <LoadingBlock label="Loading sessions…" /> : null}
            {sessions.error ? (
              <ErrorAlert
                className="my-4"
                error={sessions.error}
                title="Could not load your sessions"
                actions={
                  <Button size="sm" variant="secondary" onClick={() => void sessions.reload()}>
                    Try again
                  </Button>
                }
              />
            ) : null}
            {sessions.data && list.length === 0 ? <EmptyState title="No active sessions" /> : null}
            {list.length ? (
              <ul className="divide-y divide-slate-100" aria-label="Sessions">
                {list.map((session) => (
                  <li
                    key={session.id}
                    data-session={session.current ? "current" : "other"}
                    className="flex items-center gap-3 py-4 sm:gap-4"
                  >
                    <span
                      className="flex size-9 shrink-0 items-center justify-center rounded-lg bg-slate-100 text-slate-500"
                      aria-hidden="true"
                    >
                      <DeviceIcon label={session.device_label} />
                    </span>
                    <SessionSummary session={session} currentLabel="This device" />
                    <Button
                      size="sm"
                      variant="secondary"
                      className="shrink-0"
                      loading={removal.removing === session.id || (session.current && signingOut)}
                      aria-label={
                        session.current
                          ? "Sign out of this device"
                          : `Sign out ${session.device_label}, signed in ${formatRelative(session.created_at)}`
                      }
                      onClick={() => void revoke(session)}
                    >
                      Sign out
                    </Button>
                  </li>
                ))}
              </ul>
            ) : null}
          </CardBody>
        </Card>

        <Card>
          <CardHeader
            title="Log out everywhere"
            description="End every session, including this one. Use it if a device was lost or you suspect someone else is signed in."
          />
          <CardBody>
            {confirmAll ? (
              <div className="flex flex-wrap items-center gap-2">
                <span className="text-sm text-red-800">Sign out all {list.length || ""} sessions now?</span>
                <Button variant="danger" loading={endingAll} onClick={() => void logOutEverywhere()}>
                  Yes, log out everywhere
                </Button>
                <Button variant="secondary" onClick={() => setConfirmAll(false)} disabled={endingAll}>
                  Cancel
                </Button>
              </div>
            ) : (
              <Button variant="danger" onClick={() => setConfirmAll(true)}>
                Log out everywhere
              </Button>
            )}
          </CardBody>
        </Card>
      </div>

      <Card className="self-start">
        <CardHeader
          title="Change password"
          description="Changing it signs out every other device; this one stays signed in."
        />
        <CardBody>
          <ChangePasswordForm onChanged={() => void sessions.reload()} />
        </CardBody>
      </Card>
    </div>
  );
}

function DeviceIcon({ label }: { label: string }) {
  const mobile = /\b(iOS|Android)\b/.test(label);
  return (
    <svg aria-hidden="true" viewBox="0 0 24 24" className="size-5" fill="none" stroke="currentColor" strokeWidth="1.75">
      {mobile ? (
        <>
          <rect x="7" y="3" width="10" height="18" rx="2" />
          <path d="M11 18h2" strokeLinecap="round" />
        </>
      ) : (
        <>
          <rect x="3" y="4" width="18" height="12" rx="2" />
          <path d="M8 20h8M12 16v4" strokeLinecap="round" />
        </>
      )}
    </svg>
  );
}
