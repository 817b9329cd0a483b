"use client";

import { type FormEvent, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { ErrorAlert } from "../error-alert";
import { Alert } from "../ui/alert";
import { Button } from "../ui/button";
import { Input } from "../ui/input";

export function ChangePasswordForm({ onChanged }: { onChanged: () => void }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirm, setConfirm] = useState("");
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState<number | null>(null);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setDone(null);
    setError(null);
    if (next !== confirm) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    setPending(true);
    const result = await apiFetch<{ revoked_sessions: number }>("/api/v1/me/password", {
      method: "POST",
      body: { current_password: current, new_password: next },
    });
    setPending(false);
    if (!result.ok) {
      setError(result);
      return;
    }
    setCurrent("");
    setNext("");
    setConfirm("");
    setDone(result.data.revoked_sessions);
    onChanged();
  };

  const wrongCurrent = error?.code === "wrong_password";

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Change password">
      {done !== null ? (
        <Alert tone="success" title="Password changed">
          {done === 0
            ? "No other device was signed in."
            : `${done} other ${done === 1 ? "session was" : "sessions were"} signed out.`}
        </Alert>
      ) : null}
      {error && !wrongCurrent ? <ErrorAlert error={error} title="Could not change the password" /> : null}
      <Input
        label="Current password"
        type="password"
        autoComplete="current-password"
        required
        value={current}
        error={wrongCurrent ? "This is not your current password." : null}
        onChange={(event) => setCurrent(event.target.value)}
      />
      <Input
        label="New password"
        type="password"
        autoComplete="new-password"
        required
        minLength={10}
        maxLength={256}
        hint="At least 10 characters."
        value={next}
        onChange={(event) => setNext(event.target.value)}
      />
      <Input
        label="Repeat the new password"
        type="password"
        autoComplete="new-password"
        required
        value={confirm}
        error={mismatch ? "The two new passwords differ." : null}
        onChange={(event) => setConfirm(event.target.value)}
      />
      <Button type="submit" loading={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
