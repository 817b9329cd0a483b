"use client";

import { useCallback, useEffect, useState } from "react";
import { type ApiFailure, apiFetch } from "./api";

export type ResourceState<T> = {
  data: T | null;
  etag: string | null;
  error: ApiFailure | null;
  /** True while the first load (no data yet) or a reload is in flight. */
  loading: boolean;
  reload: () => Promise<void>;
  /** Replace the local copy after a successful write, without another round trip. */
  setData: (update: (current: T | null) => T | null) => void;
};

/** GETs `path` on mount (and when it changes); keeps the last data while a reload runs so lists do not flash. */
export function useApiResource<T>(path: string): ResourceState<T> {
  const [data, setDataState] = useState<T | null>(null);
  const [etag, setEtag] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [loading, setLoading] = useState(true);

  const load = useCallback(
    async (signal?: AbortSignal) => {
      setLoading(true);
      try {
        const result = await apiFetch<T>(path, { signal });
        if (result.ok) {
          setDataState(result.data);
          setEtag(result.etag);
          setError(null);
        } else {
          setError(result);
        }
        setLoading(false);
      } catch {
        // aborted: a newer load owns the state now
      }
    },
    [path],
  );

  useEffect(() => {
    const controller = new AbortController();
    void load(controller.signal);
    return () => controller.abort();
  }, [load]);

  const reload = useCallback(() => load(), [load]);
  const setData = useCallback((update: (current: T | null) => T | null) => setDataState(update), []);
  return { data, etag, error, loading, reload, setData };
}
