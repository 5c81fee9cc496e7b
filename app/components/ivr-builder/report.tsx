import { useTranslation } from "react-i18next";
import { issueMessageKey, type Issue } from "~/modules/ivr/validator";

/** An issue's localized message; language codes in params read as language names. */
export function IssueMessage({ issue }: { issue: Issue }) {
  const { t } = useTranslation("ivr");
  const params: Record<string, string | number> = { ...issue.params };
  if (typeof params.language === "string") params.language = t(`builder.language.${params.language}`, { defaultValue: params.language });
  return (
    <>
      <span className={`badge ivr-severity ivr-severity--${issue.severity}`}>{t(`severity.${issue.severity}`)}</span> {t(issueMessageKey(issue.code), params)}
    </>
  );
}

/** The validator's whole report; each issue that points at a step selects it. */
export function IssueReport({ issues, onSelect }: { issues: Issue[]; onSelect: (nodeId: string) => void }) {
  const { t } = useTranslation("ivr");
  const errors = issues.filter((i) => i.severity === "error").length;
  return (
    <section className="ivr-report" aria-labelledby="ivr-report-title">
      <h3 id="ivr-report-title">{t("builder.report.title")}</h3>
      <p className="muted" role="status" aria-live="polite">
        {issues.length ? t("builder.report.counts", { errors, warnings: issues.length - errors }) : t("builder.report.ok")}
      </p>
      {issues.length ? (
        <ul className="ivr-report__list">
          {issues.map((issue, i) => (
            <li key={i} className={`ivr-issue ivr-issue--${issue.severity}`}>
              {issue.nodeId !== null ? (
                <button type="button" className="ivr-report__node" onClick={() => onSelect(issue.nodeId!)} aria-label={t("builder.report.goTo", { id: issue.nodeId })}>
                  <code>{issue.nodeId}</code>
                </button>
              ) : (
                <span className="ivr-report__node">{t("builder.report.flow")}</span>
              )}{" "}
              <IssueMessage issue={issue} />
            </li>
          ))}
        </ul>
      ) : null}
    </section>
  );
}
