"use client";

import { useId, useRef, useState } from "react";
import { Button } from "./ui/button";

/**
 * A read-only value with a Copy button. The Clipboard API needs a secure context (https or localhost); on
 * plain http the text is selected and copied with the legacy command, or left selected for Ctrl+C.
 */
export function CopyField({ label, value, monospace = true }: { label: string; value: string; monospace?: boolean }) {
  const id = useId();
  const inputRef = useRef<HTMLInputElement>(null);
  const [status, setStatus] = useState<"idle" | "copied" | "manual">("idle");

  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setStatus("copied");
    } catch {
      inputRef.current?.select();
      setStatus(document.execCommand?.("copy") ? "copied" : "manual");
    }
  };

  return (
    <div>
      <label htmlFor={id} className="block text-sm font-medium text-slate-800">
        {label}
      </label>
      <div className="mt-1 flex gap-2">
        <input
          ref={inputRef}
          id={id}
          readOnly
          value={value}
          onFocus={(event) => event.currentTarget.select()}
          className={`block w-full min-w-0 rounded-lg border-0 bg-slate-50 px-3 py-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600 focus:outline-none ${monospace ? "font-mono" : ""}`}
        />
        <Button variant="secondary" onClick={copy} className="shrink-0">
          {status === "copied" ? "Copied" : "Copy"}
        </Button>
      </div>
      <p className="mt-1 h-4 text-xs text-slate-500" aria-live="polite">
        {status === "copied"
          ? "Copied to the clipboard."
          : status === "manual"
            ? "Selected — press Ctrl+C to copy."
            : ""}
      </p>
    </div>
  );
}
