"use client";

import { useId } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import {
  activeFilterCount,
  type ConsoleFilters,
  DEFAULT_FILTERS,
  TIME_RANGES,
  type TimeRange,
} from "@/lib/client/runs/console";

const control =
  "rounded-lg border-0 bg-white py-1.5 pl-2 text-sm text-slate-900 ring-1 ring-slate-300 ring-inset focus:ring-2 focus:ring-indigo-600";
const labelText = "block text-xs font-medium text-slate-600";

/**
 * The console's filters: status (several at once), agent, requester, time range (presets or custom), stuck only.
 * Every change is applied at once (and lands in the URL through `onChange`); native controls keep the keyboard
 * path plain: Tab between them, Space on a status or on "stuck only", arrows inside a select. No status chosen
 * shows every status.
 */
export function ConsoleFilterBar({
  filters,
  onChange,
  statuses,
  agents,
  members,
}: {
  filters: ConsoleFilters;
  onChange: (next: ConsoleFilters) => void;
  statuses: { value: string; label: string }[];
  /** Agent names; the filter is left out when undefined (generations have no agent). */
  agents?: string[];
  members: { id: string; label: string }[];
}) {
  const ids = useId();
  const set = (patch: Partial<ConsoleFilters>) => onChange({ ...filters, ...patch });
  const count = activeFilterCount(filters);
  return (
    <form
      aria-label="Filters"
      onSubmit={(event) => event.preventDefault()}
      className="flex flex-wrap items-end gap-x-4 gap-y-3 border-b border-slate-100 px-4 py-3 sm:px-6"
    >
      <fieldset>
        <legend className={labelText}>Status</legend>
        <div className="mt-1 flex max-w-lg flex-wrap gap-1.5">
          {statuses.map((status) => {
            const checked = filters.status.includes(status.value);
            return (
              <label
                key={status.value}
                className={cn(
                  "inline-flex cursor-pointer items-center gap-1.5 rounded-full py-1 pr-2.5 pl-2 text-xs font-medium ring-1 ring-inset",
                  checked
                    ? "bg-indigo-50 text-indigo-800 ring-indigo-300"
                    : "bg-white text-slate-600 ring-slate-300 hover:bg-slate-50",
                )}
              >
                <input
                  type="checkbox"
                  value={status.value}
                  checked={checked}
                  onChange={(event) => {
                    const chosen = new Set(filters.status);
                    if (event.target.checked) chosen.add(status.value);
                    else chosen.delete(status.value);
                    // In the table's order, so the URL of the same choice is always the same.
                    set({ status: statuses.map((s) => s.value).filter((value) => chosen.has(value)) });
                  }}
                  className="size-3.5 rounded accent-indigo-600"
                />
                {status.label}
              </label>
            );
          })}
        </div>
      </fieldset>
      {agents ? (
        <div>
          <label htmlFor={`${ids}-agent`} className={labelText}>
            Agent
          </label>
          <select
            id={`${ids}-agent`}
            value={filters.agent}
            onChange={(event) => set({ agent: event.target.value })}
            className={`${control} mt-1 pr-8`}
          >
            <option value="">All agents</option>
            {agents.map((agent) => (
              <option key={agent} value={agent}>
                {agent}
              </option>
            ))}
          </select>
        </div>
      ) : null}
      <div>
        <label htmlFor={`${ids}-member`} className={labelText}>
          Requested by
        </label>
        <select
          id={`${ids}-member`}
          value={filters.member}
          onChange={(event) => set({ member: event.target.value })}
          className={`${control} mt-1 max-w-56 pr-8`}
        >
          <option value="">Anyone</option>
          {members.map((member) => (
            <option key={member.id} value={member.id}>
              {member.label}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor={`${ids}-range`} className={labelText}>
          Time
        </label>
        <select
          id={`${ids}-range`}
          value={filters.range}
          onChange={(event) => set({ range: event.target.value as TimeRange })}
          className={`${control} mt-1 pr-8`}
        >
          {TIME_RANGES.map((range) => (
            <option key={range.value} value={range.value}>
              {range.label}
            </option>
          ))}
        </select>
      </div>
      {filters.range === "custom" ? (
        <>
          <div>
            <label htmlFor={`${ids}-from`} className={labelText}>
              From
            </label>
            <input
              id={`${ids}-from`}
              type="datetime-local"
              value={filters.from}
              max={filters.to || undefined}
              onChange={(event) => set({ from: event.target.value })}
              className={`${control} mt-1 pr-2`}
            />
          </div>
          <div>
            <label htmlFor={`${ids}-to`} className={labelText}>
              To
            </label>
            <input
              id={`${ids}-to`}
              type="datetime-local"
              value={filters.to}
              min={filters.from || undefined}
              onChange={(event) => set({ to: event.target.value })}
              className={`${control} mt-1 pr-2`}
            />
          </div>
        </>
      ) : null}
      <label className="flex items-center gap-2 pb-1.5 text-sm text-slate-700">
        <input
          type="checkbox"
          checked={filters.stuck}
          onChange={(event) => set({ stuck: event.target.checked })}
          className="size-4 rounded border-slate-300 text-indigo-600 focus:ring-indigo-600"
        />
        Stuck only
      </label>
      {count > 0 ? (
        <Button
          size="sm"
          variant="ghost"
          className="mb-0.5"
          onClick={() => onChange({ ...DEFAULT_FILTERS, sort: filters.sort, order: filters.order })}
        >
          Clear filters ({count})
        </Button>
      ) : null}
    </form>
  );
}

/** A sortable column header: a button that sorts by `field`, newest first, and flips the order when pressed again. */
export function SortHeader({
  label,
  field,
  filters,
  onChange,
  className,
}: {
  label: string;
  field: ConsoleFilters["sort"];
  filters: ConsoleFilters;
  onChange: (next: ConsoleFilters) => void;
  className?: string;
}) {
  const active = filters.sort === field;
  return (
    <th
      scope="col"
      aria-sort={active ? (filters.order === "asc" ? "ascending" : "descending") : "none"}
      className={className}
    >
      <button
        type="button"
        onClick={() =>
          onChange({
            ...filters,
            sort: field,
            order: active ? (filters.order === "desc" ? "asc" : "desc") : "desc",
          })
        }
        className="inline-flex items-center gap-1 rounded font-medium hover:text-slate-900 focus-visible:outline-2 focus-visible:outline-indigo-600"
      >
        {label}
        <span aria-hidden="true" className={active ? "text-slate-700" : "text-slate-300"}>
          {active && filters.order === "asc" ? "↑" : "↓"}
        </span>
      </button>
    </th>
  );
}
