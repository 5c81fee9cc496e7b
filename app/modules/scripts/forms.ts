import { z } from "zod";
import { msg, requiredText } from "../platform/validation";

/**
 * The portal's script forms (shared by conform in the browser and the actions). Pure. The definition
 * travels as JSON in one field; its own checks are the model's and the validator's.
 */

const queueField = z
  .string()
  .trim()
  .default("")
  // An empty choice is a script for no queue (yet): the agent desktop shows it for none.
  .refine((v) => v === "" || z.string().uuid().safeParse(v).success, msg.invalid);

export const scriptCreateSchema = z.object({
  intent: z.literal("create"),
  name: requiredText(120),
  queueId: queueField,
});

export const scriptSettingsSchema = z.object({
  intent: z.literal("settings"),
  name: requiredText(120),
  queueId: queueField,
});

const definition = z.string({ required_error: msg.required }).min(2, msg.required).max(1_000_000, msg.invalid);

export const scriptSaveSchema = z.object({ intent: z.literal("save"), definition });
/** Publishing may carry the editor's definition: it is saved as the draft first when it changed. */
export const scriptPublishSchema = z.object({ intent: z.literal("publish"), definition: definition.optional() });
export const scriptRollbackSchema = z.object({
  intent: z.literal("rollback"),
  version: z.coerce.number({ invalid_type_error: msg.invalid }).int().min(1),
});

export const scriptEditActionSchema = z.discriminatedUnion("intent", [scriptSettingsSchema, scriptSaveSchema, scriptPublishSchema, scriptRollbackSchema]);
