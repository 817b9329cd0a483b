"use client";

import { useId, useState } from "react";
import type { AnswerView, LiveAnswer, PendingSend } from "@/lib/client/chat/chat-state";
import {
  type AssistantMessage,
  isOfflineModel,
  type Message,
  type ModelOption,
  modelLabel,
} from "@/lib/client/chat/types";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { cn } from "../ui/cn";
import { Spinner } from "../ui/spinner";
import { DegradedNote, OfflineBadge } from "./model-badges";
import { WhyPanel } from "./why-panel";

const bubble = "max-w-[92%] rounded-2xl px-4 py-2.5 text-sm break-words whitespace-pre-wrap sm:max-w-[80%]";

export function UserBubble({ message }: { message: Message }) {
  return (
    <div className="flex justify-end" data-role="user" data-message-seq={message.seq} data-send-state="confirmed">
      <div className={cn(bubble, "bg-indigo-600 text-white")}>
        <span className="sr-only">You: </span>
        {message.content}
      </div>
    </div>
  );
}

/** An optimistic send: faded while pending; on failure the server's message and what can be done about it. */
export function PendingBubble({
  item,
  onRetry,
  onSendAgain,
  onEdit,
  onDiscard,
}: {
  item: PendingSend;
  onRetry: () => void;
  onSendAgain: () => void;
  onEdit: () => void;
  onDiscard: () => void;
}) {
  const failed = item.state === "failed";
  return (
    <div className="flex flex-col items-end gap-1.5" data-role="user" data-send-state={item.state}>
      <div
        className={cn(bubble, failed ? "bg-white text-slate-900 ring-2 ring-red-300" : "bg-indigo-600/70 text-white")}
      >
        <span className="sr-only">You: </span>
        {item.content}
      </div>
      {failed ? (
        <div className="w-full max-w-[92%] sm:max-w-[80%]">
          <Alert
            tone="error"
            title={failureTitle(item)}
            requestId={item.error?.requestId}
            actions={
              item.retriable ? (
                <>
                  <Button size="sm" onClick={onRetry}>
                    Retry
                  </Button>
                  <Button size="sm" variant="secondary" onClick={onDiscard}>
                    Discard
                  </Button>
                </>
              ) : (
                <>
                  <Button size="sm" onClick={onSendAgain}>
                    Send again
                  </Button>
                  <Button size="sm" variant="secondary" onClick={onEdit}>
                    Edit
                  </Button>
                  <Button size="sm" variant="ghost" onClick={onDiscard}>
                    Discard
                  </Button>
                </>
              )
            }
          >
            {capitalize(item.error?.message ?? "the message was not sent")}.
            {item.retriable ? " Retrying sends it under the same key, so it can never arrive twice." : null}
          </Alert>
        </div>
      ) : (
        <p className="inline-flex items-center gap-1.5 text-xs text-slate-500">
          <Spinner label="Sending" /> <span aria-hidden="true">Sending…</span>
        </p>
      )}
    </div>
  );
}

function failureTitle(item: PendingSend): string {
  switch (item.error?.code) {
    case "quota_exceeded":
      return "Not sent: the workspace is out of quota";
    case "generation_in_progress":
      return "Not sent: an answer is still being generated";
    case "network_error":
      return "Not sent: no connection";
    default:
      return "Not sent";
  }
}

const capitalize = (text: string) => (text ? `${text[0]?.toUpperCase()}${text.slice(1)}` : text);

export function AnswerBubble({
  ws,
  view,
  models,
  degraded,
  streamCheck,
  onStop,
}: {
  ws: string;
  view: AnswerView;
  models: ModelOption[];
  degraded: boolean;
  streamCheck?: "exact" | "mismatch";
  onStop: (generationId: string) => void;
}) {
  if (view.kind === "message") {
    return (
      <StoredAnswer ws={ws} message={view.message} models={models} degraded={degraded} streamCheck={streamCheck} />
    );
  }
  return <LiveAnswerBubble answer={view.answer} models={models} degraded={degraded} onStop={onStop} />;
}

function AnswerFrame({
  children,
  data,
}: {
  children: React.ReactNode;
  data: Record<`data-${string}`, string | number | undefined>;
}) {
  return (
    <div className="flex justify-start" data-role="assistant" {...data}>
      <div className="w-full max-w-[92%] rounded-2xl bg-slate-50 px-4 py-3 text-sm ring-1 ring-slate-200 ring-inset sm:max-w-[85%]">
        {children}
      </div>
    </div>
  );
}

function ModelLine({ model, models }: { model: string | null; models: ModelOption[] }) {
  return (
    <p className="mb-1.5 flex flex-wrap items-center gap-1.5 text-xs text-slate-500">
      <span className="font-semibold text-slate-700">Assistant</span>
      <span aria-hidden="true">·</span>
      {isOfflineModel(model, models) ? (
        <>
          <span data-answer-model={model ?? ""}>{model}</span>
          <OfflineBadge />
        </>
      ) : (
        <span data-answer-model={model ?? ""}>{modelLabel(model, models)}</span>
      )}
    </p>
  );
}

