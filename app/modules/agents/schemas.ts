import { z } from "zod";
import { dialTargetOf } from "../telephony/endpoints";
import { emailField, msg, requiredText } from "../platform/validation";
import { localeField, passwordField } from "../auth/staff-schemas";
import { choice } from "../tenancy/schemas";

/** Languages an agent can take contacts in (ISO 639-1); shown with Intl.DisplayNames. */
export const AGENT_LANGUAGES = ["fa", "en", "ar", "tr", "az", "ku", "nl", "de", "fr", "ru"] as const;
export const MAX_SKILLS = 20;

/** "billing, sales،  vip" -> ["billing", "sales", "vip"]: comma or Persian comma separated, de-duplicated. */
export function parseSkills(raw: string | undefined | null): string[] {
  return [
    ...new Set(
      (raw ?? "")
        .split(/[,،]/)
        .map((s) => s.trim().toLowerCase().replace(/\s+/g, "-"))
        .filter(Boolean),
    ),
  ];
}

export const skillsField = z
  .string()
  .optional()
  .transform((v) => parseSkills(v))
  .superRefine((skills, ctx) => {
    if (skills.length > MAX_SKILLS) ctx.addIssue({ code: z.ZodIssueCode.custom, message: `validation:tooManySkills|max=${MAX_SKILLS}` });
    if (skills.some((s) => s.length > 40)) ctx.addIssue({ code: z.ZodIssueCode.custom, message: "validation:skill" });
  });

export const agentLanguagesField = z
  .array(choice(AGENT_LANGUAGES), { required_error: "validation:chooseOne" })
  .min(1, "validation:chooseOne");

export const employeeCodeField = z
  .string({ required_error: msg.required })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9_-]{0,19}$/, "validation:employeeCode");

export const agentCreateSchema = z.object({
  name: requiredText(120),
  email: emailField,
  password: passwordField,
  locale: localeField,
  employeeCode: employeeCodeField,
  languages: agentLanguagesField,
  skills: skillsField,
});
export type AgentCreateInput = z.infer<typeof agentCreateSchema>;

/** Where the agent's calls ring (see telephony/endpoints.ts); empty: the agent works in the simulator only. */
export const endpointField = z
  .string()
  .trim()
  .max(200, msg.tooLong(200))
  .optional()
  .transform((v) => (v ? v : null))
  .refine((v) => v === null || dialTargetOf(v) !== null, "validation:agentEndpoint");

export const agentUpdateSchema = z.object({
  languages: agentLanguagesField,
  skills: skillsField,
  endpoint: endpointField,
  autoAnswer: z.boolean().optional().default(false),
  assignments: z
    .array(
      z.object({
        tenantId: z.string({ required_error: msg.required }).uuid(msg.invalid),
        assigned: z.boolean().optional().default(false),
        priority: z.coerce
          .number({ required_error: msg.required, invalid_type_error: "validation:priority" })
          .int("validation:priority")
          .min(1, "validation:priority")
          .max(9, "validation:priority")
          .default(1),
        skills: skillsField,
      }),
    )
    .default([]),
});
export type AgentUpdateInput = z.infer<typeof agentUpdateSchema>;
