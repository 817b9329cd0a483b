"use client";

import { type FormEvent, useState } from "react";
import type { PromptDiff, PromptLabel, PromptSummary, PromptVersion } from "@/lib/client/admin-types";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { formatDateTime } from "@/lib/client/format";
import type { Page } from "@/lib/client/types";
import { useApiResource } from "@/lib/client/use-api-resource";
import { ErrorAlert } from "../error-alert";
import { Alert } from "../ui/alert";
import { Badge } from "../ui/badge";
import { Button } from "../ui/button";
import { Card, CardBody, CardHeader } from "../ui/card";
import { cn } from "../ui/cn";
import { Input } from "../ui/input";
import { LoadingBlock } from "../ui/spinner";
import { VersionUsage } from "./version-usage";

const newKey = () => crypto.randomUUID();
const DEFAULT_PROMPT = "assistant";

/** Prompts: names with labels, a prompt's version history, new versions, diffs and label moves (admins write). */
export function PromptsPanel({ ws, canWrite }: { ws: string; canWrite: boolean }) {
  const prompts = useApiResource<Page<PromptSummary>>(`/api/v1/workspaces/${ws}/prompts`);
  const [selected, setSelected] = useState<string | null>(null);
  // The chat's own prompt opens first (the agents' prompts sort before it by name).
  const current =
    selected ?? prompts.data?.data.find((p) => p.name === DEFAULT_PROMPT)?.name ?? prompts.data?.data[0]?.name ?? null;

  return (
    <div className="grid gap-6 lg:grid-cols-[16rem_1fr]">
      <Card className="self-start">
        <CardHeader title="Prompts" />
        {prompts.error ? <ErrorAlert error={prompts.error} className="m-4" /> : null}
        {!prompts.data && prompts.loading ? <LoadingBlock /> : null}
        <nav aria-label="Prompts" className="p-2">
          {prompts.data?.data.map((p) => (
            <button
              key={p.name}
              type="button"
              onClick={() => setSelected(p.name)}
              aria-current={p.name === current ? "true" : undefined}
              className={cn(
                "block w-full rounded-lg px-3 py-2 text-left text-sm",
                p.name === current ? "bg-slate-100 font-medium" : "hover:bg-slate-50",
              )}
            >
              {p.name} <span className="text-xs text-slate-500">v{p.latest_version.version}</span>
            </button>
          ))}
        </nav>
        {canWrite ? (
          <CardBody className="border-t border-slate-100">
            <CreatePromptForm
              ws={ws}
              onCreated={async (name) => {
                await prompts.reload();
                setSelected(name);
              }}
            />
          </CardBody>
        ) : null}
      </Card>
      {current ? (
        <PromptDetail
          key={current}
          ws={ws}
          name={current}
          labels={prompts.data?.data.find((p) => p.name === current)?.labels ?? []}
          canWrite={canWrite}
          onChanged={() => prompts.reload()}
        />
      ) : null}
    </div>
  );
}

function CreatePromptForm({ ws, onCreated }: { ws: string; onCreated: (name: string) => Promise<void> }) {
  const [name, setName] = useState("");
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await apiFetch(`/api/v1/workspaces/${ws}/prompts`, {
      method: "POST",
      body: { name, content: "You are a helpful assistant." },
    });
    setBusy(false);
    setError(result.ok ? null : result);
    if (result.ok) {
      setName("");
      await onCreated(name);
    }
  }
  return (
    <form onSubmit={submit} className="space-y-2">
      <Input label="New prompt name" value={name} onChange={(e) => setName(e.target.value)} required />
      <Button type="submit" size="sm" loading={busy}>
        Create prompt
      </Button>
      {error ? <ErrorAlert error={error} /> : null}
    </form>
  );
}

function PromptDetail({
  ws,
  name,
  labels,
  canWrite,
  onChanged,
}: {
  ws: string;
  name: string;
  labels: PromptLabel[];
  canWrite: boolean;
  onChanged: () => Promise<void>;
}) {
  const base = `/api/v1/workspaces/${ws}/prompts/${encodeURIComponent(name)}`;
  const versions = useApiResource<Page<PromptVersion>>(`${base}/versions`);
  const latest = versions.data?.data[0];
  const [diffRange, setDiffRange] = useState<{ from: number; to: number } | null>(null);
  const reloadAll = async () => {
    await Promise.all([versions.reload(), onChanged()]);
  };

  return (
    <div className="min-w-0 space-y-6">
      <Card>
        <CardHeader title={`Labels of ${name}`} description="Rollback is moving a label back to an earlier version." />
        <CardBody className="space-y-3">
          {labels.map((label) => (
            <LabelRow
              key={label.label}
              base={base}
              label={label}
              versions={versions.data?.data ?? []}
              canWrite={canWrite}
              onMoved={reloadAll}
            />
          ))}
          {labels.length === 0 ? <p className="text-sm text-slate-500">No labels yet.</p> : null}
        </CardBody>
      </Card>

      {canWrite && latest ? <NewVersionForm key={latest.id} base={base} latest={latest} onCreated={reloadAll} /> : null}

      <Card>
        <CardHeader title="Version history" />
        {versions.error ? <ErrorAlert error={versions.error} className="m-4" /> : null}
        <ul className="divide-y divide-slate-100">
          {versions.data?.data.map((v) => (
            <li key={v.id} className="space-y-1 px-4 py-3 sm:px-6" data-testid={`version-${v.version}`}>
              <div className="flex flex-wrap items-center gap-2 text-sm">
                <span className="font-semibold">v{v.version}</span>
                {v.labels.map((l) => (
                  <Badge key={l} tone="indigo">
                    {l}
                  </Badge>
                ))}
                <span className="text-slate-500">
                  {formatDateTime(v.created_at)} ·{" "}
                  <VersionUsage base={base} ws={ws} version={v.version} messagesCount={v.messages_count} />
                </span>
                {v.version > 1 ? (
                  <Button
                    size="sm"
                    variant="ghost"
                    onClick={() => setDiffRange({ from: v.version - 1, to: v.version })}
                  >
                    Diff with v{v.version - 1}
                  </Button>
                ) : null}
              </div>
              <pre className="max-h-32 overflow-auto rounded bg-slate-50 p-2 text-xs whitespace-pre-wrap">
                {v.content}
              </pre>
            </li>
          ))}
        </ul>
      </Card>
      {diffRange ? <DiffView base={base} from={diffRange.from} to={diffRange.to} /> : null}
    </div>
  );
}

