"use client";

import Link from "next/link";
import { createContext, type ReactNode, useContext } from "react";

/** The slug of the current workspace when the viewer may look requests up there (admins), else null. */
const LookupWorkspace = createContext<string | null>(null);

export function RequestLookupProvider({ ws, children }: { ws: string | null; children: ReactNode }) {
  return <LookupWorkspace.Provider value={ws}>{children}</LookupWorkspace.Provider>;
}

/** A request id as shown with an error: a link to the request lookup for admins, plain selectable text otherwise. */
export function RequestIdText({ requestId }: { requestId: string }) {
  const ws = useContext(LookupWorkspace);
  if (!ws) return <code className="font-mono select-all">{requestId}</code>;
  return (
    <Link
      href={`/w/${ws}/requests?id=${encodeURIComponent(requestId)}`}
      className="font-mono underline underline-offset-2 select-all"
      title="Look this request up"
    >
      {requestId}
    </Link>
  );
}
