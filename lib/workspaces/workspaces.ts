import { randomBytes } from "node:crypto";
import { recordAudit } from "@/lib/audit/record-audit";
import type { DbClient, Role } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import type { Actor } from "@/lib/http/route";
import { ROLES } from "./permissions";

export type WorkspaceSummary = { slug: string; name: string; roles: Role[] };

/** The creator holds every role (SPEC §2). A taken slug is a 409; with no slug one is derived from the name. */
export async function createWorkspace(
  db: DbClient,
  input: { actor: Extract<Actor, { kind: "user" }>; name: string; slug?: string; requestId: string },
) {
  const slug = input.slug ?? (await deriveFreeSlug(db, input.name));
  if (await db.workspace.findUnique({ where: { slug }, select: { id: true } })) {
    throw new ApiError("conflict", "slug_taken", `the workspace address "${slug}" is taken`);
  }
  const workspace = await db.workspace.create({
    data: { slug, name: input.name, memberships: { create: { userId: input.actor.userId, roles: [...ROLES] } } },
  });
  await recordAudit(db, {
    workspaceId: workspace.id,
    actor: input.actor,
    action: "workspace.created",
    targetType: "workspace",
    targetId: workspace.id,
    requestId: input.requestId,
    data: { slug },
  });
  return workspace;
}

export async function listWorkspacesOfUser(db: DbClient, userId: string): Promise<WorkspaceSummary[]> {
  const memberships = await db.membership.findMany({
    where: { userId },
    include: { workspace: { select: { slug: true, name: true } } },
    orderBy: { joinedAt: "asc" },
  });
  return memberships.map((m) => ({ slug: m.workspace.slug, name: m.workspace.name, roles: m.roles }));
}

async function deriveFreeSlug(db: DbClient, name: string): Promise<string> {
  const base =
    name
      .toLowerCase()
      .normalize("NFKD")
      .replace(/[^a-z0-9]+/g, "-")
      .replace(/^-+|-+$/g, "")
      .slice(0, 40) || "workspace";
  const padded = base.length < 2 ? `${base}-ws` : base;
  const taken = await db.workspace.findUnique({ where: { slug: padded }, select: { id: true } });
  return taken ? `${padded}-${randomBytes(3).toString("hex")}` : padded;
}
