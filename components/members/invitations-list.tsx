"use client";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { Invitation, Page } from "@/lib/client/types";
import type { ResourceState } from "@/lib/client/use-api-resource";
import { useRemoveFromPage } from "@/lib/client/use-remove-from-page";
import { ErrorAlert } from "../error-alert";
import { RoleBadges } from "../role-badges";
import { Button } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { LoadingBlock } from "../ui/spinner";

export function InvitationsList({ ws, resource }: { ws: string; resource: ResourceState<Page<Invitation>> }) {
  const { data, error, loading, reload } = resource;
  const { removing: revoking, error: revokeError, remove } = useRemoveFromPage(resource);
  const revoke = (invitation: Invitation) =>
    remove(invitation, `/api/v1/workspaces/${ws}/invitations/${invitation.id}`);

  if (!data && loading) return <LoadingBlock label="Loading invitations…" />;
  if (!data && error)
    return (
      <ErrorAlert
        error={error}
        title="Could not load invitations"
        actions={
          <Button size="sm" variant="secondary" onClick={() => void reload()}>
            Try again
          </Button>
        }
      />
    );
  if (!data?.data.length)
    return (
      <EmptyState title="No pending invitations" description="Invitations you create appear here until accepted." />
    );

  return (
    <div className="space-y-3">
      {revokeError ? <ErrorAlert error={revokeError} title="Could not revoke the invitation" /> : null}
      <ul className="divide-y divide-slate-100" aria-label="Pending invitations">
        {data.data.map((invitation) => (
          <li
            key={invitation.id}
            data-invitation={invitation.email}
            className="flex flex-wrap items-center gap-x-4 gap-y-2 py-3"
          >
            <div className="min-w-0 flex-1">
              <p className="truncate text-sm font-medium text-slate-900">{invitation.email}</p>
              <p className="text-xs text-slate-500">
                Invited {formatRelative(invitation.created_at)} ·{" "}
                <time dateTime={invitation.expires_at} title={formatDateTime(invitation.expires_at)}>
                  expires {formatRelative(invitation.expires_at)}
                </time>
              </p>
            </div>
            <RoleBadges roles={invitation.roles} />
            <Button
              size="sm"
              variant="secondary"
              loading={revoking === invitation.id}
              onClick={() => void revoke(invitation)}
              aria-label={`Revoke the invitation for ${invitation.email}`}
            >
              Revoke
            </Button>
          </li>
        ))}
      </ul>
    </div>
  );
}
