import { z } from "zod";
import { ROLES } from "./permissions";

// One zod schema per input, shared by route handlers, the CLI and tests.
export const rolesSchema = z
  .array(z.enum(ROLES))
  .min(1)
  .max(3)
  .transform((roles) => [...new Set(roles)]);
export const emailSchema = z.string().trim().toLowerCase().email().max(254);
export const slugSchema = z
  .string()
  .trim()
  .toLowerCase()
  .min(2)
  .max(48)
  .regex(/^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/, "use lowercase letters, digits and dashes");

export const createWorkspaceSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  slug: slugSchema.optional(),
});
export const createInvitationSchema = z.strictObject({ email: emailSchema, roles: rolesSchema.default(["member"]) });
export const updateMemberSchema = z.strictObject({ roles: rolesSchema });
export const createTokenSchema = z.strictObject({
  name: z.string().trim().min(1).max(80),
  roles: rolesSchema.default(["member"]),
});
