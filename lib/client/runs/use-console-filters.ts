"use client";

import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useCallback, useEffect, useMemo, useState } from "react";
import type { Page } from "../types";
import { useApiResource } from "../use-api-resource";
import { type ConsoleFilters, filtersToQuery, readFilters } from "./console";

const FILTER_KEYS = ["status", "agent", "member", "range", "from", "to", "stuck", "sort", "order"];

/**
 * The console's filters, kept in the page's URL query (replace, not push: the back button leaves the page rather
 * than stepping through every click). `now` is when the filters last changed, so a preset range ("last 24 hours")
 * stays one window while "Load more" pages through it.
 */
export function useConsoleFilters() {
  const params = useSearchParams();
  const router = useRouter();
  const pathname = usePathname();
  const query = params.toString();
  // The filters as last set here, ahead of the URL (router.replace lands a moment later): a second change made
  // before the first reached the URL builds on the first instead of undoing it. The URL wins when it changes.
  const [filters, setLocal] = useState(() => readFilters(new URLSearchParams(query)));
  useEffect(() => setLocal(readFilters(new URLSearchParams(query))), [query]);
  const [now, setNow] = useState(() => Date.now());
  const setFilters = useCallback(
    (next: ConsoleFilters) => {
      setLocal(next);
      setNow(Date.now());
      const merged = new URLSearchParams(query);
      for (const key of FILTER_KEYS) merged.delete(key);
      for (const [key, value] of new URLSearchParams(filtersToQuery(next))) merged.set(key, value);
      const search = merged.toString();
      router.replace(search ? `${pathname}?${search}` : pathname, { scroll: false });
    },
    [query, pathname, router],
  );
  return { filters, setFilters, now, query };
}

type MemberRow = { user_id: string; email: string; name: string };

/** The workspace's members as filter options ("Name <email>"), for the "Requested by" filter. */
export function useMemberOptions(ws: string): { id: string; label: string }[] {
  const members = useApiResource<Page<MemberRow>>(`/api/v1/workspaces/${ws}/members?limit=100`);
  return useMemo(
    () =>
      (members.data?.data ?? []).map((member) => ({
        id: member.user_id,
        label: member.name ? `${member.name} (${member.email})` : member.email,
      })),
    [members.data],
  );
}
