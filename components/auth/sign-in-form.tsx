"use client";

import Link from "next/link";
import { type FormEvent, useEffect, useState } from "react";
import type { ApiFailure } from "@/lib/client/api";
import { signInWithPassword } from "@/lib/client/auth";
import { withCallback } from "@/lib/client/callback-url";
import { formatDuration } from "@/lib/client/format";
import { ErrorAlert } from "../error-alert";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Input } from "../ui/input";

type Problem =
  | { kind: "invalid_credentials" }
  | { kind: "rate_limited"; until: number; requestId: string | null }
  | { kind: "error"; failure: ApiFailure };

export function SignInForm({ callbackUrl, notice }: { callbackUrl: string; notice?: string | null }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const now = useNow(problem?.kind === "rate_limited");
  const lockedFor = problem?.kind === "rate_limited" ? Math.ceil((problem.until - now) / 1000) : 0;

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setProblem(null);
    const result = await signInWithPassword(email, password);
    if (result.ok) {
      // A full navigation: the server components of the next page must see the new session cookie.
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    if (result.reason === "invalid_credentials") {
      setProblem({ kind: "invalid_credentials" });
      setPassword("");
    } else if (result.reason === "rate_limited") {
      setProblem({
        kind: "rate_limited",
        until: Date.now() + result.retryAfterSeconds * 1000,
        requestId: result.failure.requestId,
      });
    } else {
      setProblem({ kind: "error", failure: result.failure });
    }
  };

  return (
    <form onSubmit={submit} className="space-y-4">
      {notice && !problem ? <Alert tone="info">{notice}</Alert> : null}
      {problem?.kind === "invalid_credentials" ? (
        <Alert tone="error" title="Wrong email or password">
          Check both and try again. Passwords are case-sensitive.
        </Alert>
      ) : null}
      {problem?.kind === "rate_limited" ? (
        <Alert tone="error" title="Too many sign-in attempts" requestId={problem.requestId}>
          {lockedFor > 0 ? (
            <>
              For your security, sign-in is paused. Try again in{" "}
              <strong data-testid="retry-after">{formatDuration(lockedFor)}</strong> (at{" "}
              {new Date(problem.until).toLocaleTimeString(undefined, { hour: "2-digit", minute: "2-digit" })}).
            </>
          ) : (
            "You can try again now."
          )}
        </Alert>
      ) : null}
      {problem?.kind === "error" ? <ErrorAlert error={problem.failure} title="Sign-in failed" /> : null}
      <Input
        label="Email"
        type="email"
        name="email"
        autoComplete="email"
        required
        autoFocus
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <Input
        label="Password"
        type="password"
        name="password"
        autoComplete="current-password"
        required
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" className="w-full" loading={pending} disabled={lockedFor > 0}>
        {pending ? "Signing in…" : "Sign in"}
      </Button>
      <p className="text-center text-sm text-slate-500">
        New to Holdfast?{" "}
        <Link href={withCallback("/signup", callbackUrl)} className="font-medium text-indigo-600 hover:text-indigo-500">
          Create an account
        </Link>
      </p>
    </form>
  );
}

/** The current time, ticking every second while `active` (for the rate-limit countdown). */
function useNow(active: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!active) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [active]);
  return now;
}
