import { Form, NavLink } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { NavSection } from "~/modules/auth/navigation";
import { CsrfInput } from "./forms";
import { LanguageSwitcher } from "./language-switcher";

interface Props {
  user: { name: string; email: string };
  nav: NavSection[];
  today: string;
  children: ReactNode;
}

export function AppShell({ user, nav, today, children }: Props) {
  const { t } = useTranslation();
  const [open, setOpen] = useState(false);
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t("shell.skipToContent")}
      </a>
      <header className="shell__header">
        <button
          type="button"
          className="shell__menu-button"
          aria-expanded={open}
          aria-controls="shell-nav"
          onClick={() => setOpen((o) => !o)}
        >
          {t("shell.menu")}
        </button>
        <a href="/" className="shell__brand">
          {t("appName")}
        </a>
        <time className="shell__today" data-testid="today">
          {today}
        </time>
        <div className="shell__spacer" />
        <LanguageSwitcher />
        <span className="shell__user" title={user.email}>
          {user.name}
        </span>
        <Form method="post" action="/logout">
          <CsrfInput />
          <button type="submit" className="button button--ghost">
            {t("shell.logout")}
          </button>
        </Form>
      </header>
      <nav id="shell-nav" className={`shell__nav${open ? " shell__nav--open" : ""}`} aria-label={t("shell.navigation")}>
        {nav.map((section) => (
          <section key={section.titleKey} className="nav-section">
            <h2 className="nav-section__title">{t(section.titleKey)}</h2>
            <ul>
              {section.items.map((item) => (
                <li key={item.href}>
                  <NavLink to={item.href} end={item.href === "/bureau" || item.href === "/agent"} reloadDocument={item.document} onClick={() => setOpen(false)}>
                    {item.labelKey ? t(item.labelKey) : item.label}
                  </NavLink>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </nav>
      <main id="main" className="shell__main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
