"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { apiFetch } from "@/lib/client/api";
import type { Invitation, Member, Page } from "@/lib/client/types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { ErrorAlert } from "../error-alert";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { LoadingBlock } from "../ui/spinner";
import { InvitationsList } from "./invitations-list";
import { InviteForm } from "./invite-form";
import { MemberRow } from "./member-row";

export function MembersPanel({
  ws,
  currentUserId,
  canManage,
  canInvite,
  canManageSessions = false,
}: {
  ws: string;
  currentUserId: string;
  /** members.write: change roles, remove. */
  canManage: boolean;
  /** sessions.manage: see and sign out members' devices. */
  canManageSessions?: boolean;
  /** invitations.write: invite, list and revoke invitations. */
  canInvite: boolean;
}) {
  const router = useRouter();
  const members = useApiResource<Page<Member>>(`/api/v1/workspaces/${ws}/members?limit=100`);
  const [more, setMore] = useState<{ loading: boolean; error: boolean }>({ loading: false, error: false });
  const [gone, setGone] = useState(false);

  const replace = (member: Member) => {
    members.setData(
      (page) => page && { ...page, data: page.data.map((m) => (m.user_id === member.user_id ? member : m)) },
    );
    // My own roles changed: the header, the nav and what this page offers follow the server.
    if (member.user_id === currentUserId) router.refresh();
  };
  const drop = (userId: string) =>
    members.setData((page) => page && { ...page, data: page.data.filter((m) => m.user_id !== userId) });

  const loadMore = async () => {
    const cursor = members.data?.next_cursor;
    if (!cursor) return;
    setMore({ loading: true, error: false });
    const result = await apiFetch<Page<Member>>(
      `/api/v1/workspaces/${ws}/members?limit=100&cursor=${encodeURIComponent(cursor)}`,
    );
    setMore({ loading: false, error: !result.ok });
    if (result.ok)
      members.setData(
        (page) => page && { data: [...page.data, ...result.data.data], next_cursor: result.data.next_cursor },
      );
  };

  return (
    <div className="space-y-6">
      {canInvite ? <InvitationSections ws={ws} /> : null}
      <Card>
        <CardHeader
          title={
            members.data ? `Members (${members.data.data.length}${members.data.next_cursor ? "+" : ""})` : "Members"
          }
          description={canManage ? "Change roles or remove people. Every change is recorded in the audit log." : null}
          actions={
            <Button
              size="sm"
              variant="ghost"
              loading={members.loading && !!members.data}
              onClick={() => void members.reload()}
            >
              Refresh
            </Button>
          }
        />
        <CardBody className="py-0">
          {gone ? (
            <Alert tone="info" className="my-4">
              A member you were changing had already left; the list was reloaded.
            </Alert>
          ) : null}
          {!members.data && members.loading ? <LoadingBlock label="Loading members…" /> : null}
          {members.error ? (
            <ErrorAlert
              className="my-4"
              error={members.error}
              title="Could not load the members"
              actions={
                <Button size="sm" variant="secondary" onClick={() => void members.reload()}>
                  Try again
                </Button>
              }
            />
          ) : null}
          {members.data && members.data.data.length === 0 ? <EmptyState title="No members" /> : null}
          {members.data?.data.length ? (
            <ul className="divide-y divide-slate-100" aria-label="Members">
              {members.data.data.map((member) => (
                <MemberRow
                  key={member.user_id}
                  ws={ws}
                  member={member}
                  isSelf={member.user_id === currentUserId}
                  canManage={canManage}
                  canManageSessions={canManageSessions}
                  onUpdated={replace}
                  onRemoved={() => drop(member.user_id)}
                  onGone={() => {
                    setGone(true);
                    void members.reload();
                  }}
                />
              ))}
            </ul>
          ) : null}
          {members.data?.next_cursor ? (
            <div className="flex items-center gap-3 py-4">
              <Button size="sm" variant="secondary" loading={more.loading} onClick={() => void loadMore()}>
                Load more
              </Button>
              {more.error ? <span className="text-sm text-red-700">Could not load more; try again.</span> : null}
            </div>
          ) : null}
        </CardBody>
      </Card>
    </div>
  );
}

function InvitationSections({ ws }: { ws: string }) {
  const invitations = useApiResource<Page<Invitation>>(`/api/v1/workspaces/${ws}/invitations`);
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <Card>
        <CardHeader
          title="Invite people"
          description="There is no email to wait for: you get a link to send them yourself."
        />
        <CardBody>
          <InviteForm ws={ws} onInvited={() => void invitations.reload()} />
        </CardBody>
      </Card>
      <Card>
        <CardHeader title="Pending invitations" description="Links not yet accepted. Revoke one to disable its link." />
        <CardBody className="py-0">
          <InvitationsList ws={ws} resource={invitations} />
        </CardBody>
      </Card>
    </div>
  );
}
