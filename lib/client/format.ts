import type { Role } from "./types";

export const ROLE_OPTIONS: { role: Role; label: string; description: string }[] = [
  { role: "member", label: "Member", description: "Chat, launch agent runs, approve actions" },
  { role: "admin", label: "Admin", description: "Manage members, invitations and API tokens" },
  { role: "billing_owner", label: "Billing owner", description: "See usage and cost, manage plan limits" },
];

export const roleLabel = (role: Role) => ROLE_OPTIONS.find((option) => option.role === role)?.label ?? role;

/** Roles in a stable order (member, admin, billing owner), whatever order the server sent. */
export const sortRoles = (roles: readonly Role[]) =>
  ROLE_OPTIONS.map((option) => option.role).filter((role) => roles.includes(role));

export const sameRoles = (a: readonly Role[], b: readonly Role[]) =>
  a.length === b.length && a.every((role) => b.includes(role));

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: "medium", timeStyle: "short" });
const dateOnly = new Intl.DateTimeFormat(undefined, { dateStyle: "medium" });
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

export const formatDateTime = (iso: string) => dateTime.format(new Date(iso));
export const formatDate = (iso: string) => dateOnly.format(new Date(iso));

/** "5 minutes ago", "in 6 days". */
export function formatRelative(iso: string, now = Date.now()): string {
  const seconds = Math.round((new Date(iso).getTime() - now) / 1000);
  const steps: [Intl.RelativeTimeFormatUnit, number][] = [
    ["second", 60],
    ["minute", 60],
    ["hour", 24],
    ["day", 30],
    ["month", 12],
  ];
  let value = seconds;
  for (const [unit, size] of steps) {
    if (Math.abs(value) < size)
      return unit === "second" && Math.abs(value) < 45 ? "just now" : relative.format(value, unit);
    value = Math.round(value / size);
  }
  return relative.format(value, "year");
}

/** "14 min 5 s", "40 s", "2 h 3 min" — for a Retry-After. */
export function formatDuration(totalSeconds: number): string {
  const s = Math.max(0, Math.ceil(totalSeconds));
  const hours = Math.floor(s / 3600);
  const minutes = Math.floor((s % 3600) / 60);
  const seconds = s % 60;
  if (hours) return minutes ? `${hours} h ${minutes} min` : `${hours} h`;
  if (minutes) return seconds ? `${minutes} min ${seconds} s` : `${minutes} min`;
  return `${seconds} s`;
}

export const initials = (name: string, email: string) =>
  (
    name
      .split(/\s+/)
      .filter(Boolean)
      .slice(0, 2)
      .map((part) => part[0])
      .join("") ||
    email[0] ||
    "?"
  ).toUpperCase();
