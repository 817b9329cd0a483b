"use client";

import { useState } from "react";
import { signOut } from "@/lib/client/auth";
import { dropdownItemClasses } from "./ui/dropdown";

export function SignOutButton({ className = dropdownItemClasses }: { className?: string }) {
  const [pending, setPending] = useState(false);
  return (
    <button
      type="button"
      className={className}
      disabled={pending}
      onClick={() => {
        setPending(true);
        void signOut();
      }}
    >
      {pending ? "Signing out…" : "Sign out"}
    </button>
  );
}
