"use client";

import { type FormEvent, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { useApiResource } from "@/lib/client/use-api-resource";
import { RETENTION_DAYS_MAX, RETENTION_DAYS_MIN } from "@/lib/retention/schemas";
import { ConflictAlert } from "../conflict-alert";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { Input } from "../ui/input";
import { LoadingBlock } from "../ui/spinner";

type WorkspaceSettings = { id: string; slug: string; name: string; retention_days: number; version: number };
/** A 412: someone changed the setting after this page read it; we show theirs next to ours, nothing is lost. */
type Conflict = { wanted: number; current: WorkspaceSettings };

const days = (n: number) => `${n} ${n === 1 ? "day" : "days"}`;

/** The form's own check, the same bounds as the API's schema, so most mistakes never leave the page. */
function checkDays(text: string): string | null {
  if (!/^\d+$/.test(text.trim())) return "Enter a whole number of days.";
  const n = Number(text);
  if (n < RETENTION_DAYS_MIN) return `Keep data at least ${days(RETENTION_DAYS_MIN)}.`;
  if (n > RETENTION_DAYS_MAX) return `At most ${RETENTION_DAYS_MAX} days (10 years).`;
  return null;
}

/**
 * The workspace's retention setting. Saving sends `If-Match` with the version this page last read, so a
 * concurrent change is never overwritten silently: a 412 brings back the current setting to choose from.
 */
export function RetentionSettings({ ws }: { ws: string }) {
  const path = `/api/v1/workspaces/${ws}`;
  const resource = useApiResource<{ workspace: WorkspaceSettings }>(path);
  const workspace = resource.data?.workspace ?? null;
  const [draft, setDraft] = useState<string | null>(null);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const [failure, setFailure] = useState<ApiFailure | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [saved, setSaved] = useState<number | null>(null);
  const [pending, setPending] = useState(false);

  if (!workspace) {
    return (
      <Card>
        <CardBody>
          {resource.error ? (
            <ErrorAlert error={resource.error} title="Could not load the settings" />
          ) : (
            <LoadingBlock />
          )}
        </CardBody>
      </Card>
    );
  }

  const value = draft ?? String(workspace.retention_days);
  const replace = (next: WorkspaceSettings) => resource.setData(() => ({ workspace: next }));

  const save = async (wanted: number, version: number) => {
    setPending(true);
    setFailure(null);
    setConflict(null);
    setSaved(null);
    const result = await apiFetch<{ workspace: WorkspaceSettings }>(path, {
      method: "PATCH",
      body: { retention_days: wanted },
      ifMatch: version,
    });
    setPending(false);
    if (result.ok) {
      replace(result.data.workspace);
      setDraft(null);
      setSaved(result.data.workspace.retention_days);
      return;
    }
    const current = (result.body as { workspace?: WorkspaceSettings } | null)?.workspace;
    if (result.status === 412 && current) {
      replace(current);
      setConflict({ wanted, current });
    } else if (result.type === "validation") {
      setFieldError(result.message);
    } else {
      setFailure(result);
    }
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = checkDays(value);
    setFieldError(problem);
    if (!problem) void save(Number(value), workspace.version);
  };

  return (
    <Card>
      <CardHeader
        title="Data retention"
        description="How long this workspace keeps conversations and operational data. A job checks every hour."
      />
      <CardBody className="space-y-4">
        <ul className="list-disc space-y-1 pl-5 text-sm text-slate-600">
          <li>
            <strong className="font-medium text-slate-800">Deleted</strong> once older than the setting: conversations
            with no activity since (with their messages and generations), finished agent runs (with their steps,
            approvals and ledger entries), request logs and idempotency records.
          </li>
          <li>
            <strong className="font-medium text-slate-800">Kept</strong> always: the audit log, the usage and billing
            ledger, records and sent emails of the agents' world, and anything still running.
          </li>
        </ul>
        <form noValidate onSubmit={submit} className="space-y-4" aria-label="Retention setting">
          <Input
            label="Keep data for (days)"
            name="retention_days"
            inputMode="numeric"
            className="max-w-xs"
            value={value}
            error={fieldError}
            hint={`From ${RETENTION_DAYS_MIN} to ${RETENTION_DAYS_MAX} days. Shortening it deletes older data at the next run.`}
            disabled={pending}
            onChange={(event) => {
              setDraft(event.target.value);
              setFieldError(null);
              setSaved(null);
            }}
          />
          {failure ? <ErrorAlert error={failure} title="Could not save the setting" /> : null}
          {conflict ? (
            <ConflictAlert
              title="Someone else changed this setting meanwhile"
              keepLabel="Keep their setting"
              busy={pending}
              onReapply={() => void save(conflict.wanted, conflict.current.version)}
              onKeep={() => {
                setDraft(null);
                setConflict(null);
              }}
            >
              It is now <strong>{days(conflict.current.retention_days)}</strong>; you wanted{" "}
              <strong>{days(conflict.wanted)}</strong>. Nothing was overwritten.
            </ConflictAlert>
          ) : (
            <div className="flex items-center gap-3">
              <Button type="submit" loading={pending} disabled={value === String(workspace.retention_days)}>
                Save
              </Button>
              {saved !== null ? (
                <p className="text-sm text-emerald-700" role="status">
                  Saved: data is kept {days(saved)}.
                </p>
              ) : null}
            </div>
          )}
        </form>
      </CardBody>
    </Card>
  );
}
