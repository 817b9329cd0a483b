"use client";

import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { cn } from "@/components/ui/cn";

// Filters both lists share, carried over when switching between them (status sets differ; agent is runs-only).
const SHARED = ["member", "range", "from", "to", "stuck", "sort", "order"];

/** Runs | Generations: the console's two lists, one tab each. */
export function ConsoleTabs({
  ws,
  current,
  showGenerations,
}: {
  ws: string;
  current: "runs" | "generations";
  showGenerations: boolean;
}) {
  const params = useSearchParams();
  if (!showGenerations) return null;
  const carried = new URLSearchParams();
  for (const key of SHARED) {
    const value = params.get(key);
    if (value) carried.set(key, value);
  }
  const suffix = carried.toString() ? `?${carried.toString()}` : "";
  const tabs = [
    { key: "runs", label: "Agent runs", href: `/w/${ws}/runs${suffix}` },
    { key: "generations", label: "Generations", href: `/w/${ws}/generations${suffix}` },
  ] as const;
  return (
    <nav aria-label="Console" className="flex gap-1 border-b border-slate-200">
      {tabs.map((tab) => (
        <Link
          key={tab.key}
          href={tab.href}
          aria-current={tab.key === current ? "page" : undefined}
          className={cn(
            "-mb-px border-b-2 px-3 py-2 text-sm font-medium focus-visible:outline-2 focus-visible:outline-indigo-600",
            tab.key === current
              ? "border-indigo-600 text-indigo-700"
              : "border-transparent text-slate-600 hover:border-slate-300 hover:text-slate-900",
          )}
        >
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}
