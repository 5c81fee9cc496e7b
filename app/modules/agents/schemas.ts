import { z } from "zod";
import { dialTargetOf } from "../telephony/endpoints";
import { normalizeDigits } from "../i18n/format";
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

/**
 * Proficiency 1-5 per skill or language, typed as "billing=4, en=3" (Persian digits and comma welcome).
 * What is not listed counts as 3 for routing (policy.ts DEFAULT_PROFICIENCY).
 */
export function parseProficiency(raw: string | undefined | null): Record<string, number> | null {
  const out: Record<string, number> = {};
  const text = normalizeDigits(raw ?? "").trim();
  if (!text) return out;
  for (const part of text.split(/[,،]/).map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z0-9][a-z0-9_-]{0,39})\s*[=:]\s*([1-5])$/i.exec(part);
    if (!m) return null;
    out[m[1]!.toLowerCase()] = Number(m[2]);
  }
  return out;
}

export function formatProficiency(levels: Readonly<Record<string, number>>): string {
  return Object.entries(levels)
    .map(([k, v]) => `${k}=${v}`)
    .join(", ");
}

export const agentUpdateSchema = z
  .object({
  languages: agentLanguagesField,
  skills: skillsField,
  endpoint: endpointField,
  autoAnswer: z.boolean().optional().default(false),
  proficiency: z
    .string()
    .optional()
    .transform((v, ctx) => {
      const parsed = parseProficiency(v);
      if (parsed === null) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: "validation:proficiency" });
        return z.NEVER;
      }
      return parsed;
    }),
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
        /** Bought by the tenant: the agent's logged-in time is billed to it as seat-hours. */
        dedicated: z.boolean().optional().default(false),
      }),
    )
    .default([]),
  })
  .superRefine((value, ctx) => {
    const known = new Set<string>([...value.skills, ...value.languages]);
    const unknown = Object.keys(value.proficiency).filter((k) => !known.has(k));
    if (unknown.length) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["proficiency"], message: `validation:proficiencyUnknown|names=${unknown.join(", ")}` });
    const issue = dedicationIssue(value.assignments);
    if (issue) ctx.addIssue({ code: z.ZodIssueCode.custom, path: ["assignments", issue.index, "dedicated"], message: issue.messageKey });
  });

type AssignmentInput = z.infer<typeof agentUpdateSchema>["assignments"][number];
/** `dedicated` may be left out by a caller that does not deal in seats: not dedicated, as an unticked box. */
export type AgentUpdateInput = Omit<z.infer<typeof agentUpdateSchema>, "assignments"> & {
  assignments: (Omit<AssignmentInput, "dedicated"> & { dedicated?: boolean })[];
};

/**
 * A seat is one person's working hours, billed to the tenant that bought it: an agent is dedicated
 * to at most one tenant at a time, and only to a tenant it is assigned to. The form and the module
 * both check it (the database's unique index is the last word).
 */
export function dedicationIssue(assignments: readonly { assigned?: boolean; dedicated?: boolean }[]): { index: number; messageKey: string } | null {
  let seen = false;
  for (const [index, a] of assignments.entries()) {
    if (!a.dedicated) continue;
    if (!a.assigned) return { index, messageKey: "validation:dedicatedNotAssigned" };
    if (seen) return { index, messageKey: "validation:dedicatedOnce" };
    seen = true;
  }
  return null;
}
