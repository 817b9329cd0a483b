import { Badge } from "../ui/badge";

/** Marks answers and choices served by the built-in offline model (SPEC §5: clearly labelled in the UI). */
export function OfflineBadge() {
  return (
    <span
      className="inline-flex shrink-0"
      data-badge="offline-model"
      title="The built-in deterministic model: no provider is configured or reachable"
    >
      <Badge tone="amber">Offline model</Badge>
    </span>
  );
}

/** Degraded mode: the provider was down and the offline model stood in. */
export function DegradedNote() {
  return (
    <p data-degraded="true" className="mt-2 flex items-center gap-1.5 text-xs font-medium text-amber-800">
      <svg viewBox="0 0 20 20" className="size-4 shrink-0" fill="currentColor" aria-hidden="true">
        <path
          fillRule="evenodd"
          d="M8.485 2.495c.673-1.167 2.357-1.167 3.03 0l6.28 10.875c.673 1.167-.17 2.625-1.516 2.625H3.72c-1.347 0-2.189-1.458-1.515-2.625L8.485 2.495ZM10 5a.75.75 0 0 1 .75.75v3.5a.75.75 0 0 1-1.5 0v-3.5A.75.75 0 0 1 10 5Zm0 9a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z"
          clipRule="evenodd"
        />
      </svg>
      degraded: provider unavailable, answered by offline model
    </p>
  );
}
