"use client";

import { useCallback, useRef, useState } from "react";
import { type ApiFailure, type ApiSuccess, apiFetch, newIdempotencyKey } from "./api";

export type ConfirmedAction<T> = {
  busy: boolean;
  error: ApiFailure | null;
  /** A confirmed action: a fresh Idempotency-Key. */
  perform: () => Promise<ApiSuccess<T> | null>;
  /** "Try again" after a failure that may not have reached the server: the same key, so it runs at most once. */
  retry: () => Promise<ApiSuccess<T> | null>;
  /** The last failure may have happened without the server knowing (offline, 5xx): a retry is worth offering. */
  retriable: boolean;
  clearError: () => void;
};

/** A POST behind a confirmation (cancel, retry, re-run, reset): one Idempotency-Key per confirmed action. */
export function useConfirmedAction<T>(path: string, body?: unknown): ConfirmedAction<T> {
  const key = useRef<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);

  const send = useCallback(async () => {
    key.current ??= newIdempotencyKey();
    setBusy(true);
    const result = await apiFetch<T>(path, { method: "POST", idempotencyKey: key.current, body });
    setBusy(false);
    if (result.ok) {
      key.current = null;
      setError(null);
      return result;
    }
    setError(result);
    return null;
  }, [path, body]);

  const perform = useCallback(() => {
    key.current = null;
    return send();
  }, [send]);

  const retriable = error !== null && (error.status === 0 || error.status >= 500);
  const clearError = useCallback(() => setError(null), []);
  return { busy, error, perform, retry: send, retriable, clearError };
}
