import { z } from "zod";
import { BREAK_REASONS } from "../routing/agent-state";
import { msg } from "../platform/validation";

/** The agent desktop's form posts, one schema per intent (browser and server). */
const uuid = z.string({ required_error: msg.required }).uuid(msg.invalid);
const note = (max: number) => z.string().trim().max(max, msg.tooLong(max)).optional().transform((v) => v ?? "");

export const CALLBACK_OFFSETS = ["30", "60", "120", "240", "1440"] as const;

export const desktopActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("available") }),
  z.object({ intent: z.literal("break"), reason: z.enum(BREAK_REASONS, { errorMap: () => ({ message: msg.required }) }) }),
  z.object({ intent: z.literal("offline") }),
  z.object({ intent: z.literal("accept"), contactId: uuid }),
  z.object({ intent: z.literal("reject"), contactId: uuid }),
  z.object({ intent: z.literal("hold") }),
  z.object({ intent: z.literal("resume") }),
  z.object({ intent: z.literal("end") }),
  z.object({ intent: z.literal("note"), body: z.string({ required_error: msg.required }).trim().min(1, msg.required).max(4000, msg.tooLong(4000)) }),
  z.object({ intent: z.literal("escalate"), note: note(1000) }),
  z.object({ intent: z.literal("transferAgent"), agentId: uuid, note: note(1000) }),
  z.object({ intent: z.literal("transfer"), queueKey: z.string({ required_error: msg.required }).trim().min(1, msg.required), note: note(1000) }),
  z.object({
    intent: z.literal("wrapup"),
    dispositionId: z.string({ required_error: "agent:errors.dispositionRequired" }).uuid("agent:errors.dispositionRequired"),
    notes: note(4000),
    callbackIn: z.enum(CALLBACK_OFFSETS).optional(),
  }),
  z.object({ intent: z.literal("resolveEscalation"), agentId: uuid, decision: z.enum(["return", "takeOver"]), note: note(1000) }),
]);
export type DesktopAction = z.infer<typeof desktopActionSchema>;
