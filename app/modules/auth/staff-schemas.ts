import { z } from "zod";
import { LANGUAGES } from "../i18n/config";
import { emailField, msg, requiredText } from "../platform/validation";
import { choice } from "../tenancy/schemas";
import { STAFF_ROLES } from "./permissions";

/** Form schemas for bureau staff; no server imports, so the browser validates with them too. */
export const PASSWORD_MIN = 10;

export const passwordField = z
  .string({ required_error: msg.required })
  .min(PASSWORD_MIN, msg.tooShort(PASSWORD_MIN))
  .max(200, msg.tooLong(200));

export const rolesField = z
  .array(choice(STAFF_ROLES), { required_error: "validation:chooseOne" })
  .min(1, "validation:chooseOne");

export const localeField = choice(LANGUAGES);

export const staffCreateSchema = z.object({
  name: requiredText(120),
  email: emailField,
  password: passwordField,
  roles: rolesField,
  locale: localeField,
});
export type StaffCreateInput = z.infer<typeof staffCreateSchema>;

export const staffRolesSchema = z.object({ roles: rolesField });
