import { z } from "zod";

// One zod schema per input, shared by the route handlers and the pages.
export const promptNameSchema = z
  .string()
  .trim()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "use lowercase letters, digits, '.', '_' and '-'");
export const promptLabelSchema = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9_.-]*$/, "use lowercase letters, digits, '.', '_' and '-'");
export const promptContentSchema = z.string().min(1).max(100_000);

export const createPromptSchema = z.strictObject({
  name: promptNameSchema,
  content: promptContentSchema,
  labels: z.array(promptLabelSchema).max(10).default([]),
});
export const createPromptVersionSchema = z.strictObject({ content: promptContentSchema });
export const moveLabelSchema = z.strictObject({ version: z.number().int().min(1).max(1_000_000) });
