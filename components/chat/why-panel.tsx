"use client";

import { useEffect, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import {
  type AssistantMessage,
  type ContextBuild,
  chatPaths,
  isOfflineModel,
  type ModelOption,
  modelLabel,
} from "@/lib/client/chat/types";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";
import { LoadingBlock } from "../ui/spinner";
import { OfflineBadge } from "./model-badges";

const money = new Intl.NumberFormat("en-US", {
  style: "currency",
  currency: "USD",
  minimumFractionDigits: 2,
  maximumFractionDigits: 6,
});
const count = new Intl.NumberFormat("en-US");

/**
 * "Why this answer": the version stamp stored with the message (prompt version, model and provider version,
 * params, usage and cost) and the context build — the exact messages the model was sent and the conversation
 * snapshot they were built from (`GET …/context-builds/{id}`).
 */
export function WhyPanel({
  ws,
  message,
  models,
  id,
}: {
  ws: string;
  message: AssistantMessage;
  models: ModelOption[];
  id: string;
}) {
  const [build, setBuild] = useState<ContextBuild | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [attempt, setAttempt] = useState(0);
  const buildId = message.context_build_id;

  // biome-ignore lint/correctness/useExhaustiveDependencies: `attempt` re-runs the load on "Try again"
  useEffect(() => {
    if (!buildId) return;
    const controller = new AbortController();
    setError(null);
    apiFetch<{ context_build: ContextBuild }>(chatPaths(ws).contextBuild(buildId), { signal: controller.signal })
      .then((result) => {
        if (result.ok) setBuild(result.data.context_build);
        else setError(result);
      })
      .catch(() => {});
    return () => controller.abort();
  }, [ws, buildId, attempt]);

  const params = message.params ?? {};
  const prompt = message.prompt_version ?? build?.prompt_version ?? null;
  const facts = build?.snapshot?.facts ?? [];
  return (
    <section
      id={id}
      aria-label="Why this answer"
      data-why-panel={message.id}
      className="mt-3 space-y-4 rounded-lg bg-slate-50 p-3 text-sm ring-1 ring-slate-200 ring-inset sm:p-4"
    >
      <dl className="grid grid-cols-1 gap-x-6 gap-y-2 sm:grid-cols-2">
        <Item label="Prompt">
          {prompt ? (
            <span data-field="prompt">
              {prompt.name} <span className="text-slate-500">v{prompt.version}</span>
            </span>
          ) : (
            "—"
          )}
        </Item>
        <Item label="Model">
          <span data-field="model" className="inline-flex flex-wrap items-center gap-1.5">
            <code className="font-mono text-xs">{message.model ?? "—"}</code>
            {isOfflineModel(message.model, models) ? <OfflineBadge /> : null}
            {!isOfflineModel(message.model, models) && message.model ? (
              <span className="text-slate-500">({modelLabel(message.model, models)})</span>
            ) : null}
          </span>
        </Item>
        <Item label="Provider version">
          <code data-field="provider-version" className="font-mono text-xs break-all">
            {message.provider_version ?? "—"}
          </code>
        </Item>
        <Item label="Parameters">
          <span data-field="params">
            temperature {params.temperature ?? "—"}, seed {params.seed ?? "—"}
          </span>
        </Item>
        <Item label="Tokens">
          <span data-field="usage">
            {count.format(message.usage.input_tokens)} in · {count.format(message.usage.output_tokens)} out
          </span>
        </Item>
        <Item label="Cost">
          <span data-field="cost">{money.format(message.usage.cost)}</span>
        </Item>
      </dl>

      <div>
        <h4 className="text-xs font-semibold tracking-wide text-slate-500 uppercase">Context sent to the model</h4>
        {!buildId ? <p className="mt-1 text-slate-500">No context build was recorded for this answer.</p> : null}
        {buildId && !build && !error ? <LoadingBlock label="Loading the context build…" /> : null}
        {error ? (
          <ErrorAlert
            className="mt-2"
            error={error}
            title="Could not load the context build"
            actions={
              <Button size="sm" variant="secondary" onClick={() => setAttempt((n) => n + 1)}>
                Try again
              </Button>
            }
          />
        ) : null}
        {build ? (
          <div className="mt-2 space-y-3" data-context-build={build.id}>
            <p className="text-xs text-slate-500">
              Build <code className="font-mono select-all">{build.id}</code> · about{" "}
              {count.format(build.token_estimate)} tokens · {build.messages.length} messages
            </p>
            <div>
              <p className="text-xs font-medium text-slate-700">Conversation snapshot</p>
              {build.snapshot?.summary || facts.length > 0 ? (
                <div className="mt-1 space-y-1 rounded-md bg-white p-2 ring-1 ring-slate-200 ring-inset">
                  {build.snapshot?.summary ? (
                    <p className="text-xs whitespace-pre-wrap text-slate-700">{build.snapshot.summary}</p>
                  ) : null}
                  {facts.length > 0 ? (
                    <ul className="text-xs text-slate-700">
                      {facts.map((fact) => (
                        <li key={fact.key}>
                          <span className="font-medium">{fact.key}</span>: {fact.value}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              ) : (
                <p className="mt-1 text-xs text-slate-500">Empty (this was the first turn).</p>
              )}
            </div>
            <div>
              <p className="text-xs font-medium text-slate-700">Messages sent, in order</p>
              <ol className="mt-1 space-y-1.5" aria-label="Messages sent to the model">
                {build.messages.map((sent, index) => (
                  <li
                    // biome-ignore lint/suspicious/noArrayIndexKey: the build is immutable; position is identity
                    key={index}
                    data-context-role={sent.role}
                    className="rounded-md bg-white p-2 ring-1 ring-slate-200 ring-inset"
                  >
                    <p className="text-[11px] font-semibold tracking-wide text-slate-500 uppercase">{sent.role}</p>
                    <p className="mt-0.5 max-h-48 overflow-y-auto text-xs break-words whitespace-pre-wrap text-slate-800">
                      {sent.content}
                    </p>
                  </li>
                ))}
              </ol>
            </div>
          </div>
        ) : null}
      </div>
    </section>
  );
}

function Item({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="min-w-0">
      <dt className="text-xs font-medium text-slate-500">{label}</dt>
      <dd className="mt-0.5 text-slate-900">{children}</dd>
    </div>
  );
}