function StoredAnswer({
  ws,
  message,
  models,
  degraded,
  streamCheck,
}: {
  ws: string;
  message: AssistantMessage;
  models: ModelOption[];
  degraded: boolean;
  streamCheck?: "exact" | "mismatch";
}) {
  const [open, setOpen] = useState(false);
  const panelId = useId();
  const stopped = message.status === "canceled";
  return (
    <AnswerFrame
      data={{
        "data-generation-id": message.generation_id ?? undefined,
        "data-message-seq": message.seq,
        "data-answer-status": stopped ? "canceled" : "succeeded",
        "data-stream-check": streamCheck,
      }}
    >
      <ModelLine model={message.model} models={models} />
      <div data-answer-text className="break-words whitespace-pre-wrap text-slate-900">
        {message.content}
      </div>
      {stopped ? (
        <p data-stopped="true" className="mt-2 inline-flex items-center gap-1.5 text-xs font-medium text-slate-600">
          <span className="inline-block size-2 rounded-sm bg-slate-500" aria-hidden="true" />
          Stopped — the answer was cut short here
        </p>
      ) : null}
      {degraded ? <DegradedNote /> : null}
      <div className="mt-2 flex items-center gap-2">
        <button
          type="button"
          aria-expanded={open}
          aria-controls={panelId}
          onClick={() => setOpen((value) => !value)}
          className="inline-flex items-center gap-1 rounded-md px-1.5 py-1 text-xs font-medium text-indigo-700 hover:bg-indigo-50 focus-visible:outline-2 focus-visible:outline-indigo-600"
        >
          <svg
            viewBox="0 0 20 20"
            className={cn("size-3.5 transition-transform", open && "rotate-90")}
            fill="currentColor"
            aria-hidden="true"
          >
            <path d="M7.2 14.8a.75.75 0 0 1 0-1.06L10.94 10 7.2 6.26a.75.75 0 1 1 1.06-1.06l4.27 4.27a.75.75 0 0 1 0 1.06l-4.27 4.27a.75.75 0 0 1-1.06 0Z" />
          </svg>
          Why this answer
        </button>
      </div>
      {open ? <WhyPanel id={panelId} ws={ws} message={message} models={models} /> : null}
    </AnswerFrame>
  );
}

function LiveAnswerBubble({
  answer,
  models,
  degraded,
  onStop,
}: {
  answer: LiveAnswer;
  models: ModelOption[];
  degraded: boolean;
  onStop: (generationId: string) => void;
}) {
  const reconnecting = answer.connection === "reconnecting";
  const settledWithoutMessage = ["failed", "timed_out", "canceled"].includes(answer.status);
  return (
    <AnswerFrame
      data={{
        "data-generation-id": answer.generationId,
        "data-answer-status": answer.status,
        "data-connection": answer.connection,
        "data-live": "true",
      }}
    >
      <ModelLine model={answer.model} models={models} />
      {answer.text ? (
        <div data-answer-text className="break-words whitespace-pre-wrap text-slate-900">
          {answer.text}
          {!settledWithoutMessage ? (
            <span
              className="ml-0.5 inline-block h-4 w-1.5 translate-y-0.5 animate-pulse bg-slate-400"
              aria-hidden="true"
            />
          ) : null}
        </div>
      ) : null}
      <LiveStatus answer={answer} />
      {reconnecting ? (
        <p
          role="status"
          data-reconnecting="true"
          className="mt-2 inline-flex items-center gap-1.5 text-xs font-medium text-amber-800"
        >
          <Spinner label="Reconnecting" className="text-amber-700" />
          <span>Reconnecting… the answer continues where it was when the connection is back.</span>
        </p>
      ) : null}
      {answer.lost ? (
        <Alert tone="error" className="mt-2" title="Lost track of this answer" requestId={answer.lost.requestId}>
          {capitalize(answer.lost.message)}. Reload the page to see where it stands.
        </Alert>
      ) : null}
      {degraded ? <DegradedNote /> : null}
      {answer.status === "queued" && answer.queuedBehind > 0 ? (
        <div className="mt-2">
          <Button size="sm" variant="secondary" onClick={() => onStop(answer.generationId)}>
            Cancel this answer
          </Button>
        </div>
      ) : null}
    </AnswerFrame>
  );
}

function LiveStatus({ answer }: { answer: LiveAnswer }) {
  switch (answer.status) {
    case "queued":
      return (
        <p className="inline-flex items-center gap-1.5 text-xs text-slate-500">
          <Spinner label="Queued" />
          {answer.queuedBehind > 0
            ? "Queued: it starts when the answer before it is done."
            : "Waiting for the model to start…"}
        </p>
      );
    case "running":
      return answer.text ? null : (
        <p className="inline-flex items-center gap-1.5 text-xs text-slate-500">
          <Spinner label="Thinking" /> Thinking…
        </p>
      );
    case "canceling":
      return (
        <p className="mt-2 inline-flex items-center gap-1.5 text-xs text-slate-600">
          <Spinner label="Stopping" /> Stopping…
        </p>
      );
    case "succeeded":
      return (
        <p className="mt-2 inline-flex items-center gap-1.5 text-xs text-slate-500">
          <Spinner label="Saving" /> Saving the answer…
        </p>
      );
    case "canceled":
      return (
        <p data-stopped="true" className="mt-2 inline-flex items-center gap-1.5 text-xs font-medium text-slate-600">
          <span className="inline-block size-2 rounded-sm bg-slate-500" aria-hidden="true" />
          {answer.text ? "Stopped — the answer was cut short here" : "Stopped before it started"}
        </p>
      );
    case "failed":
    case "timed_out":
      return (
        <Alert
          tone="error"
          className="mt-2"
          title={answer.status === "timed_out" ? "The answer timed out" : "The answer failed"}
        >
          {capitalize(answer.error?.message ?? "the model could not answer")}.
        </Alert>
      );
  }
}
