import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { ApiKeyManager, type ApiKeyActionData } from "~/components/api-key-manager";
import { Ltr } from "~/components/forms";
import { createTenantApiKey, listTenantApiKeys, revokeTenantApiKey } from "~/modules/auth/api-keys.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, requireTenantPermission } from "~/modules/auth/guards.server";
import type { Language } from "~/modules/i18n/config";
import { formatDate, formatDateTime } from "~/modules/i18n/format";
import { i18nServer } from "~/modules/i18n/i18n.server";
import { apiKeyCreateSchema, apiKeyRevokeSchema } from "~/modules/portal/forms";
import portalCss from "~/styles/portal.css?url";
import { z } from "zod";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { tenant } = await requireTenantPermission(request, params.slug, "tenant.apikeys.manage");
  const lang = (await i18nServer.getLocale(request)) as Language;
  const keys = await listTenantApiKeys(tenant.id);
  return {
    keys: keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      created: formatDate(k.createdAt, lang, tenant.timeZone),
      createdIso: k.createdAt.toISOString(),
      lastUsed: k.lastUsedAt ? formatDateTime(k.lastUsedAt, lang, tenant.timeZone) : null,
      revoked: k.revokedAt !== null,
      createdByName: k.createdByName,
    })),
  };
}

const schema = z.discriminatedUnion("intent", [apiKeyCreateSchema("tenant"), apiKeyRevokeSchema]);

export async function action({ request, params }: ActionFunctionArgs): Promise<ApiKeyActionData> {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const { auth, tenant } = await requireTenantPermission(request, params.slug, "tenant.apikeys.manage");
  const intent = String(formData.get("intent") ?? "");
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return { intent, result: submission.reply(), created: null, notice: null };
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  const input = submission.value;
  if (input.intent === "create") {
    const { token, key } = await createTenantApiKey(tenant.id, { name: input.name, scopes: input.scopes }, actor);
    return { intent, result: submission.reply({ resetForm: true }), created: { name: key.name, token }, notice: null };
  }
  const revoked = await revokeTenantApiKey(tenant.id, input.keyId, actor);
  if (!revoked) return { intent, result: submission.reply({ formErrors: ["portal:apiKeys.errors.notFound"] }), created: null, notice: null };
  return { intent, result: submission.reply(), created: null, notice: { key: "apiKeys.notice.revoked", name: "" } };
}

export default function TenantApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("portal");
  return (
    <div className="stack">
      <div className="page-header">
        <h2>{t("apiKeys.title")}</h2>
      </div>
      <p>{t("apiKeys.tenantIntro")}</p>
      <p className="field-hint">
        {t("apiKeys.docs")}{" "}
        <a href="/api/v1/openapi.json">
          <Ltr>/api/v1/openapi.json</Ltr>
        </a>
      </p>
      <ApiKeyManager kind="tenant" keys={keys} actionData={actionData} busy={navigation.state !== "idle"} />
    </div>
  );
}
