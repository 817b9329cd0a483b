"use client";

import { useId } from "react";
import { ROLE_OPTIONS } from "@/lib/client/format";
import type { Role } from "@/lib/client/types";

/** Checkboxes for the roles (a person may hold several); at least one must stay checked. */
export function RolePicker({
  legend,
  value,
  onChange,
  disabled,
  compact = false,
}: {
  legend: string;
  value: Role[];
  onChange: (roles: Role[]) => void;
  disabled?: boolean;
  compact?: boolean;
}) {
  const id = useId();
  return (
    <fieldset disabled={disabled}>
      <legend className="text-sm font-medium text-slate-800">{legend}</legend>
      <div className={compact ? "mt-1.5 flex flex-wrap gap-x-4 gap-y-2" : "mt-2 grid gap-2 sm:grid-cols-3"}>
        {ROLE_OPTIONS.map((option) => {
          const checked = value.includes(option.role);
          const onlyOne = checked && value.length === 1;
          return (
            <label
              key={option.role}
              htmlFor={`${id}-${option.role}`}
              className={
                compact
                  ? "inline-flex items-center gap-2 text-sm text-slate-800"
                  : "flex cursor-pointer gap-3 rounded-lg p-3 ring-1 ring-slate-200 ring-inset has-[:checked]:bg-indigo-50/60 has-[:checked]:ring-indigo-300"
              }
            >
              <input
                id={`${id}-${option.role}`}
                type="checkbox"
                className="mt-0.5 size-4 rounded border-slate-300 accent-indigo-600"
                checked={checked}
                // The last checked role cannot be unchecked: a membership always has a role.
                aria-disabled={onlyOne || undefined}
                onChange={(event) => {
                  if (event.target.checked) onChange([...value, option.role]);
                  else if (!onlyOne) onChange(value.filter((role) => role !== option.role));
                }}
              />
              <span>
                <span className="block text-sm font-medium">{option.label}</span>
                {compact ? null : <span className="block text-xs text-slate-500">{option.description}</span>}
              </span>
            </label>
          );
        })}
      </div>
    </fieldset>
  );
}
