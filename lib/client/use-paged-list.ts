"use client";

import { useCallback, useEffect, useRef, useState } from "react";
import { type ApiFailure, apiFetch } from "./api";
import type { Page } from "./types";

export type PagedList<T> = {
  items: T[];
  /** True until the first page of the current query arrived (or failed). */
  loading: boolean;
  loadingMore: boolean;
  error: ApiFailure | null;
  hasMore: boolean;
  loadMore: () => Promise<void>;
  reload: () => Promise<void>;
};

/**
 * A cursor-paginated list (`{data, next_cursor}`): the first page of `path` on mount and whenever `path` changes
 * (a new query starts over), then "Load more" appends the next page. A response for a query the list has moved
 * on from is dropped.
 */
export function usePagedList<T>(path: string): PagedList<T> {
  const [items, setItems] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [loadingMore, setLoadingMore] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const current = useRef(path);

  const withCursor = useCallback(
    (next: string | null) =>
      next ? `${path}${path.includes("?") ? "&" : "?"}cursor=${encodeURIComponent(next)}` : path,
    [path],
  );

  const reload = useCallback(async () => {
    current.current = path;
    setLoading(true);
    const result = await apiFetch<Page<T>>(path);
    if (current.current !== path) return;
    if (result.ok) {
      setItems(result.data.data);
      setCursor(result.data.next_cursor);
      setError(null);
    } else {
      setItems([]);
      setCursor(null);
      setError(result);
    }
    setLoading(false);
  }, [path]);

  useEffect(() => {
    void reload();
  }, [reload]);

  const loadMore = useCallback(async () => {
    if (!cursor) return;
    setLoadingMore(true);
    const result = await apiFetch<Page<T>>(withCursor(cursor));
    setLoadingMore(false);
    if (current.current !== path) return;
    if (result.ok) {
      setItems((previous) => [...previous, ...result.data.data]);
      setCursor(result.data.next_cursor);
      setError(null);
    } else {
      setError(result);
    }
  }, [cursor, path, withCursor]);

  return { items, loading, loadingMore, error, hasMore: cursor !== null, loadMore, reload };
}
