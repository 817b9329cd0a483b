import { z } from "zod";
import { recordAudit } from "@/lib/audit/record-audit";
import { revokeSessions } from "@/lib/auth/device-sessions";
import { hashPassword, verifyPassword } from "@/lib/auth/passwords";
import type { DbClient } from "@/lib/db";
import { ApiError } from "@/lib/http/errors";
import type { Actor } from "@/lib/http/route";
import { throwIfLastAdminAnywhere } from "@/lib/workspaces/members";
import { emailSchema } from "@/lib/workspaces/schemas";

export const passwordSchema = z.string().min(10, "use at least 10 characters").max(256);
export const signUpSchema = z.strictObject({
  email: emailSchema,
  name: z.string().trim().min(1).max(80),
  password: passwordSchema,
});
export const changePasswordSchema = z.strictObject({
  current_password: z.string().min(1).max(256),
  new_password: passwordSchema,
});

export type UserView = { id: string; email: string; name: string };
export const presentUser = (u: { id: string; email: string; name: string }): UserView => ({
  id: u.id,
  email: u.email,
  name: u.name,
});

export async function signUp(db: DbClient, input: z.infer<typeof signUpSchema>): Promise<UserView> {
  const passwordHash = await hashPassword(input.password);
  const created = await db.user
    .create({ data: { email: input.email, name: input.name, passwordHash } })
    .catch((error: unknown) => {
      if ((error as { code?: string }).code === "P2002") {
        throw new ApiError("conflict", "email_taken", "an account with this email exists; sign in instead");
      }
      throw error;
    });
  return presentUser(created);
}

/** A new password ends every other device session (the current one stays signed in). */
export async function changePassword(
  db: DbClient,
  input: { actor: Extract<Actor, { kind: "user" }>; currentPassword: string; newPassword: string; requestId: string },
): Promise<{ revoked_sessions: number }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: input.actor.userId } });
  if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
    throw new ApiError("unprocessable", "wrong_password", "the current password is not right");
  }
  await db.user.update({
    where: { id: user.id },
    data: { passwordHash: await hashPassword(input.newPassword), passwordChangedAt: new Date() },
  });
  const revoked = await revokeSessions(db, {
    userId: user.id,
    exceptId: input.actor.sessionId,
    reason: "password_changed",
  });
  await recordAudit(db, {
    workspaceId: null,
    actor: input.actor,
    action: "user.password_changed",
    targetType: "user",
    targetId: user.id,
    requestId: input.requestId,
    data: { revoked_sessions: revoked },
  });
  return { revoked_sessions: revoked };
}

/** Removing an account ends all its sessions at once and frees nothing else (audit rows stay). */
export async function deleteAccount(
  db: DbClient,
  input: { actor: Extract<Actor, { kind: "user" }>; requestId: string },
) {
  await throwIfLastAdminAnywhere(db, input.actor.userId);
  await db.user.update({
    where: { id: input.actor.userId },
    data: { deletedAt: new Date(), email: `deleted+${input.actor.userId}@holdfast.invalid` },
  });
  await db.membership.deleteMany({ where: { userId: input.actor.userId } });
  await revokeSessions(db, { userId: input.actor.userId, reason: "account_deleted" });
  await recordAudit(db, {
    workspaceId: null,
    actor: input.actor,
    action: "user.deleted",
    targetType: "user",
    targetId: input.actor.userId,
    requestId: input.requestId,
  });
}
