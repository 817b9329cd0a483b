import type { Role } from "@/lib/db";
import { forbidden } from "@/lib/http/errors";

// Permissions as data (dub's rbac): routes name a permission, never a role.
export const PERMISSIONS = [
  "workspace.read",
  "workspace.write",
  "members.read",
  "members.write",
  "invitations.write",
  "tokens.write",
  "audit.read",
  "usage.read",
  "conversations.read",
  "conversations.write",
  "prompts.read",
  "prompts.write",
  "requests.read",
  "sessions.manage",
  "runs.read",
  "runs.write",
  "runs.admin",
  "approvals.decide",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export const ROLES = ["member", "admin", "billing_owner"] as const satisfies readonly Role[];

export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  member: [
    "workspace.read",
    "members.read",
    "conversations.read",
    "conversations.write",
    "prompts.read",
    "runs.read",
    "runs.write",
    "approvals.decide",
  ],
  admin: PERMISSIONS,
  billing_owner: ["workspace.read", "members.read", "usage.read"],
};

export function hasPermission(roles: readonly Role[], permission: Permission): boolean {
  return roles.some((role) => ROLE_PERMISSIONS[role].includes(permission));
}

export function throwIfNoPermission(roles: readonly Role[], permission: Permission): void {
  if (!hasPermission(roles, permission)) throw forbidden(`this needs the "${permission}" permission`);
}
