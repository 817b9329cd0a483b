import { z } from "zod";

export const busyPolicySchema = z.enum(["enqueue", "reject", "interrupt"]);

/** Per-conversation choices; every field optional, unknown ones refused. */
export const conversationSettingsSchema = z.strictObject({
  model: z.string().min(1).max(100).optional(),
  prompt_label: z.string().min(1).max(40).optional(),
  temperature: z.number().min(0).max(2).optional(),
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 31 - 1)
    .optional(),
  busy_policy: busyPolicySchema.optional(),
});

export const createConversationSchema = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  settings: conversationSettingsSchema.optional(),
});

export const updateConversationSchema = z
  .strictObject({
    title: z.string().trim().min(1).max(200).optional(),
    settings: conversationSettingsSchema.optional(),
  })
  .refine((body) => body.title !== undefined || body.settings !== undefined, "send a title or settings");

export const sendMessageSchema = z.strictObject({
  content: z.string().trim().min(1).max(20_000),
  model: z.string().min(1).max(100).optional(),
  prompt_label: z.string().min(1).max(40).optional(),
});

export type ConversationSettings = z.infer<typeof conversationSettingsSchema>;
