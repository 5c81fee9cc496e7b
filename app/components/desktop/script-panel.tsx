import { useTranslation } from "react-i18next";
import type { DesktopContact } from "~/modules/desktop/desktop.server";

/** The tenant's published script for the contact's queue. */
export function ScriptPanel({ script, contact }: { script: unknown; contact: DesktopContact }) {
  const { t } = useTranslation("agent");
  return (
    <section className="card desktop__script" aria-labelledby="script-title" data-testid="script" data-queue={contact.queue.key}>
      <h3 id="script-title">{t("script.title")}</h3>
      {script ? <pre className="desktop__script-raw">{JSON.stringify(script, null, 2)}</pre> : <p className="muted">{t("script.none")}</p>}
    </section>
  );
}
