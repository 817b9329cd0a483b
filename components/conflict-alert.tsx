import type { ReactNode } from "react";
import { Alert } from "./ui/alert";
import { Button } from "./ui/button";

/**
 * A write refused with 412 (someone changed the object since it was read), offered as a choice: apply my change
 * again on top of the current version, or keep theirs. `children` says what each side holds.
 */
export function ConflictAlert({
  title,
  reapplyLabel = "Apply my change again",
  keepLabel,
  busy,
  onReapply,
  onKeep,
  className,
  children,
}: {
  title: string;
  reapplyLabel?: string;
  keepLabel: string;
  busy: boolean;
  onReapply: () => void;
  onKeep: () => void;
  className?: string;
  children: ReactNode;
}) {
  return (
    <Alert
      tone="warning"
      className={className}
      title={title}
      actions={
        <>
          <Button size="sm" loading={busy} onClick={onReapply}>
            {reapplyLabel}
          </Button>
          <Button size="sm" variant="secondary" onClick={onKeep}>
            {keepLabel}
          </Button>
        </>
      }
    >
      {children}
    </Alert>
  );
}
