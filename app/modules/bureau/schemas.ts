import { z } from "zod";
import { LANGUAGES } from "../i18n/config";
import { requiredText } from "../platform/validation";
import { choice, timeZoneField } from "../tenancy/schemas";

export const CURRENCY_DISPLAYS = ["rial", "toman"] as const;

export const bureauSettingsSchema = z.object({
  name: requiredText(120),
  defaultLocale: choice(LANGUAGES),
  timeZone: timeZoneField,
  currencyDisplay: choice(CURRENCY_DISPLAYS),
});
export type BureauSettingsInput = z.infer<typeof bureauSettingsSchema>;

export const AUDIT_PAGE_SIZE = 50;
