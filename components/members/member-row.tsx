"use client";

import { useId, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { formatDate, initials, roleLabel, sameRoles, sortRoles } from "@/lib/client/format";
import type { Member, Role } from "@/lib/client/types";
import { ConflictAlert } from "../conflict-alert";
import { ErrorAlert } from "../error-alert";
import { RoleBadges } from "../role-badges";
import { RolePicker } from "../role-picker";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { MemberSessions } from "./member-sessions";

type Mode = "view" | "edit" | "confirm-remove";
/** A 412: someone changed this member after we read it. We show theirs and let the person reapply or drop ours. */
type Conflict = { action: "roles"; wanted: Role[]; current: Member } | { action: "remove"; current: Member };

const describe = (roles: readonly Role[]) => sortRoles(roles).map(roleLabel).join(", ");

/**
 * One member. Role changes and removal send `If-Match: "<version>"` with the version this page last read, so a
 * concurrent change is never overwritten silently: a 412 brings back the current member, shown next to the
 * change the person wanted.
 */
export function MemberRow({
  ws,
  member,
  isSelf,
  canManage,
  canManageSessions = false,
  onUpdated,
  onRemoved,
  onGone,
}: {
  ws: string;
  member: Member;
  isSelf: boolean;
  canManage: boolean;
  /** sessions.manage: see and sign out this member's devices. */
  canManageSessions?: boolean;
  onUpdated: (member: Member) => void;
  onRemoved: () => void;
  /** The member no longer exists (404): the list should be reloaded. */
  onGone: () => void;
}) {
  const [mode, setMode] = useState<Mode>("view");
  const [draft, setDraft] = useState<Role[]>(member.roles);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [showSessions, setShowSessions] = useState(false);
  const headingId = useId();
  const path = `/api/v1/workspaces/${ws}/members/${member.user_id}`;

  const handleFailure = (result: ApiFailure, conflictOf: (current: Member) => Conflict) => {
    const current = (result.body as { member?: Member } | null)?.member;
    if (result.status === 412 && current) {
      onUpdated(current);
      setConflict(conflictOf(current));
    } else if (result.status === 404) {
      onGone();
    } else {
      setError(result);
    }
  };

  const saveRoles = async (roles: Role[], version: number) => {
    setPending(true);
    setError(null);
    setConflict(null);
    setNotice(null);
    const result = await apiFetch<{ member: Member }>(path, { method: "PATCH", body: { roles }, ifMatch: version });
    setPending(false);
    if (result.ok) {
      onUpdated(result.data.member);
      setMode("view");
      setNotice(`Roles updated: ${describe(result.data.member.roles)}.`);
      return;
    }
    handleFailure(result, (current) => ({ action: "roles", wanted: roles, current }));
  };

  const remove = async (version: number) => {
    setPending(true);
    setError(null);
    setConflict(null);
    const result = await apiFetch(path, { method: "DELETE", ifMatch: version });
    setPending(false);
    if (result.ok) {
      onRemoved();
      return;
    }
    handleFailure(result, (current) => ({ action: "remove", current }));
  };

  const cancel = () => {
    setMode("view");
    setDraft(member.roles);
    setConflict(null);
    setError(null);
  };

  return (
    <li data-member={member.email} aria-labelledby={headingId} className="py-4">
      <div className="flex flex-col gap-3 sm:flex-row sm:items-center">
        <div className="flex min-w-0 flex-1 items-start gap-3">
          <span
            className="flex size-9 shrink-0 items-center justify-center rounded-full bg-slate-100 text-sm font-semibold text-slate-600"
            aria-hidden="true"
          >
            {initials(member.name, member.email)}
          </span>
          <div className="min-w-0 flex-1">
            <p id={headingId} className="flex items-center gap-2 text-sm font-medium text-slate-900">
              <span className="truncate">{member.name}</span>
              {isSelf ? <Badge tone="emerald">You</Badge> : null}
            </p>
            <p className="truncate text-xs text-slate-500">{member.email}</p>
            <div className="mt-1.5 flex flex-wrap items-center gap-x-3 gap-y-1">
              <RoleBadges roles={member.roles} />
              <span className="text-xs whitespace-nowrap text-slate-400">
                Joined <time dateTime={member.joined_at}>{formatDate(member.joined_at)}</time>
              </span>
            </div>
          </div>
        </div>
        {(canManage || canManageSessions) && mode === "view" ? (
          <div className="flex gap-2 pl-12 sm:pl-0">
            {canManageSessions ? (
              <Button
                size="sm"
                variant="ghost"
                aria-expanded={showSessions}
                aria-label={`Sessions of ${member.name}`}
                onClick={() => setShowSessions((open) => !open)}
              >
                Sessions
              </Button>
            ) : null}
            {canManage ? (
              <Button
                size="sm"
                variant="secondary"
                aria-label={`Change roles of ${member.name}`}
                onClick={() => {
                  setDraft(member.roles);
                  setNotice(null);
                  setMode("edit");
                }}
              >
                Change roles
              </Button>
            ) : null}
            {isSelf || !canManage ? null : (
              <Button
                size="sm"
                variant="ghost"
                className="text-red-700 hover:bg-red-50"
                aria-label={`Remove ${member.name}`}
                onClick={() => {
                  setNotice(null);
                  setMode("confirm-remove");
                }}
              >
                Remove
              </Button>
            )}
          </div>
        ) : null}
      </div>

      {showSessions && mode === "view" ? <MemberSessions ws={ws} member={member} /> : null}

      {notice ? (
        <p className="mt-2 pl-12 text-sm text-emerald-700" role="status">
          {notice}
        </p>
      ) : null}

      {mode === "edit" ? (
        <form
          className="mt-3 space-y-3 rounded-lg bg-slate-50 p-3 ring-1 ring-slate-200 ring-inset sm:ml-12"
          onSubmit={(event) => {
            event.preventDefault();
            void saveRoles(draft, member.version);
          }}
        >
          <RolePicker legend={`Roles of ${member.name}`} value={draft} onChange={setDraft} compact disabled={pending} />
          {isSelf && member.roles.includes("admin") && !draft.includes("admin") ? (
            <Alert tone="warning">You are removing your own admin role; you will lose access to these settings.</Alert>
          ) : null}
          {error ? <ErrorAlert error={error} title="Could not change the roles" /> : null}
          {conflict?.action === "roles" ? (
            <ConflictAlert
              title="Someone else changed this member meanwhile"
              keepLabel="Keep their version"
              busy={pending}
              onReapply={() => void saveRoles(conflict.wanted, conflict.current.version)}
              onKeep={() => {
                setDraft(conflict.current.roles);
                setConflict(null);
                setMode("view");
              }}
            >
              {member.name} now has <strong>{describe(conflict.current.roles)}</strong>; you wanted{" "}
              <strong>{describe(conflict.wanted)}</strong>. Nothing was overwritten.
            </ConflictAlert>
          ) : (
            <div className="flex gap-2">
              <Button type="submit" size="sm" loading={pending} disabled={sameRoles(draft, member.roles)}>
                Save roles
              </Button>
              <Button size="sm" variant="secondary" onClick={cancel} disabled={pending}>
                Cancel
              </Button>
            </div>
          )}
        </form>
      ) : null}

      {mode === "confirm-remove" ? (
        <div className="mt-3 space-y-3 rounded-lg bg-red-50/60 p-3 ring-1 ring-red-200 ring-inset sm:ml-12">
          {error ? <ErrorAlert error={error} title="Could not remove the member" /> : null}
          {conflict?.action === "remove" ? (
            <Alert tone="warning" title="This member changed since you loaded the page">
              {member.name} now has <strong>{describe(conflict.current.roles)}</strong>. Remove them anyway?
            </Alert>
          ) : (
            <p className="text-sm text-red-900">
              Remove <strong>{member.name}</strong> from this workspace? They lose access at once.
            </p>
          )}
          <div className="flex gap-2">
            <Button size="sm" variant="danger" loading={pending} onClick={() => void remove(member.version)}>
              {conflict ? "Remove anyway" : "Remove member"}
            </Button>
            <Button size="sm" variant="secondary" onClick={cancel} disabled={pending}>
              Cancel
            </Button>
          </div>
        </div>
      ) : null}
    </li>
  );
}
