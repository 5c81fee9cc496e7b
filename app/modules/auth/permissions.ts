/**
 * The one place that answers "may this user do X on tenant T". Pure: routes and bureau functions
 * build an `Actor` from the database and ask `can`.
 */
export const STAFF_ROLES = ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst", "agent"] as const;
export const CLIENT_ROLES = ["client_admin", "client_supervisor", "client_viewer"] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];
export type ClientRole = (typeof CLIENT_ROLES)[number];

export interface Actor {
  userId: string;
  staffRoles: readonly StaffRole[];
  /** tenant id -> the user's client role there */
  memberships: Readonly<Record<string, ClientRole>>;
  /** tenant ids the user is assigned to as an agent */
  agentTenants: readonly string[];
}

/** Bureau-wide actions (no tenant). */
export const BUREAU_PERMISSIONS = {
  "bureau.console": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenants.list": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenants.create": ["bureau_admin", "manager"],
  "tenants.manage": ["bureau_admin", "manager"],
  "tenants.suspend": ["bureau_admin"],
  "staff.read": ["bureau_admin", "manager", "team_leader", "wfm_planner"],
  "staff.manage": ["bureau_admin"],
  "agents.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "agents.manage": ["bureau_admin", "manager", "wfm_planner"],
  "audit.read": ["bureau_admin"],
  "settings.manage": ["bureau_admin"],
  "apikeys.bureau.manage": ["bureau_admin"],
  "mail.outbox.read": ["bureau_admin"],
  "agent.desktop": ["agent", "team_leader"],
  "wallboard.view": ["bureau_admin", "manager", "team_leader", "wfm_planner"],
  // Change an agent's state, move agents between queues.
  "agents.supervise": ["bureau_admin", "manager", "team_leader"],
  // Take escalated contacts on the desktop.
  "escalations.handle": ["team_leader", "manager"],
  // Billing: see revenue, invoices and usage of every tenant; edit plans, run the close, record payments.
  "billing.read": ["bureau_admin", "manager"],
  "billing.manage": ["bureau_admin", "manager"],
  // Workforce management: forecasts, staffing, rosters, leave and adherence of the whole floor.
  "wfm.read": ["bureau_admin", "manager", "team_leader", "wfm_planner"],
  "wfm.manage": ["bureau_admin", "manager", "wfm_planner"],
  // An agent's own published week, leave and swap requests (team leaders take contacts too).
  "wfm.schedule.own": ["agent", "team_leader"],
  // Outbound campaigns of every tenant (the console's list; each campaign opens in its tenant's portal).
  "campaigns.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  // The bureau-wide do-not-call list (every tenant's campaigns respect it).
  "dnc.bureau.manage": ["bureau_admin", "manager"],
  // Reports of every tenant (MIS work: managers, team leaders, planners, QA), their exports and subscriptions.
  "reports.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  // The job queues' operations page (bull-board): retry, remove, inspect payloads.
  "queues.admin": ["bureau_admin"],
} as const satisfies Record<string, readonly StaffRole[]>;
export type BureauPermission = keyof typeof BUREAU_PERMISSIONS;

/** Actions on one tenant, by client role; bureau staff get them through STAFF_ON_TENANT. */
export const TENANT_PERMISSIONS = {
  "tenant.view": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.members.read": ["client_admin", "client_supervisor"],
  "tenant.members.manage": ["client_admin"],
  "tenant.apikeys.manage": ["client_admin"],
  "tenant.audit.read": ["client_admin"],
  "tenant.numbers.read": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.ivr.read": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.ivr.manage": ["client_admin"],
  "tenant.calls.read": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.simulator.use": ["client_admin", "client_supervisor"],
  "tenant.hours.read": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.hours.manage": ["client_admin"],
  "tenant.queues.read": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.queues.manage": ["client_admin"],
  "tenant.dispositions.manage": ["client_admin"],
  "tenant.scripts.manage": ["client_admin"],
  "tenant.live.view": ["client_admin", "client_supervisor"],
  // Usage to date, the projected invoice, invoices and SLA attainment of the client's own line.
  "tenant.billing.read": ["client_admin", "client_supervisor"],
  // The staffing plan for the client's own queues against its SLA (numbers only, no agent data).
  "tenant.staffing.read": ["client_admin", "client_supervisor", "client_viewer"],
  // Outbound campaigns: their lists, progress and results; running them; the client's do-not-call list.
  "tenant.campaigns.read": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.campaigns.manage": ["client_admin", "client_supervisor"],
  "tenant.dnc.manage": ["client_admin", "client_supervisor"],
  // The client's own reports and exports; subscribing mails them on a schedule.
  "tenant.reports.read": ["client_admin", "client_supervisor", "client_viewer"],
  "tenant.reports.subscribe": ["client_admin", "client_supervisor"],
} as const satisfies Record<string, readonly ClientRole[]>;
export type TenantPermission = keyof typeof TENANT_PERMISSIONS;

