import { z } from "zod";
import { CLIENT_ROLES } from "../auth/permissions";
import type { ApiKeyKind, ApiScope } from "../auth/api-key-token";
import { scopesFor } from "../api/scopes";
import { emailField, msg, requiredText } from "../platform/validation";

/**
 * Schemas of the client portal and API-key forms, shared by the browser (conform validation) and
 * the actions. Messages are i18n keys.
 */
const clientRole = z.enum(CLIENT_ROLES, { errorMap: () => ({ message: msg.required }) });
const uuid = z.string({ required_error: msg.invalid }).uuid(msg.invalid);

export const memberAddSchema = z.object({
  intent: z.literal("add"),
  email: emailField,
  name: requiredText(120),
  role: clientRole,
});

export const memberRoleSchema = z.object({
  intent: z.literal("role"),
  userId: uuid,
  role: clientRole,
});

export const memberRemoveSchema = z.object({
  intent: z.literal("remove"),
  userId: uuid,
});

export const memberActionSchema = z.discriminatedUnion("intent", [memberAddSchema, memberRoleSchema, memberRemoveSchema]);

export function apiKeyCreateSchema(kind: ApiKeyKind) {
  const allowed = scopesFor(kind) as [ApiScope, ...ApiScope[]];
  return z.object({
    intent: z.literal("create"),
    name: requiredText(80),
    scopes: z
      .array(z.enum(allowed, { errorMap: () => ({ message: msg.invalid }) }), { required_error: "validation:scopesRequired" })
      .min(1, "validation:scopesRequired"),
  });
}

export const apiKeyRevokeSchema = z.object({
  intent: z.literal("revoke"),
  keyId: uuid,
});
