"use client";

import { type FormEvent, useRef, useState } from "react";
import { type ApiFailure, apiFetch, newIdempotencyKey } from "@/lib/client/api";
import { formatDateTime, roleLabel, sortRoles } from "@/lib/client/format";
import type { Invitation, Role } from "@/lib/client/types";
import { CopyField } from "../copy-field";
import { ErrorAlert } from "../error-alert";
import { RolePicker } from "../role-picker";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Input } from "../ui/input";

/**
 * Invite by email → the link is shown here (there is no mail server). The POST is [idem]: one key per
 * intended invitation, reused when the answer was lost (network error) so a retry cannot create a second
 * invitation, and replaced as soon as the form changes (same key + another body would be a 422).
 */
export function InviteForm({ ws, onInvited }: { ws: string; onInvited: () => void }) {
  const [email, setEmail] = useState("");
  const [roles, setRoles] = useState<Role[]>(["member"]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [created, setCreated] = useState<Invitation | null>(null);
  const keyRef = useRef<string | null>(null);

  const edit =
    <T,>(setter: (value: T) => void) =>
    (value: T) => {
      keyRef.current = null;
      setter(value);
    };

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    keyRef.current ??= newIdempotencyKey();
    setPending(true);
    setError(null);
    const result = await apiFetch<{ invitation: Invitation }>(`/api/v1/workspaces/${ws}/invitations`, {
      method: "POST",
      body: { email, roles },
      idempotencyKey: keyRef.current,
    });
    setPending(false);
    if (result.ok) {
      keyRef.current = null;
      setCreated(result.data.invitation);
      setEmail("");
      setRoles(["member"]);
      onInvited();
      return;
    }
    if (result.type !== "network") keyRef.current = null;
    setError(result);
  };

  return (
    <div className="space-y-4">
      {created?.url ? (
        <Alert
          tone="success"
          title={`Invitation for ${created.email} created`}
          actions={
            <Button size="sm" variant="secondary" onClick={() => setCreated(null)}>
              Done
            </Button>
          }
        >
          <p>
            Send this link to them — it lets that email address join as{" "}
            {sortRoles(created.roles).map(roleLabel).join(", ")} and expires {formatDateTime(created.expires_at)}.
          </p>
          <div className="mt-3 rounded-lg bg-white/70 p-3">
            <CopyField label="Invitation link" value={created.url} />
          </div>
        </Alert>
      ) : null}
      <form onSubmit={submit} className="space-y-4" aria-label="Invite a person">
        {error ? (
          <ErrorAlert
            error={error}
            title={error.code === "already_member" ? "Already a member" : "Could not create the invitation"}
          />
        ) : null}
        <Input
          label="Email address"
          type="email"
          name="invite-email"
          required
          maxLength={254}
          placeholder="teammate@example.com"
          value={email}
          onChange={(event) => edit(setEmail)(event.target.value)}
        />
        <RolePicker legend="Roles" value={roles} onChange={edit(setRoles)} />
        <Button type="submit" loading={pending}>
          {pending ? "Creating link…" : "Create invitation link"}
        </Button>
      </form>
    </div>
  );
}
