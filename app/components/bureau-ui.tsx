import type { LinksFunction } from "@remix-run/node";
import { useTranslation } from "react-i18next";
import { isLanguage, type Language } from "~/modules/i18n/config";
import bureauCss from "~/styles/bureau.css?url";
import { Notice } from "./forms";

/** Small UI pieces shared by the bureau console pages. */
export const bureauLinks: LinksFunction = () => [{ rel: "stylesheet", href: bureauCss }];

export function useLang(): Language {
  const { i18n } = useTranslation();
  return isLanguage(i18n.language) ? i18n.language : "fa";
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useTranslation();
  const ok = status === "active";
  return <span className={`badge ${ok ? "badge--ok" : "badge--off"}`}>{t(`status.${status}`)}</span>;
}

/** A success notice named by a whitelisted "?notice=" key after a redirect. */
export function FlashNotice({ notice, messages }: { notice: string | null; messages: Record<string, string> }) {
  if (!notice || !messages[notice]) return null;
  return <Notice>{messages[notice]}</Notice>;
}

