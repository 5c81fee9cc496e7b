import { z } from "zod";
import type { FlowInput } from "../ivr/model";
import { msg, requiredText } from "../platform/validation";

/**
 * What the portal's IVR pages need besides the flows module: the form schemas (shared by conform in
 * the browser and the actions) and the starter flow. Pure. The languages and queues a flow is edited
 * and validated against come from the tenant's data: see app/modules/ivr/context.server.ts.
 */

export const UUID_RE =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const uuid = z.string({ required_error: msg.required }).uuid(msg.invalid);

export const flowCreateSchema = z.object({
  intent: z.literal("create"),
  name: requiredText(120),
});
export const flowAssignSchema = z.object({
  intent: z.literal("assign"),
  numberId: uuid,
  // An empty choice unassigns the number (it answers the "not in service" message).
  flowId: z.union([z.literal(""), uuid]).default(""),
});
export const flowCloneSchema = z.object({
  intent: z.literal("clone"),
  sourceTenantId: uuid,
  sourceFlowId: uuid,
  name: requiredText(120),
});
export const flowsActionSchema = z.discriminatedUnion("intent", [
  flowCreateSchema,
  flowAssignSchema,
  flowCloneSchema,
]);

const note = z.string().trim().max(500, msg.tooLong(500)).optional();
export const flowSaveSchema = z.object({
  intent: z.literal("save"),
  definition: z
    .string({ required_error: msg.required })
    .max(1_000_000, msg.invalid),
  note,
});
/** Publishing may carry the editor's definition: it is saved as the draft first when it changed. */
export const flowPublishSchema = z.object({
  intent: z.literal("publish"),
  definition: z.string().max(1_000_000, msg.invalid).optional(),
  note,
});
export const flowRollbackSchema = z.object({
  intent: z.literal("rollback"),
  version: z.coerce.number({ invalid_type_error: msg.invalid }).int().min(1),
});
export const flowEditActionSchema = z.discriminatedUnion("intent", [
  flowSaveSchema,
  flowPublishSchema,
  flowRollbackSchema,
]);

/** What a flow without any version opens with in the builder: a greeting that hangs up. */
export const STARTER_FLOW: FlowInput = {
  start: "welcome",
  nodes: [
    {
      id: "welcome",
      type: "play",
      prompt: { text: {} },
      next: "goodbye",
      position: { x: 0, y: 0 },
    },
    { id: "goodbye", type: "hangup", position: { x: 0, y: 140 } },
  ],
};
