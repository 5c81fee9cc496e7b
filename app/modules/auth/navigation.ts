import { can, type Actor } from "./permissions";

export interface NavItem {
  /** i18n key in the common namespace, or a literal label (a tenant's name) */
  labelKey?: string;
  label?: string;
  href: string;
  /** Served outside the Remix app (the job queues' page): opened with a full page load. */
  document?: boolean;
}
export interface NavSection {
  titleKey: string;
  items: NavItem[];
}

/** The app shell's navigation for one user: only what the permission module lets them open. */
export function navigationFor(actor: Actor, tenants: { slug: string; name: string; role: string }[]): NavSection[] {
  const sections: NavSection[] = [];
  const bureau: NavItem[] = [];
  if (can(actor, "bureau.console")) bureau.push({ labelKey: "nav.console", href: "/bureau" });
  if (can(actor, "wallboard.view")) bureau.push({ labelKey: "nav.wallboard", href: "/bureau/wallboard" });
  if (can(actor, "tenants.list")) bureau.push({ labelKey: "nav.tenants", href: "/bureau/tenants" });
  if (can(actor, "billing.read")) bureau.push({ labelKey: "billing:console.nav", href: "/bureau/billing" });
  if (can(actor, "wfm.read")) bureau.push({ labelKey: "wfm:console.nav", href: "/bureau/wfm" });
  if (can(actor, "staff.read")) bureau.push({ labelKey: "nav.staff", href: "/bureau/staff" });
  if (can(actor, "agents.read")) bureau.push({ labelKey: "nav.agents", href: "/bureau/agents" });
  if (can(actor, "apikeys.bureau.manage")) bureau.push({ labelKey: "nav.apiKeys", href: "/bureau/api-keys" });
  if (can(actor, "audit.read")) bureau.push({ labelKey: "nav.audit", href: "/bureau/audit" });
  if (can(actor, "settings.manage")) bureau.push({ labelKey: "nav.settings", href: "/bureau/settings" });
  if (can(actor, "mail.outbox.read")) bureau.push({ labelKey: "nav.outbox", href: "/bureau/outbox" });
  if (bureau.length) sections.push({ titleKey: "nav.bureau", items: bureau });
  const agentArea: NavItem[] = [];
  if (can(actor, "agent.desktop")) agentArea.push({ labelKey: "nav.desktop", href: "/agent" });
  if (can(actor, "wfm.schedule.own")) agentArea.push({ labelKey: "wfm:agent.nav", href: "/agent/schedule" });
  if (agentArea.length) sections.push({ titleKey: "nav.agentArea", items: agentArea });
  const portals = tenants.filter((t) => t.role !== "agent");
  if (portals.length) {
    sections.push({ titleKey: "nav.clientPortals", items: portals.map((t) => ({ label: t.name, href: `/t/${t.slug}` })) });
  }
  sections.push({ titleKey: "nav.account", items: [{ labelKey: "nav.profile", href: "/profile" }] });
  return sections;
}
