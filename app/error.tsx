"use client";

import { AuthFrame } from "@/components/auth-frame";
import { Alert } from "@/components/ui/alert";
import { Button } from "@/components/ui/button";

// A page failed to render on the server. The digest is what the server log records for it.
export default function ErrorPage({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <AuthFrame title="Something went wrong" subtitle="This page could not be shown.">
      <Alert tone="error" requestId={error.digest ?? null} idLabel="Error id">
        Try again; if it keeps failing, tell an admin the id below.
      </Alert>
      <Button className="mt-4 w-full" onClick={reset}>
        Try again
      </Button>
    </AuthFrame>
  );
}
