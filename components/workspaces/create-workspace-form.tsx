"use client";

import { type FormEvent, useState } from "react";
import { type ApiFailure, apiFetch } from "@/lib/client/api";
import { ErrorAlert } from "../error-alert";
import { Button } from "../ui/button";
import { Input } from "../ui/input";

const slugFrom = (name: string) =>
  name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);

export function CreateWorkspaceForm() {
  const [name, setName] = useState("");
  const [slug, setSlug] = useState("");
  const [slugEdited, setSlugEdited] = useState(false);
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<ApiFailure | null>(null);
  const effectiveSlug = slugEdited ? slug : slugFrom(name);

  const submit = async (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setPending(true);
    setError(null);
    const result = await apiFetch<{ workspace: { slug: string } }>("/api/v1/workspaces", {
      method: "POST",
      // Without a slug the server derives a free one from the name.
      body: slugEdited && slug ? { name, slug } : { name },
    });
    if (result.ok) {
      // A full navigation so the header's workspace list includes the new one.
      window.location.assign(`/w/${result.data.workspace.slug}`);
      return;
    }
    setPending(false);
    setError(result);
  };

  const slugError = error?.code === "slug_taken" ? "This address is taken; choose another." : null;

  return (
    <form onSubmit={submit} className="space-y-4">
      {error && !slugError ? <ErrorAlert error={error} title="Could not create the workspace" /> : null}
      <Input
        label="Workspace name"
        name="name"
        required
        maxLength={80}
        autoFocus
        placeholder="Acme Research"
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <Input
        label="Address"
        name="slug"
        minLength={2}
        maxLength={48}
        pattern="[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?"
        placeholder="acme-research"
        hint={`Lowercase letters, digits and dashes. Your workspace will live at /w/${effectiveSlug || "…"}`}
        error={slugError}
        value={effectiveSlug}
        onChange={(event) => {
          setSlugEdited(true);
          setSlug(event.target.value.toLowerCase());
        }}
      />
      <Button type="submit" loading={pending} className="w-full sm:w-auto">
        {pending ? "Creating…" : "Create workspace"}
      </Button>
    </form>
  );
}
