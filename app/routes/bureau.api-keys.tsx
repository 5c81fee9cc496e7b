import { parseWithZod } from "@conform-to/zod";
import type { ActionFunctionArgs, LinksFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { z } from "zod";
import { ApiKeyManager, type ApiKeyActionData } from "~/components/api-key-manager";
import { titleMeta } from "~/components/meta";
import { Ltr } from "~/components/forms";
import { createBureauApiKey, listBureauApiKeys, revokeBureauApiKey } from "~/modules/auth/api-keys.server";
import { asBureau } from "~/modules/auth/bureau.server";
import { requireCsrf } from "~/modules/auth/csrf.server";
import { clientIp, requireBureauPermission } from "~/modules/auth/guards.server";
import type { Language } from "~/modules/i18n/config";
import { DEFAULT_TIME_ZONE, formatDate, formatDateTime } from "~/modules/i18n/format";
import { getT, i18nServer } from "~/modules/i18n/i18n.server";
import { apiKeyCreateSchema, apiKeyRevokeSchema } from "~/modules/portal/forms";
import portalCss from "~/styles/portal.css?url";

export const links: LinksFunction = () => [{ rel: "stylesheet", href: portalCss }];
export const meta: MetaFunction<typeof loader> = ({ data, matches }) => titleMeta(data, matches);

export async function loader({ request }: LoaderFunctionArgs) {
  const auth = await requireBureauPermission(request, "apikeys.bureau.manage");
  const lang = (await i18nServer.getLocale(request)) as Language;
  const keys = await asBureau(auth, "apikeys.bureau.manage", (trx) => listBureauApiKeys(trx));
  const { t } = await getT(request, "portal");
  return {
    title: t("apiKeys.bureauTitle"),
    keys: keys.map((k) => ({
      id: k.id,
      name: k.name,
      prefix: k.prefix,
      scopes: k.scopes,
      created: formatDate(k.createdAt, lang, DEFAULT_TIME_ZONE),
      createdIso: k.createdAt.toISOString(),
      lastUsed: k.lastUsedAt ? formatDateTime(k.lastUsedAt, lang, DEFAULT_TIME_ZONE) : null,
      revoked: k.revokedAt !== null,
      createdByName: k.createdByName,
    })),
  };
}

const schema = z.discriminatedUnion("intent", [apiKeyCreateSchema("bureau"), apiKeyRevokeSchema]);

export async function action({ request }: ActionFunctionArgs): Promise<ApiKeyActionData> {
  const formData = await request.formData();
  requireCsrf(request, formData);
  const auth = await requireBureauPermission(request, "apikeys.bureau.manage");
  const intent = String(formData.get("intent") ?? "");
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return { intent, result: submission.reply(), created: null, notice: null };
  const actor = { userId: auth.user.id, label: auth.user.email, ip: clientIp(request) };
  const input = submission.value;
  if (input.intent === "create") {
    const { token, key } = await asBureau(auth, "apikeys.bureau.manage", (trx) =>
      createBureauApiKey(trx, { name: input.name, scopes: input.scopes }, actor),
    );
    return { intent, result: submission.reply({ resetForm: true }), created: { name: key.name, token }, notice: null };
  }
  const revoked = await asBureau(auth, "apikeys.bureau.manage", (trx) => revokeBureauApiKey(trx, input.keyId, actor));
  if (!revoked) return { intent, result: submission.reply({ formErrors: ["portal:apiKeys.errors.notFound"] }), created: null, notice: null };
  return { intent, result: submission.reply(), created: null, notice: { key: "apiKeys.notice.revoked", name: "" } };
}

export default function BureauApiKeys() {
  const { keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const navigation = useNavigation();
  const { t } = useTranslation("portal");
  return (
    <div className="stack">
      <div className="page-header">
        <h1>{t("apiKeys.bureauTitle")}</h1>
      </div>
      <p>{t("apiKeys.bureauIntro")}</p>
      <p className="field-hint">
        {t("apiKeys.docs")}{" "}
        <a href="/api/v1/openapi.json">
          <Ltr>/api/v1/openapi.json</Ltr>
        </a>
      </p>
      <ApiKeyManager kind="bureau" keys={keys} actionData={actionData} busy={navigation.state !== "idle"} />
    </div>
  );
}
