"use client";

import Link from "next/link";
import { useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { signOut } from "@/lib/client/auth";
import { formatDateTime } from "@/lib/client/format";
import type { InvitationPreview } from "@/lib/client/types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { ErrorAlert } from "../error-alert";
import { RoleBadges } from "../role-badges";
import { Alert } from "../ui/alert";
import { Button, LinkButton } from "../ui/button";
import { EmptyState } from "../ui/empty-state";
import { LoadingBlock } from "../ui/spinner";

export function AcceptInvitation({ secret, email }: { secret: string; email: string }) {
  const path = `/api/v1/invitations/${encodeURIComponent(secret)}`;
  const preview = useApiResource<{ invitation: InvitationPreview }>(path);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);

  const accept = async () => {
    setPending(true);
    setError(null);
    const result = await apiFetch<{ workspace: { slug: string } }>(`${path}/accept`, { method: "POST" });
    if (result.ok) {
      window.location.assign(`/w/${result.data.workspace.slug}`);
      return;
    }
    setPending(false);
    setError(result);
  };

  if (!preview.data && preview.loading) return <LoadingBlock label="Opening the invitation…" />;
  if (preview.error?.status === 404)
    return (
      <EmptyState
        title="This invitation link no longer works"
        description="It was already used, revoked or has expired. Ask an admin of the workspace for a new link."
        action={<LinkButton href="/">Go to Holdfast</LinkButton>}
      />
    );
  if (!preview.data)
    return preview.error ? (
      <ErrorAlert
        error={preview.error}
        title="Could not open the invitation"
        actions={
          <Button size="sm" variant="secondary" onClick={() => void preview.reload()}>
            Try again
          </Button>
        }
      />
    ) : null;

  const invitation = preview.data.invitation;
  const wrongAccount = invitation.email.toLowerCase() !== email.toLowerCase();

  return (
    <div className="space-y-5">
      <div className="rounded-xl bg-slate-50 p-4 ring-1 ring-slate-200 ring-inset">
        <p className="text-xs font-semibold tracking-wide text-slate-400 uppercase">Workspace</p>
        <p className="mt-0.5 text-lg font-semibold text-slate-900" data-testid="invite-workspace">
          {invitation.workspace.name}
        </p>
        <dl className="mt-3 grid grid-cols-[auto_1fr] gap-x-4 gap-y-2 text-sm">
          <dt className="text-slate-500">Roles</dt>
          <dd>
            <RoleBadges roles={invitation.roles} />
          </dd>
          <dt className="text-slate-500">For</dt>
          <dd className="truncate text-slate-900">{invitation.email}</dd>
          <dt className="text-slate-500">Expires</dt>
          <dd className="text-slate-900">{formatDateTime(invitation.expires_at)}</dd>
        </dl>
      </div>
      {wrongAccount ? (
        <Alert
          tone="warning"
          title="This invitation is for another email address"
          actions={
            <Button size="sm" variant="secondary" onClick={() => void signOut(`/signin?callbackUrl=/invite/${secret}`)}>
              Sign in with another account
            </Button>
          }
        >
          It was sent to <strong>{invitation.email}</strong>, but you are signed in as <strong>{email}</strong>.
        </Alert>
      ) : null}
      {error ? <ErrorAlert error={error} title="Could not join the workspace" /> : null}
      <div className="flex flex-col gap-2 sm:flex-row-reverse">
        <Button onClick={() => void accept()} loading={pending} disabled={wrongAccount} className="sm:flex-1">
          {pending ? "Joining…" : `Join ${invitation.workspace.name}`}
        </Button>
        <Link
          href="/"
          className="rounded-lg px-3.5 py-2 text-center text-sm font-medium text-slate-600 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          Not now
        </Link>
      </div>
    </div>
  );
}
