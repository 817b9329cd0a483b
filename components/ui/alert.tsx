import type { ReactNode } from "react";
import { RequestIdText } from "../request-id-link";
import { cn } from "./cn";

type Tone = "error" | "warning" | "success" | "info";

const tones: Record<Tone, string> = {
  error: "bg-red-50 text-red-800 ring-red-200",
  warning: "bg-amber-50 text-amber-900 ring-amber-200",
  success: "bg-emerald-50 text-emerald-800 ring-emerald-200",
  info: "bg-sky-50 text-sky-900 ring-sky-200",
};

/**
 * A message box. Errors and warnings are announced (role="alert"); `requestId` is shown so a person can
 * quote it to an admin (SPEC §6: every error carries its request id).
 */
export function Alert({
  tone = "info",
  title,
  children,
  requestId,
  idLabel = "Request id",
  actions,
  className,
}: {
  tone?: Tone;
  title?: string;
  children?: ReactNode;
  requestId?: string | null;
  idLabel?: string;
  actions?: ReactNode;
  className?: string;
}) {
  const urgent = tone === "error" || tone === "warning";
  return (
    <div
      role={urgent ? "alert" : "status"}
      data-tone={tone}
      className={cn("rounded-lg px-4 py-3 text-sm ring-1 ring-inset", tones[tone], className)}
    >
      {title ? <p className="font-semibold">{title}</p> : null}
      {children ? <div className={cn(title && "mt-1")}>{children}</div> : null}
      {requestId ? (
        <p className="mt-2 text-xs opacity-80">
          {idLabel}: <RequestIdText requestId={requestId} />
        </p>
      ) : null}
      {actions ? <div className="mt-3 flex flex-wrap gap-2">{actions}</div> : null}
    </div>
  );
}
