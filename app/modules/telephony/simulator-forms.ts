import { z } from "zod";
import { LANGUAGES } from "../i18n/config";
import { normalizeDigits } from "../i18n/format";
import { msg } from "../platform/validation";

/**
 * The simulator page's forms, shared by the browser (conform) and the action. Messages are i18n keys.
 * `step` is the page's step counter: the idempotency key of the caller's action.
 */
const id = z.string({ required_error: msg.required }).trim().min(1, msg.required).max(64, msg.invalid);
const step = z.coerce.number({ invalid_type_error: msg.invalid }).int(msg.invalid).min(0, msg.invalid).max(100_000, msg.invalid);
const callRef = { callId: id, step };
const optionalCount = (max: number, min = 0) =>
  z.preprocess(
    (v) => (typeof v === "string" ? normalizeDigits(v).trim() : v),
    z
      .union([z.literal(""), z.coerce.number({ invalid_type_error: msg.invalid }).int(msg.invalid).min(min, msg.invalid).max(max, msg.invalid)])
      .optional()
      .transform((v) => (v === "" || v === undefined ? null : v)),
  );

export const DIGITS_MESSAGE = "voice:errors.invalidDigits";

export const simulatorCallSchema = z.object({
  intent: z.literal("call"),
  numberId: z.string({ required_error: "voice:errors.chooseNumber" }).trim().min(1, "voice:errors.chooseNumber").max(64, "voice:errors.numberNotFound"),
  language: z.enum(LANGUAGES, { errorMap: () => ({ message: msg.required }) }),
  attempt: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, msg.invalid),
  // The caller id the simulated call presents (the customer the agent sees); empty: withheld.
  from: z.preprocess(
    (v) => (typeof v === "string" ? normalizeDigits(v).replace(/[\s()-]/g, "") : v),
    z
      .union([z.literal(""), z.string().regex(/^\+?[0-9]{4,16}$/, "voice:errors.invalidCaller")])
      .optional()
      .transform((v) => (v ? v : null)),
  ),
});

export const simulatorDigitsSchema = z.object({
  intent: z.literal("digits"),
  ...callRef,
  digits: z.preprocess(
    (v) => (typeof v === "string" ? normalizeDigits(v).replace(/\s+/g, "") : v),
    z.string({ required_error: DIGITS_MESSAGE }).regex(/^[0-9*#]{1,64}$/, DIGITS_MESSAGE),
  ),
});

export const simulatorTickSchema = z.object({
  intent: z.literal("tick"),
  ...callRef,
  waited: z.preprocess((v) => (typeof v === "string" ? normalizeDigits(v).trim() : v), z.coerce.number({ invalid_type_error: msg.invalid }).int(msg.invalid).min(0, msg.invalid).max(86_400, msg.invalid)),
  /** Minutes, as an ACD would estimate them. */
  estimated: optionalCount(600),
  position: optionalCount(10_000, 1),
});

export const simulatorActionSchema = z.discriminatedUnion("intent", [
  simulatorCallSchema,
  simulatorDigitsSchema,
  simulatorTickSchema,
  z.object({ intent: z.literal("timeout"), ...callRef }),
  z.object({ intent: z.literal("record"), ...callRef }),
  z.object({ intent: z.literal("hangup"), ...callRef }),
]);
