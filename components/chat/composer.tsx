"use client";

import { type FormEvent, type KeyboardEvent, type RefObject, useId } from "react";
import { isOfflineModel, type ModelOption } from "@/lib/client/chat/types";
import { Button } from "../ui/button";
import { OfflineBadge } from "./model-badges";

/**
 * The message box. Enter sends, Shift+Enter makes a new line (an IME composition is never cut short), Esc stops
 * the answer being generated. While an answer runs, Stop sits next to Send (a new message then follows the
 * conversation's busy policy).
 */
export function Composer({
  value,
  onChange,
  onSend,
  onStop,
  generating,
  stopping,
  models,
  model,
  onModelChange,
  defaultModelId,
  textareaRef,
}: {
  value: string;
  onChange: (value: string) => void;
  onSend: () => void;
  onStop: () => void;
  generating: boolean;
  stopping: boolean;
  models: ModelOption[];
  /** "" = the conversation's (or the server's) default model. */
  model: string;
  onModelChange: (model: string) => void;
  defaultModelId: string | null;
  textareaRef: RefObject<HTMLTextAreaElement | null>;
}) {
  const hintId = useId();
  const modelId = useId();
  const effectiveModel = model || defaultModelId;
  const canSend = value.trim().length > 0;

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (canSend) onSend();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      if (canSend) onSend();
    }
  };

  const defaultLabel = models.find((m) => m.id === defaultModelId);
  return (
    <form onSubmit={submit} aria-label="Send a message" className="border-t border-slate-200 bg-white p-3 sm:p-4">
      <label htmlFor={`${hintId}-input`} className="sr-only">
        Message
      </label>
      <div className="rounded-xl bg-white shadow-sm ring-1 ring-slate-300 focus-within:ring-2 focus-within:ring-indigo-600">
        <textarea
          id={`${hintId}-input`}
          ref={textareaRef}
          value={value}
          onChange={(event) => onChange(event.target.value)}
          onKeyDown={onKeyDown}
          rows={2}
          maxLength={20_000}
          aria-describedby={hintId}
          placeholder="Ask anything…"
          enterKeyHint="send"
          className="block max-h-48 min-h-[3.25rem] w-full resize-none border-0 bg-transparent px-3 py-2.5 text-base text-slate-900 placeholder:text-slate-400 focus:outline-none sm:text-sm [field-sizing:content]"
        />
        <div className="flex items-center gap-2 border-t border-slate-100 px-2 py-2">
          <label htmlFor={modelId} className="sr-only">
            Model
          </label>
          <select
            id={modelId}
            value={model}
            onChange={(event) => onModelChange(event.target.value)}
            className="w-0 min-w-0 flex-1 truncate rounded-md border-0 bg-slate-50 py-1 pr-7 pl-2 text-xs text-slate-700 ring-1 ring-slate-200 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none sm:w-auto sm:max-w-64 sm:flex-none"
          >
            <option value="">Default{defaultLabel ? `: ${optionLabel(defaultLabel)}` : ""}</option>
            {models.map((option) => (
              <option key={option.id} value={option.id} disabled={!option.available}>
                {optionLabel(option)}
                {option.available ? "" : " — no provider configured"}
              </option>
            ))}
          </select>
          {isOfflineModel(effectiveModel, models) ? <OfflineBadge /> : null}
          <div className="ml-auto flex shrink-0 items-center gap-2">
            {generating ? (
              <Button
                size="sm"
                variant="secondary"
                onClick={onStop}
                loading={stopping}
                aria-keyshortcuts="Escape"
                aria-label="Stop generating"
              >
                <span className="inline-block size-2.5 rounded-[2px] bg-current" aria-hidden="true" />
                Stop
              </Button>
            ) : null}
            <Button type="submit" size="sm" disabled={!canSend} aria-keyshortcuts="Enter">
              Send
            </Button>
          </div>
        </div>
      </div>
      <p id={hintId} className="mt-1.5 hidden text-xs text-slate-400 sm:block">
        Enter to send · Shift+Enter for a new line{generating ? " · Esc to stop" : ""}
      </p>
    </form>
  );
}

const optionLabel = (option: ModelOption) => (option.offline ? "Offline model" : option.label);
