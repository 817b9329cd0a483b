import type { ReactNode } from "react";
import type { ApiFailure } from "@/lib/client/api";
import { formatDuration } from "@/lib/client/format";
import { Alert } from "./ui/alert";

const TITLES: Record<string, string> = {
  validation: "Please check what you entered",
  forbidden: "You don't have permission to do this",
  not_found: "Not found",
  conflict: "That conflicts with the current state",
  precondition_failed: "This changed since you loaded it",
  precondition_required: "This needs a fresh copy first",
  rate_limited: "Too many attempts",
  quota_exceeded: "Quota exceeded",
  provider_unavailable: "A provider is unavailable",
  timeout: "The request timed out",
  internal: "Something went wrong on our side",
  network: "Connection problem",
};

/** An API failure as a person reads it: a title from its type, the server's message, the request id. */
export function ErrorAlert({
  error,
  title,
  actions,
  className,
}: {
  error: ApiFailure;
  title?: string;
  actions?: ReactNode;
  className?: string;
}) {
  const retry =
    error.type === "rate_limited" && error.retryAfterSeconds
      ? ` Try again in ${formatDuration(error.retryAfterSeconds)}.`
      : "";
  return (
    <Alert
      tone="error"
      title={title ?? TITLES[error.type] ?? "Request failed"}
      requestId={error.requestId}
      actions={actions}
      className={className}
    >
      {capitalize(error.message)}
      {retry}
    </Alert>
  );
}

const capitalize = (text: string) => (text ? `${text[0]?.toUpperCase()}${text.slice(1)}` : text);
