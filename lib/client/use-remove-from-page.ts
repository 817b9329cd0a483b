"use client";

import { useState } from "react";
import { type ApiFailure, apiFetch } from "./api";
import type { ResourceState } from "./use-api-resource";

type Listed = { id: string };
type ListPage<T> = { data: T[]; next_cursor: string | null };

/**
 * DELETE one item of a listed page and drop it from the list. A 404 counts as done: the item ended meanwhile
 * (expired, accepted, revoked elsewhere) and is gone either way.
 */
export function useRemoveFromPage<T extends Listed>(resource: Pick<ResourceState<ListPage<T>>, "setData">) {
  const [removing, setRemoving] = useState<string | null>(null);
  const [error, setError] = useState<ApiFailure | null>(null);

  const remove = async (item: T, url: string): Promise<boolean> => {
    setRemoving(item.id);
    setError(null);
    const result = await apiFetch(url, { method: "DELETE" });
    setRemoving(null);
    if (result.ok || result.status === 404) {
      resource.setData((page) => page && { ...page, data: page.data.filter((other) => other.id !== item.id) });
      return true;
    }
    setError(result);
    return false;
  };

  return { removing, error, remove };
}
