import { roleLabel, sortRoles } from "@/lib/client/format";
import type { Role } from "@/lib/client/types";
import { Badge } from "./ui/badge";

const TONE = { admin: "indigo", billing_owner: "amber", member: "neutral" } as const;

export function RoleBadges({ roles }: { roles: readonly Role[] }) {
  return (
    <span className="inline-flex flex-wrap gap-1" data-testid="roles">
      {sortRoles(roles).map((role) => (
        <Badge key={role} tone={TONE[role]}>
          {roleLabel(role)}
        </Badge>
      ))}
    </span>
  );
}