/** What bureau staff may do on any tenant's portal (they operate the line for the client). */
const STAFF_ON_TENANT: Record<TenantPermission, readonly StaffRole[]> = {
  "tenant.view": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenant.members.read": ["bureau_admin", "manager", "team_leader"],
  "tenant.members.manage": ["bureau_admin", "manager"],
  "tenant.apikeys.manage": ["bureau_admin"],
  "tenant.audit.read": ["bureau_admin", "manager"],
  "tenant.numbers.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenant.ivr.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenant.ivr.manage": ["bureau_admin", "manager"],
  "tenant.calls.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenant.simulator.use": ["bureau_admin", "manager", "team_leader", "qa_analyst"],
  "tenant.hours.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  // The same staff who may edit hours in the bureau console ("tenants.manage").
  "tenant.hours.manage": ["bureau_admin", "manager"],
  "tenant.queues.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenant.queues.manage": ["bureau_admin", "manager", "wfm_planner"],
  "tenant.dispositions.manage": ["bureau_admin", "manager"],
  "tenant.scripts.manage": ["bureau_admin", "manager", "team_leader"],
  "tenant.live.view": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenant.billing.read": ["bureau_admin", "manager"],
  "tenant.staffing.read": ["bureau_admin", "manager", "team_leader", "wfm_planner"],
  "tenant.campaigns.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  // The bureau runs campaigns for its clients: its managers and team leaders operate them.
  "tenant.campaigns.manage": ["bureau_admin", "manager", "team_leader"],
  "tenant.dnc.manage": ["bureau_admin", "manager", "team_leader"],
  "tenant.reports.read": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
  "tenant.reports.subscribe": ["bureau_admin", "manager", "team_leader", "wfm_planner", "qa_analyst"],
};

export function can(actor: Actor, permission: BureauPermission): boolean;
export function can(actor: Actor, permission: TenantPermission, tenantId: string): boolean;
export function can(actor: Actor, permission: BureauPermission | TenantPermission, tenantId?: string): boolean {
  if (permission in BUREAU_PERMISSIONS) {
    const allowed: readonly StaffRole[] = BUREAU_PERMISSIONS[permission as BureauPermission];
    return actor.staffRoles.some((r) => allowed.includes(r));
  }
  const p = permission as TenantPermission;
  if (!tenantId) return false;
  if (actor.staffRoles.some((r) => STAFF_ON_TENANT[p].includes(r))) return true;
  const role = actor.memberships[tenantId];
  return role !== undefined && (TENANT_PERMISSIONS[p] as readonly ClientRole[]).includes(role);
}

/** Whether the user may know that tenant exists at all (otherwise its URLs answer 404, not 403). */
export function canSeeTenant(actor: Actor, tenantId: string): boolean {
  return can(actor, "tenant.view", tenantId) || actor.agentTenants.includes(tenantId);
}

export function isStaff(actor: Actor) {
  return actor.staffRoles.length > 0;
}

/** Where a user lands after login. */
export function homePath(actor: Actor, tenantSlugs: Readonly<Record<string, string>>): string {
  if (can(actor, "bureau.console")) return "/bureau";
  if (actor.staffRoles.includes("agent")) return "/agent";
  const first = Object.keys(actor.memberships)[0];
  if (first && tenantSlugs[first]) return `/t/${tenantSlugs[first]}`;
  return "/profile";
}
