import { hashPassword } from "@/lib/auth/passwords";
import { db, type Role } from "@/lib/db";
import { createApiToken } from "@/lib/workspaces/api-tokens";

/**
 * Creates (or updates) a user, a workspace and the membership with exactly `roles`. Running it again with the
 * same email and workspace changes nothing but the roles (API.md "Command line").
 */
export async function seedUser(input: {
  email: string;
  password: string;
  workspace: string;
  roles: Role[];
  withToken: boolean;
}): Promise<{ user_id: string; workspace: string; token?: string }> {
  const roles = [...new Set(input.roles)];
  return db().$transaction(async (tx) => {
    const existing = await tx.user.findUnique({ where: { email: input.email } });
    const user =
      existing ??
      (await tx.user.create({
        data: {
          email: input.email,
          name: input.email.split("@")[0] ?? input.email,
          passwordHash: await hashPassword(input.password),
        },
      }));
    const workspace = await tx.workspace.upsert({
      where: { slug: input.workspace },
      create: { slug: input.workspace, name: input.workspace },
      update: {},
    });
    const membership = await tx.membership.findUnique({
      where: { workspaceId_userId: { workspaceId: workspace.id, userId: user.id } },
    });
    if (!membership) {
      await tx.membership.create({ data: { workspaceId: workspace.id, userId: user.id, roles } });
    } else if (membership.roles.join() !== roles.join()) {
      await tx.membership.update({ where: { id: membership.id }, data: { roles, version: { increment: 1 } } });
    }
    const result: { user_id: string; workspace: string; token?: string } = {
      user_id: user.id,
      workspace: workspace.slug,
    };
    if (input.withToken) {
      const created = await createApiToken(tx, {
        workspaceId: workspace.id,
        name: "seed-user",
        roles,
        actor: null,
        requestId: null,
      });
      result.token = created.token;
    }
    return result;
  });
}
