"use client";

import type { ReactNode } from "react";
import { ErrorAlert } from "@/components/error-alert";
import { Button } from "@/components/ui/button";
import { CardBody } from "@/components/ui/card";
import { LoadingBlock } from "@/components/ui/spinner";
import { formatDateTime, formatRelative } from "@/lib/client/format";
import type { ConsoleFilters, Requester } from "@/lib/client/runs/console";
import type { PagedList } from "@/lib/client/use-paged-list";
import { SortHeader } from "./console-filter-bar";

/**
 * The body of a console list (runs, generations): the first load's error or spinner, the empty state, the table
 * with its sortable Created / Last progress columns, and "Load more". `children` are the rows.
 */
export function ConsoleListBody<T>({
  list,
  noun,
  titleId,
  firstColumn,
  filters,
  onChange,
  empty,
  withActions = false,
  children,
}: {
  list: PagedList<T>;
  /** Plural, for messages: "runs". */
  noun: string;
  titleId: string;
  firstColumn: string;
  filters: ConsoleFilters;
  onChange: (next: ConsoleFilters) => void;
  empty: ReactNode;
  withActions?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      {list.error && list.items.length === 0 ? (
        <CardBody>
          <ErrorAlert
            error={list.error}
            title={`Could not load the ${noun}`}
            actions={
              <Button variant="secondary" size="sm" onClick={() => void list.reload()}>
                Try again
              </Button>
            }
          />
        </CardBody>
      ) : list.loading && list.items.length === 0 ? (
        <LoadingBlock label={`Loading ${noun}…`} />
      ) : list.items.length === 0 ? (
        empty
      ) : (
        <div className="overflow-x-auto" aria-busy={list.loading || undefined}>
          <table aria-labelledby={titleId} className="w-full text-left text-sm">
            <thead className="border-b border-slate-100 text-xs text-slate-500">
              <tr>
                <th scope="col" className="px-4 py-2 font-medium sm:pl-6">
                  {firstColumn}
                </th>
                <th scope="col" className="hidden px-2 py-2 font-medium md:table-cell">
                  Requested by
                </th>
                <SortHeader
                  label="Created"
                  field="created_at"
                  filters={filters}
                  onChange={onChange}
                  className="px-2 py-2 whitespace-nowrap"
                />
                <SortHeader
                  label="Last progress"
                  field="updated_at"
                  filters={filters}
                  onChange={onChange}
                  className="hidden px-2 py-2 whitespace-nowrap sm:table-cell sm:pr-6"
                />
                {withActions ? (
                  <th scope="col" className="px-2 py-2 sm:pr-6">
                    <span className="sr-only">Actions</span>
                  </th>
                ) : null}
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">{children}</tbody>
          </table>
        </div>
      )}
      {list.error && list.items.length > 0 ? (
        <CardBody>
          <ErrorAlert error={list.error} title={`Could not load more ${noun}`} />
        </CardBody>
      ) : null}
      {list.hasMore ? (
        <div className="border-t border-slate-100 px-4 py-3 text-center sm:px-6">
          <Button variant="secondary" onClick={() => void list.loadMore()} loading={list.loadingMore}>
            Load more
          </Button>
        </div>
      ) : null}
    </>
  );
}

/** "3 runs matching the filters", "50+ runs" (more to load). */
export function countText(list: PagedList<unknown>, singular: string, filtered: boolean): string {
  if (list.loading) return "Loading…";
  const n = list.items.length;
  return `${n}${list.hasMore ? "+" : ""} ${singular}${n === 1 ? "" : "s"}${filtered ? " matching the filters" : ""}`;
}

/** A row's shared cells: who asked, when it was created, when it last made progress. */
export function ConsoleRowCells({
  requestedBy,
  createdAt,
  updatedAt,
}: {
  requestedBy: Requester | undefined;
  createdAt: string;
  updatedAt: string;
}) {
  return (
    <>
      <td className="hidden max-w-48 truncate px-2 py-3 text-xs text-slate-600 md:table-cell">
        {requestedBy ? requestedBy.name || requestedBy.email : "—"}
      </td>
      <td className="px-2 py-3 text-xs whitespace-nowrap text-slate-500">
        <time dateTime={createdAt} title={formatDateTime(createdAt)}>
          {formatRelative(createdAt)}
        </time>
      </td>
      <td className="hidden px-2 py-3 text-xs whitespace-nowrap text-slate-500 sm:table-cell sm:pr-6">
        <time dateTime={updatedAt} title={formatDateTime(updatedAt)}>
          {formatRelative(updatedAt)}
        </time>
      </td>
    </>
  );
}

/** No progress for longer than the stuck threshold (the server decides). */
export function StuckBadge() {
  return (
    <span className="rounded bg-orange-50 px-1.5 py-0.5 text-[11px] font-medium text-orange-800 ring-1 ring-orange-300 ring-inset">
      stuck
    </span>
  );
}