function LabelRow({
  base,
  label,
  versions,
  canWrite,
  onMoved,
}: {
  base: string;
  label: PromptLabel;
  versions: PromptVersion[];
  canWrite: boolean;
  onMoved: () => Promise<void>;
}) {
  const [target, setTarget] = useState(label.version);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  async function move() {
    setBusy(true);
    const result = await apiFetch(`${base}/labels/${encodeURIComponent(label.label)}`, {
      method: "PUT",
      body: { version: target },
      ifMatch: label.version,
    });
    setBusy(false);
    setError(result.ok ? null : result);
    if (result.ok) await onMoved();
  }
  return (
    <div className="space-y-2" data-testid={`label-${label.label}`}>
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <Badge tone="indigo">{label.label}</Badge>
        <span>→ v{label.version}</span>
        {canWrite ? (
          <>
            <label className="sr-only" htmlFor={`move-${label.label}`}>
              Move {label.label} to version
            </label>
            <select
              id={`move-${label.label}`}
              className="rounded-lg border-0 px-2 py-1 text-sm ring-1 ring-slate-300"
              value={target}
              onChange={(e) => setTarget(Number(e.target.value))}
            >
              {versions.map((v) => (
                <option key={v.id} value={v.version}>
                  v{v.version}
                </option>
              ))}
            </select>
            <Button size="sm" variant="secondary" loading={busy} onClick={move} disabled={target === label.version}>
              Move {label.label}
            </Button>
          </>
        ) : null}
      </div>
      {error?.status === 412 ? (
        <Alert
          tone="warning"
          title="Someone moved this label since you loaded it"
          requestId={error.requestId}
          actions={
            <Button size="sm" variant="secondary" onClick={() => void onMoved().then(() => setError(null))}>
              Reload labels
            </Button>
          }
        >
          It now points at v{(error.body as { prompt_label?: PromptLabel })?.prompt_label?.version ?? "?"}.
        </Alert>
      ) : error ? (
        <ErrorAlert error={error} />
      ) : null}
    </div>
  );
}

function NewVersionForm({
  base,
  latest,
  onCreated,
}: {
  base: string;
  latest: PromptVersion;
  onCreated: () => Promise<void>;
}) {
  const [content, setContent] = useState(latest.content);
  const [key, setKey] = useState(newKey);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: FormEvent) {
    event.preventDefault();
    setBusy(true);
    const result = await apiFetch(`${base}/versions`, { method: "POST", body: { content }, idempotencyKey: key });
    setBusy(false);
    setError(result.ok ? null : result);
    if (result.ok) {
      setKey(newKey());
      await onCreated();
    }
  }
  return (
    <Card>
      <CardHeader title="Create a version" description={`Starts from v${latest.version}. Versions never change.`} />
      <CardBody>
        <form onSubmit={submit} className="space-y-3">
          <label htmlFor="new-version" className="block text-sm font-medium text-slate-800">
            Content
          </label>
          <textarea
            id="new-version"
            className="block min-h-32 w-full rounded-lg border-0 px-3 py-2 font-mono text-sm ring-1 ring-slate-300"
            value={content}
            onChange={(e) => {
              setContent(e.target.value);
              setKey(newKey());
            }}
          />
          <Button type="submit" loading={busy} disabled={content === latest.content}>
            Save as v{latest.version + 1}
          </Button>
          {error ? <ErrorAlert error={error} /> : null}
        </form>
      </CardBody>
    </Card>
  );
}

function DiffView({ base, from, to }: { base: string; from: number; to: number }) {
  const diff = useApiResource<{ diff: PromptDiff }>(`${base}/diff?from=${from}&to=${to}`);
  return (
    <Card>
      <CardHeader
        title={`Diff v${from} → v${to}`}
        description={diff.data ? `+${diff.data.diff.added} −${diff.data.diff.removed}` : undefined}
      />
      {diff.error ? <ErrorAlert error={diff.error} className="m-4" /> : null}
      <pre className="overflow-x-auto p-4 font-mono text-xs" data-testid="prompt-diff">
        {diff.data?.diff.lines.map((line, i) => (
          <div
            // biome-ignore lint/suspicious/noArrayIndexKey: diff lines have no identity beyond their position
            key={i}
            className={cn(
              line.op === "add" && "bg-emerald-50 text-emerald-800",
              line.op === "remove" && "bg-red-50 text-red-800",
            )}
          >
            {line.op === "add" ? "+ " : line.op === "remove" ? "- " : "  "}
            {line.text}
          </div>
        ))}
      </pre>
    </Card>
  );
}
