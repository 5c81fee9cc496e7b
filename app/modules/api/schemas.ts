import { z } from "zod";
import { msg, optionalText, phoneE164 } from "../platform/validation";
import { CHANNELS } from "../tenancy/schemas";

/** Request bodies of the REST API. Messages are i18n keys, rendered in English in API errors. */
/** The same channels the bureau console offers for a number. */
export const PHONE_CHANNELS = CHANNELS;

export const phoneNumberCreateSchema = z.object(
  {
    e164: phoneE164,
    label: optionalText(80),
    channels: z
      .array(z.enum(PHONE_CHANNELS, { errorMap: () => ({ message: msg.invalid }) }), { invalid_type_error: msg.invalid })
      .min(1, msg.required)
      .default(["voice"])
      .transform((list) => [...new Set(list)]),
  },
  { invalid_type_error: msg.invalid, required_error: msg.required },
);
export type PhoneNumberCreate = z.infer<typeof phoneNumberCreateSchema>;
