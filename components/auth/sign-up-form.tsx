"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { signInWithPassword } from "@/lib/client/auth";
import { withCallback } from "@/lib/client/callback-url";
import { ErrorAlert } from "../error-alert";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Input } from "../ui/input";

export function SignUpForm({ callbackUrl }: { callbackUrl: string }) {
  const [name, setName] = useState("");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [createdButNotSignedIn, setCreatedButNotSignedIn] = useState(false);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const created = await apiFetch("/api/v1/signup", { method: "POST", body: { name, email, password } });
    if (!created.ok) {
      setPending(false);
      setError(created);
      return;
    }
    const signedIn = await signInWithPassword(email, password);
    if (signedIn.ok) {
      window.location.assign(callbackUrl);
      return;
    }
    setPending(false);
    setCreatedButNotSignedIn(true);
  };

  if (createdButNotSignedIn) {
    return (
      <Alert tone="success" title="Your account is ready">
        We could not sign you in automatically.{" "}
        <Link href={withCallback("/signin", callbackUrl)} className="font-medium underline">
          Sign in
        </Link>{" "}
        to continue.
      </Alert>
    );
  }

  return (
    <form onSubmit={submit} className="space-y-4">
      {error?.code === "email_taken" ? (
        <Alert tone="error" title="This email already has an account" requestId={error.requestId}>
          <Link href={withCallback("/signin", callbackUrl)} className="font-medium underline">
            Sign in instead
          </Link>
          .
        </Alert>
      ) : error ? (
        <ErrorAlert error={error} title="Could not create the account" />
      ) : null}
      <Input
        label="Name"
        name="name"
        autoComplete="name"
        required
        maxLength={80}
        autoFocus
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <Input
        label="Email"
        type="email"
        name="email"
        autoComplete="email"
        required
        maxLength={254}
        value={email}
        onChange={(event) => setEmail(event.target.value)}
      />
      <Input
        label="Password"
        type="password"
        name="password"
        autoComplete="new-password"
        required
        minLength={10}
        maxLength={256}
        hint="At least 10 characters."
        value={password}
        onChange={(event) => setPassword(event.target.value)}
      />
      <Button type="submit" className="w-full" loading={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </Button>
      <p className="text-center text-sm text-slate-500">
        Already have an account?{" "}
        <Link href={withCallback("/signin", callbackUrl)} className="font-medium text-indigo-600 hover:text-indigo-500">
          Sign in
        </Link>
      </p>
    </form>
  );
}
