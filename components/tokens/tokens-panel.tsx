"use client";

import { type FormEvent, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { ApiToken, Page, Role } from "@/lib/client/types";
import { type ResourceState, useApiResource } from "@/lib/client/use-api-resource";
import { useRemoveFromPage } from "@/lib/client/use-remove-from-page";
import { CopyField } from "../copy-field";
import { ErrorAlert } from "../error-alert";
import { RoleBadges } from "../role-badges";
import { RolePicker } from "../role-picker";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { EmptyState } from "../ui/empty-state";
import { Input } from "../ui/input";
import { LoadingBlock } from "../ui/spinner";

type Created = { token: string; id: string; api_token: ApiToken };

export function TokensPanel({ ws, origin }: { ws: string; origin: string }) {
  const tokens = useApiResource<Page<ApiToken>>(`/api/v1/workspaces/${ws}/tokens`);
  const [created, setCreated] = useState<Created | null>(null);

  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <Card>
          <CardHeader
            title="Create a token"
            description="A token acts in this workspace only, with the roles you give it. Store it like a password."
          />
          <CardBody>
            <CreateTokenForm
              ws={ws}
              onCreated={(result) => {
                setCreated(result);
                tokens.setData((page) => page && { ...page, data: [result.api_token, ...page.data] });
              }}
            />
          </CardBody>
        </Card>
        <Card>
          <CardHeader title="Using a token" description="Send it in the Authorization header of API requests." />
          <CardBody>
            <pre className="overflow-x-auto rounded-lg bg-slate-900 p-3 text-xs leading-relaxed text-slate-100">
              <code>{`curl \\\n  -H "Authorization: Bearer $HOLDFAST_TOKEN" \\\n  ${origin}/api/v1/workspaces/${ws}/members`}</code>
            </pre>
          </CardBody>
        </Card>
      </div>

      {created ? (
        <Alert
          tone="success"
          title={`Token "${created.api_token.name}" created — copy it now`}
          actions={
            <Button size="sm" variant="secondary" onClick={() => setCreated(null)}>
              I have stored it
            </Button>
          }
        >
          <p>This is the only time the token is shown. Holdfast keeps only a hash of it.</p>
          <div className="mt-3 rounded-lg bg-white/70 p-3">
            <CopyField label="New API token" value={created.token} />
          </div>
        </Alert>
      ) : null}

      <Card>
        <CardHeader
          title="Active tokens"
          actions={
            <Button
              size="sm"
              variant="ghost"
              loading={tokens.loading && !!tokens.data}
              onClick={() => void tokens.reload()}
            >
              Refresh
            </Button>
          }
        />
        <CardBody className="py-0">
          <TokenList ws={ws} resource={tokens} />
        </CardBody>
      </Card>
    </div>
  );
}

function CreateTokenForm({ ws, onCreated }: { ws: string; onCreated: (created: Created) => void }) {
  const [name, setName] = useState("");
  const [roles, setRoles] = useState<Role[]>(["member"]);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const result = await apiFetch<Created>(`/api/v1/workspaces/${ws}/tokens`, {
      method: "POST",
      body: { name, roles },
    });
    setPending(false);
    if (!result.ok) {
      setError(result);
      return;
    }
    setName("");
    setRoles(["member"]);
    onCreated(result.data);
  };

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Create an API token">
      {error ? <ErrorAlert error={error} title="Could not create the token" /> : null}
      <Input
        label="Token name"
        name="token-name"
        required
        maxLength={80}
        placeholder="CI pipeline"
        hint="What will use it — so you know what breaks if you revoke it."
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <RolePicker legend="Roles of the token" value={roles} onChange={setRoles} compact />
      <Button type="submit" loading={pending}>
        {pending ? "Creating…" : "Create token"}
      </Button>
    </form>
  );
}

function TokenList({ ws, resource }: { ws: string; resource: ResourceState<Page<ApiToken>> }) {
  const { data, error, loading, reload } = resource;
  const [confirming, setConfirming] = useState<string | null>(null);
  const { removing: revoking, error: revokeError, remove } = useRemoveFromPage(resource);
  const revoke = async (token: ApiToken) => {
    await remove(token, `/api/v1/workspaces/${ws}/tokens/${token.id}`);
    setConfirming(null);
  };

  if (!data && loading) return <LoadingBlock label="Loading tokens…" />;
  if (!data && error)
    return (
      <ErrorAlert
        className="my-4"
        error={error}
        title="Could not load the tokens"
        actions={
          <Button size="sm" variant="secondary" onClick={() => void reload()}>
            Try again
          </Button>
        }
      />
    );
  if (!data?.data.length)
    return (
      <EmptyState
        title="No API tokens yet"
        description="Create one above to call the Holdfast API from scripts, CI or other services."
      />
    );

  return (
    <div>
      {revokeError ? <ErrorAlert className="mt-4" error={revokeError} title="Could not revoke the token" /> : null}
      <ul className="divide-y divide-slate-100" aria-label="API tokens">
        {data.data.map((token) => (
          <li key={token.id} data-token={token.name} className="flex flex-wrap items-center gap-x-4 gap-y-2 py-4">
            <div className="min-w-0 flex-1 basis-52">
              <p className="truncate text-sm font-medium text-slate-900">{token.name}</p>
              <p className="text-xs text-slate-500">
                <code className="font-mono">{token.prefix}…</code> · created{" "}
                <time dateTime={token.created_at} title={formatDateTime(token.created_at)}>
                  {formatRelative(token.created_at)}
                </time>{" "}
                · {token.last_used_at ? `last used ${formatRelative(token.last_used_at)}` : "never used"}
              </p>
            </div>
            <RoleBadges roles={token.roles} />
            {confirming === token.id ? (
              <div className="flex items-center gap-2">
                <span className="text-sm text-red-800">Revoke?</span>
                <Button size="sm" variant="danger" loading={revoking === token.id} onClick={() => void revoke(token)}>
                  Revoke token
                </Button>
                <Button size="sm" variant="secondary" onClick={() => setConfirming(null)}>
                  Cancel
                </Button>
              </div>
            ) : (
              <Button
                size="sm"
                variant="secondary"
                aria-label={`Revoke ${token.name}`}
                onClick={() => setConfirming(token.id)}
              >
                Revoke
              </Button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
