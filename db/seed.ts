import path from "node:path";
import { fileURLToPath } from "node:url";
import jalaali from "jalaali-js";
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import { generateApiKey, type ApiScope } from "../app/modules/auth/api-key-token";
import { recordAudit } from "../app/modules/auth/audit.server";
import { hashPassword } from "../app/modules/auth/password.server";
import type { ClientRole, StaffRole } from "../app/modules/auth/permissions";
import { flowSchema } from "../app/modules/ivr/model";
import { validateFlow } from "../app/modules/ivr/validator";
import { queueOptions } from "../app/modules/queues/directory.server";
import { DEMO_FLOWS } from "./demo-flows";
import { seedBilling } from "./demo-billing";
import { seedHistory } from "./demo-history";
import { seedScripts } from "./demo-scripts";
import { seedWfm } from "./demo-wfm";
import type { DB } from "./types";

/**
 * The demo bureau "همکال" with three fictional client companies, its staff and agents, client users
 * and API keys.
 *
 * Seeding is a bureau-level bootstrap: there is no user yet to check a permission for, so it writes
 * through the owner connection (DATABASE_OWNER_URL), in ONE transaction (all or nothing), with
 * `app.scope = 'bureau'` set locally so it also works when the owner is not a superuser (the tables
 * FORCE row-level security, which applies to a non-superuser owner too). Running it twice does nothing
 * the second time: it returns null when admin@hamkal.demo already exists.
 *
 * Every name, number and e-mail address here is fictional.
 */

/** One documented password for every demo account (README.md lists them). */
export const DEMO_PASSWORD = "Hamkal-demo-2026";
export const DEMO_ADMIN_EMAIL = "admin@hamkal.demo";

export interface DemoLogin {
  email: string;
  password: string;
  role: StaffRole | ClientRole;
  /** tenant slug for client users, null for bureau staff and agents */
  tenant: string | null;
}

export interface DemoApiKey {
  /** tenant slug, null for the bureau key */
  tenant: string | null;
  key: string;
}

export interface DemoCredentials {
  logins: DemoLogin[];
  apiKeys: DemoApiKey[];
}

type Weekly = { weekday: number; opens: string; closes: string }[];

// JS weekday numbers (0 = Sunday). The Iranian week: Saturday..Wednesday full days, Thursday half, Friday off.
const IRAN_OFFICE_HOURS: Weekly = [
  ...[6, 0, 1, 2, 3].map((weekday) => ({ weekday, opens: "08:00", closes: "20:00" })),
  { weekday: 4, opens: "08:00", closes: "14:00" },
];
const ROUND_THE_CLOCK: Weekly = [0, 1, 2, 3, 4, 5, 6].map((weekday) => ({ weekday, opens: "00:00", closes: "24:00" }));

interface TenantSpec {
  slug: string;
  name: string;
  brandColor: string;
  numbers: { e164: string; label: string; channels: string[] }[];
  hours: Weekly;
}

const TENANTS: TenantSpec[] = [
  {
    slug: "avaye-hamrah",
    name: "آوای همراه",
    brandColor: "#7c3aed",
    numbers: [
      { e164: "+982191001000", label: "خط اصلی پشتیبانی", channels: ["voice"] },
      { e164: "+982191001001", label: "لغو اشتراک سرویس‌ها", channels: ["voice"] },
      { e164: "+989120001000", label: "پیامک", channels: ["sms"] },
    ],
    // Value-added services: subscribers call at any hour about charges.
    hours: ROUND_THE_CLOCK,
  },
  {
    slug: "bazarche",
    name: "بازارچه",
    brandColor: "#dc2626",
    numbers: [
      { e164: "+982191002000", label: "پشتیبانی کاربران", channels: ["voice"] },
      { e164: "+989350002000", label: "فروشندگان", channels: ["voice", "sms"] },
    ],
    hours: IRAN_OFFICE_HOURS,
  },
  {
    slug: "appestan",
    name: "اپستان",
    brandColor: "#0891b2",
    numbers: [
      { e164: "+982191003000", label: "پشتیبانی خرید", channels: ["voice"] },
      { e164: "+982191003001", label: "توسعه‌دهندگان", channels: ["voice"] },
      { e164: "+989190003000", label: "پیامک", channels: ["sms"] },
    ],
    hours: IRAN_OFFICE_HOURS,
  },
];

/** Official solar-calendar holidays of 1405 (the lunar ones move every year and are left to the tenant). */
const HOLIDAYS_1405: { jm: number; jd: number; name: string }[] = [
  { jm: 1, jd: 1, name: "عید نوروز" },
  { jm: 1, jd: 2, name: "عید نوروز" },
  { jm: 1, jd: 3, name: "عید نوروز" },
  { jm: 1, jd: 4, name: "عید نوروز" },
  { jm: 1, jd: 12, name: "روز جمهوری اسلامی" },
  { jm: 1, jd: 13, name: "روز طبیعت" },
  { jm: 3, jd: 14, name: "رحلت امام خمینی" },
  { jm: 3, jd: 15, name: "قیام ۱۵ خرداد" },
  { jm: 11, jd: 22, name: "پیروزی انقلاب اسلامی" },
  { jm: 12, jd: 29, name: "ملی شدن صنعت نفت" },
];

/** Days whose hours differ from the weekly grid (set in the portal's calendar page). */
const SPECIAL_HOURS_1405: { jm: number; jd: number; opens: string; closes: string; note: string }[] = [
  { jm: 12, jd: 26, opens: "08:00", closes: "13:00", note: "روز کوتاه پیش از نوروز" },
  { jm: 12, jd: 28, opens: "09:00", closes: "14:00", note: "شلوغی پیش از نوروز" },
];

/** Gregorian "YYYY-MM-DD" of a Jalali date. */
export function jalaliToIsoDate(jy: number, jm: number, jd: number): string {
  const { gy, gm, gd } = jalaali.toGregorian(jy, jm, jd);
  return `${gy}-${String(gm).padStart(2, "0")}-${String(gd).padStart(2, "0")}`;
}

interface StaffSpec {
  email: string;
  name: string;
  role: StaffRole;
  locale?: "fa" | "en";
}

const STAFF: StaffSpec[] = [
  { email: DEMO_ADMIN_EMAIL, name: "مریم احمدی", role: "bureau_admin" },
  { email: "manager@hamkal.demo", name: "علی رضایی", role: "manager" },
  { email: "leader1@hamkal.demo", name: "زهرا کریمی", role: "team_leader" },
  { email: "leader2@hamkal.demo", name: "حسین موسوی", role: "team_leader" },
  { email: "wfm@hamkal.demo", name: "نرگس حسینی", role: "wfm_planner" },
  { email: "qa@hamkal.demo", name: "رضا جعفری", role: "qa_analyst", locale: "en" },
];

interface AgentSpec {
  name: string;
  languages: string[];
  skills: string[];
  /** tenant slug -> skills there */
  tenants: Record<string, string[]>;
}

const AGENTS: AgentSpec[] = [
  { name: "سارا محمدی", languages: ["fa", "en"], skills: ["billing", "complaints"], tenants: { "avaye-hamrah": ["billing", "unsubscribe"], appestan: ["payments"] } },
  { name: "محمد صادقی", languages: ["fa"], skills: ["technical"], tenants: { "avaye-hamrah": ["unsubscribe"] } },
  { name: "فاطمه نوری", languages: ["fa"], skills: ["sales", "billing"], tenants: { bazarche: ["sellers", "ads"], "avaye-hamrah": ["billing"] } },
  { name: "امیر قاسمی", languages: ["fa", "en"], skills: ["technical", "developers"], tenants: { appestan: ["developers", "payments"], bazarche: ["ads"], "avaye-hamrah": ["technical"] } },
  { name: "مهسا رحیمی", languages: ["fa"], skills: ["complaints"], tenants: { bazarche: ["fraud", "ads"] } },
  { name: "پویا کاظمی", languages: ["fa"], skills: ["billing"], tenants: { "avaye-hamrah": ["billing", "unsubscribe"], bazarche: ["sellers"] } },
  { name: "نازنین اکبری", languages: ["fa", "en"], skills: ["technical"], tenants: { appestan: ["payments", "refunds"] } },
  { name: "کیان یوسفی", languages: ["fa"], skills: ["sales"], tenants: { bazarche: ["sellers"], appestan: ["refunds"] } },
  { name: "الهام شریفی", languages: ["fa"], skills: ["complaints", "billing"], tenants: { "avaye-hamrah": ["complaints"], bazarche: ["fraud"], appestan: ["refunds"] } },
  { name: "بهراد مرادی", languages: ["fa"], skills: ["technical"], tenants: { appestan: ["developers"] } },
  { name: "شیما عباسی", languages: ["fa", "en"], skills: ["billing"], tenants: { "avaye-hamrah": ["billing"], appestan: ["payments"] } },
  { name: "آرش نجفی", languages: ["fa"], skills: ["sales", "complaints"], tenants: { bazarche: ["ads", "sellers"] } },
];

/** Client users: three per tenant, one per client role. */
const CLIENT_PEOPLE: Record<string, { role: ClientRole; name: string; locale?: "fa" | "en" }[]> = {
  "avaye-hamrah": [
    { role: "client_admin", name: "کامران فرهادی" },
    { role: "client_supervisor", name: "لیلا صالحی" },
    { role: "client_viewer", name: "بابک امینی" },
  ],
  bazarche: [
    { role: "client_admin", name: "نیلوفر زمانی" },
    { role: "client_supervisor", name: "سعید کامرانی" },
    { role: "client_viewer", name: "تینا رستمی", locale: "en" },
  ],
  appestan: [
    { role: "client_admin", name: "مهدی طاهری" },
    { role: "client_supervisor", name: "پریسا باقری" },
    { role: "client_viewer", name: "یاسر حیدری" },
  ],
};

const CLIENT_EMAIL_LOCAL: Record<ClientRole, string> = {
  client_admin: "admin",
  client_supervisor: "supervisor",
  client_viewer: "viewer",
};

const agentEmail = (i: number) => `agent${String(i + 1).padStart(2, "0")}@hamkal.demo`;
const clientEmail = (slug: string, role: ClientRole) => `${CLIENT_EMAIL_LOCAL[role]}@${slug}.demo`;

/** Every demo login. Deterministic, so it can be shown even when the credentials file is gone. */
export function demoLogins(): DemoLogin[] {
  return [
    ...STAFF.map((s) => ({ email: s.email, password: DEMO_PASSWORD, role: s.role, tenant: null })),
    ...AGENTS.map((_, i) => ({ email: agentEmail(i), password: DEMO_PASSWORD, role: "agent" as const, tenant: null })),
    ...TENANTS.flatMap((t) =>
      (CLIENT_PEOPLE[t.slug] ?? []).map((p) => ({ email: clientEmail(t.slug, p.role), password: DEMO_PASSWORD, role: p.role, tenant: t.slug })),
    ),
  ];
}

const TENANT_KEY_SCOPES: ApiScope[] = ["tenant:read", "numbers:read", "numbers:write", "flows:read", "calls:read", "queues:read", "interactions:read", "billing:read"];
const BUREAU_KEY_SCOPES: ApiScope[] = ["tenants:read", "flows:read", "calls:read"];

type SeedTrx = Parameters<Parameters<ReturnType<Kysely<DB>["transaction"]>["execute"]>[0]>[0];
type Actor = { userId: string | null; label: string };

// ---------------------------------------------------------------------------------------------------
// Routing (issue 4): each demo tenant's queues (the keys its IVR flows name), a two-level disposition
// tree, which agents serve which queue, and the agents' proficiency levels.

type DemoOverflow =
  | { action: "none" | "callback" | "voicemail" }
  | { action: "queue"; queue: string }
  | { action: "external"; number: string };

export interface DemoQueue {
  key: string;
  name: string;
  channels: ("voice" | "chat" | "email" | "sms")[];
  /** Skills every agent of the queue needs (agents' own skills, at minProficiency or better). */
  skills: string[];
  minProficiency: number;
  language: "fa" | "en" | null;
  priority: number;
  slTargetPct: number;
  slThresholdSeconds: number;
  maxWaitSeconds: number;
  wrapupSeconds: number;
  /** Overflow into another queue names one listed before it (it is inserted first). */
  overflow: DemoOverflow;
  afterHours: "callback" | "voicemail" | "message" | "queue";
  /** Every agent of the tenant serves it (the catch-all queue). */
  everyone?: boolean;
}

const queue = (q: Omit<DemoQueue, "channels" | "wrapupSeconds"> & Partial<Pick<DemoQueue, "channels" | "wrapupSeconds">>): DemoQueue => ({
  channels: ["voice"],
  wrapupSeconds: 60,
  ...q,
});

export const DEMO_QUEUES: Record<string, DemoQueue[]> = {
  "avaye-hamrah": [
    // Open around the clock: after-hours never applies, calls keep queueing.
    queue({ key: "general", name: "پشتیبانی عمومی مشترکان", skills: [], minProficiency: 1, language: "fa", priority: 5, slTargetPct: 80, slThresholdSeconds: 20, maxWaitSeconds: 300, overflow: { action: "callback" }, afterHours: "queue", wrapupSeconds: 45, everyone: true }),
    queue({ key: "support", name: "پشتیبانی فنی سرویس‌ها", skills: ["technical"], minProficiency: 2, language: "fa", priority: 5, slTargetPct: 80, slThresholdSeconds: 30, maxWaitSeconds: 420, overflow: { action: "queue", queue: "general" }, afterHours: "queue" }),
    queue({ key: "complaints", name: "شکایات و اعتراض به کسر اعتبار", skills: ["complaints"], minProficiency: 3, language: "fa", priority: 7, slTargetPct: 90, slThresholdSeconds: 30, maxWaitSeconds: 600, overflow: { action: "callback" }, afterHours: "queue", wrapupSeconds: 120 }),
    queue({ key: "unsubscribe", name: "لغو سرویس‌های ارزش افزوده", skills: ["billing"], minProficiency: 2, language: "fa", priority: 6, slTargetPct: 80, slThresholdSeconds: 20, maxWaitSeconds: 300, overflow: { action: "queue", queue: "general" }, afterHours: "queue" }),
  ],
  bazarche: [
    queue({ key: "ads", name: "آگهی‌ها و حساب کاربری", skills: [], minProficiency: 1, language: "fa", priority: 4, slTargetPct: 80, slThresholdSeconds: 20, maxWaitSeconds: 600, overflow: { action: "callback" }, afterHours: "message" }),
    queue({ key: "fraud", name: "گزارش کلاهبرداری", skills: ["complaints"], minProficiency: 3, language: "fa", priority: 8, slTargetPct: 90, slThresholdSeconds: 30, maxWaitSeconds: 900, overflow: { action: "external", number: "+982191002090" }, afterHours: "voicemail", wrapupSeconds: 180 }),
    queue({ key: "sellers", name: "پشتیبانی فروشندگان", channels: ["voice", "sms"], skills: ["sales"], minProficiency: 2, language: "fa", priority: 6, slTargetPct: 80, slThresholdSeconds: 20, maxWaitSeconds: 600, overflow: { action: "queue", queue: "ads" }, afterHours: "callback" }),
  ],
  appestan: [
    queue({ key: "payments", name: "پرداخت و خرید درون‌برنامه‌ای", skills: [], minProficiency: 1, language: "fa", priority: 6, slTargetPct: 80, slThresholdSeconds: 20, maxWaitSeconds: 480, overflow: { action: "callback" }, afterHours: "callback" }),
    queue({ key: "refunds", name: "بازگشت وجه", skills: ["billing"], minProficiency: 2, language: "fa", priority: 5, slTargetPct: 80, slThresholdSeconds: 30, maxWaitSeconds: 600, overflow: { action: "queue", queue: "payments" }, afterHours: "callback", wrapupSeconds: 90 }),
    // Developers call in Persian or English.
    queue({ key: "developers", name: "پشتیبانی توسعه‌دهندگان", channels: ["voice", "email"], skills: ["technical"], minProficiency: 3, language: null, priority: 4, slTargetPct: 80, slThresholdSeconds: 60, maxWaitSeconds: 900, overflow: { action: "voicemail" }, afterHours: "voicemail", wrapupSeconds: 120 }),
  ],
};

export interface DemoReason {
  code: string;
  name: string;
  outcomes: { code: string; name: string; resolved: boolean; active?: boolean }[];
}

const OTHER_REASON: DemoReason = {
  code: "other",
  name: "اطلاع‌رسانی و سایر",
  outcomes: [
    { code: "info-given", name: "اطلاعات لازم داده شد", resolved: true },
    { code: "wrong-number", name: "تماس اشتباه", resolved: true },
  ],
};

export const DEMO_DISPOSITIONS: Record<string, DemoReason[]> = {
  "avaye-hamrah": [
    {
      code: "billing-dispute",
      name: "اعتراض به کسر اعتبار",
      outcomes: [
        { code: "credit-refunded", name: "مبلغ به حساب مشترک برگشت داده شد", resolved: true },
        { code: "charge-explained", name: "توضیح داده شد؛ کسر اعتبار درست بود", resolved: true },
        { code: "billing-escalated", name: "ارجاع به واحد مالی اپراتور", resolved: false },
      ],
    },
    {
      code: "vas-cancel",
      name: "لغو سرویس ارزش افزوده",
      outcomes: [
        { code: "vas-cancelled", name: "سرویس لغو شد", resolved: true },
        { code: "vas-all-blocked", name: "همه سرویس‌های پیامکی خط مسدود شد", resolved: true },
        { code: "vas-not-found", name: "سرویسی روی خط پیدا نشد", resolved: false },
      ],
    },
    {
      code: "tech-issue",
      name: "مشکل فنی سرویس",
      outcomes: [
        { code: "tech-solved", name: "در همان تماس حل شد", resolved: true },
        { code: "tech-ticket", name: "تیکت فنی ثبت شد", resolved: false },
      ],
    },
    {
      ...OTHER_REASON,
      // A finished campaign: retired, kept for the contacts that recorded it.
      outcomes: [...OTHER_REASON.outcomes, { code: "autumn-promo-1404", name: "جشنواره پاییزه ۱۴۰۴", resolved: true, active: false }],
    },
  ],
  bazarche: [
    {
      code: "ad-issue",
      name: "مشکل آگهی",
      outcomes: [
        { code: "ad-published", name: "آگهی منتشر شد", resolved: true },
        { code: "ad-rejection-explained", name: "علت رد آگهی توضیح داده شد", resolved: true },
        { code: "ad-content-review", name: "ارجاع به کارشناس محتوا", resolved: false },
      ],
    },
    {
      code: "fraud-report",
      name: "گزارش کلاهبرداری",
      outcomes: [
        { code: "fraud-ad-removed", name: "آگهی متخلف حذف شد", resolved: true },
        { code: "fraud-safe-trade", name: "راهنمایی برای معامله امن", resolved: true },
        { code: "fraud-police", name: "ارجاع به پلیس فتا", resolved: false },
      ],
    },
    {
      code: "seller-account",
      name: "حساب فروشنده",
      outcomes: [
        { code: "seller-verified", name: "احراز هویت فروشنده انجام شد", resolved: true },
        { code: "seller-payout", name: "پیگیری تسویه‌حساب", resolved: false },
      ],
    },
    OTHER_REASON,
  ],
  appestan: [
    {
      code: "payment-issue",
      name: "مشکل پرداخت",
      outcomes: [
        { code: "payment-confirmed", name: "پرداخت تأیید و خرید فعال شد", resolved: true },
        { code: "payment-pending", name: "در انتظار تأیید درگاه پرداخت", resolved: false },
        { code: "payment-bank", name: "ارجاع به بانک صادرکننده کارت", resolved: false },
      ],
    },
    {
      code: "refund",
      name: "درخواست بازگشت وجه",
      outcomes: [
        { code: "refund-approved", name: "بازگشت وجه تأیید شد", resolved: true },
        { code: "refund-out-of-window", name: "درخواست خارج از مهلت بود", resolved: true },
        { code: "refund-developer-review", name: "ارسال برای بررسی توسعه‌دهنده", resolved: false },
      ],
    },
    {
      code: "developer",
      name: "پشتیبانی توسعه‌دهندگان",
      outcomes: [
        { code: "dev-answered", name: "پرسش توسعه‌دهنده پاسخ داده شد", resolved: true },
        { code: "dev-ticket", name: "تیکت فنی ثبت شد", resolved: false },
      ],
    },
    {
      code: "gift-card",
      name: "کارت هدیه",
      outcomes: [
        { code: "gift-activated", name: "کارت هدیه فعال شد", resolved: true },
        { code: "gift-invalid", name: "کد کارت نامعتبر بود", resolved: false },
      ],
    },
    OTHER_REASON,
  ],
};

/**
 * Who serves which demo queue. An agent serves a queue when it has every skill the queue requires
 * (and its language, if the queue has one); a queue without required skills takes the agents whose
 * skills at that tenant name it, or all of them when it is the catch-all queue. An agent left without a queue at one of its tenants serves that
 * tenant's queues that require no skill, so everyone assigned to a tenant takes its calls.
 */
export function demoQueueAssignments(): { tenant: string; queue: string; agentEmail: string }[] {
  const out: { tenant: string; queue: string; agentEmail: string }[] = [];
  for (const [i, agent] of AGENTS.entries()) {
    for (const [slug, tenantSkills] of Object.entries(agent.tenants)) {
      const queues = DEMO_QUEUES[slug] ?? [];
      const fits = (q: DemoQueue) => q.skills.every((s) => agent.skills.includes(s)) && (q.language === null || agent.languages.includes(q.language));
      let serves = queues.filter((q) => fits(q) && (q.skills.length > 0 || q.everyone || tenantSkills.includes(q.key)));
      if (serves.length === 0) serves = queues.filter((q) => fits(q) && q.skills.length === 0);
      for (const q of serves) out.push({ tenant: slug, queue: q.key, agentEmail: agentEmail(i) });
    }
  }
  return out;
}

/** 1-5 per skill and language: Persian natives at 5, English at 3-4, skills spread over 3-5. */
export function demoProficiency(agentIndex: number): Record<string, number> {
  const agent = AGENTS[agentIndex]!;
  const levels: Record<string, number> = {};
  for (const language of agent.languages) levels[language] = language === "fa" ? 5 : 3 + (agentIndex % 2);
  for (const [j, skill] of agent.skills.entries()) levels[skill] = 3 + ((agentIndex + j) % 3);
  return levels;
}

/**
 * Seeds the routing data of the demo tenants that have no queue yet (so a bureau seeded before
 * routing gets it on the next `npm run db:seed`). Returns how many tenants were seeded.
 */
async function seedDemoRouting(trx: SeedTrx, tenantIds: Map<string, string>, actor: Actor): Promise<number> {
  const emails = AGENTS.map((_, i) => agentEmail(i));
  const agentIds = new Map((await trx.selectFrom("users").select(["id", "email"]).where("email", "in", emails).execute()).map((u) => [u.email, u.id]));
  const assignments = demoQueueAssignments();
  let seeded = 0;
  for (const [slug, queues] of Object.entries(DEMO_QUEUES)) {
    const tenantId = tenantIds.get(slug);
    if (!tenantId) continue;
    const existing = await trx.selectFrom("queues").select("id").where("tenant_id", "=", tenantId).executeTakeFirst();
    if (existing) continue;

    const queueIds = new Map<string, string>();
    for (const q of queues) {
      const row = await trx
        .insertInto("queues")
        .values({
          tenant_id: tenantId,
          key: q.key,
          name: q.name,
          channels: q.channels,
          required_skills: q.skills,
          min_proficiency: q.minProficiency,
          language: q.language,
          priority: q.priority,
          sl_target_pct: q.slTargetPct,
          sl_threshold_seconds: q.slThresholdSeconds,
          max_wait_seconds: q.maxWaitSeconds,
          wrapup_seconds: q.wrapupSeconds,
          overflow_action: q.overflow.action,
          overflow_queue_id: q.overflow.action === "queue" ? queueIds.get(q.overflow.queue)! : null,
          overflow_number: q.overflow.action === "external" ? q.overflow.number : null,
          after_hours: q.afterHours,
        })
        .returning("id")
        .executeTakeFirstOrThrow();
      queueIds.set(q.key, row.id);
      await recordAudit(trx, { tenantId, actor, action: "queue.created", target: { type: "queue", id: row.id }, data: { key: q.key, name: q.name } });
      const members = assignments.filter((a) => a.tenant === slug && a.queue === q.key).flatMap((a) => agentIds.get(a.agentEmail) ?? []);
      if (members.length) {
        await trx
          .insertInto("agent_queue_assignments")
          .values(members.map((agentId) => ({ tenant_id: tenantId, queue_id: row.id, agent_id: agentId })))
          .execute();
        await recordAudit(trx, { tenantId, actor, action: "queue.agents_set", target: { type: "queue", id: row.id }, data: { key: q.key, added: members, removed: [] } });
      }
    }

    for (const [sort, reason] of (DEMO_DISPOSITIONS[slug] ?? []).entries()) {
      const parent = await trx
        .insertInto("dispositions")
        .values({ tenant_id: tenantId, code: reason.code, name: reason.name, sort: (sort + 1) * 10 })
        .returning("id")
        .executeTakeFirstOrThrow();
      await trx
        .insertInto("dispositions")
        .values(
          reason.outcomes.map((o, j) => ({
            tenant_id: tenantId,
            parent_id: parent.id,
            code: o.code,
            name: o.name,
            resolved: o.resolved,
            active: o.active ?? true,
            sort: (j + 1) * 10,
          })),
        )
        .execute();
      await recordAudit(trx, {
        tenantId,
        actor,
        action: "disposition.created",
        target: { type: "disposition", id: parent.id },
        data: { code: reason.code, name: reason.name, outcomes: reason.outcomes.map((o) => o.code) },
      });
    }
    seeded++;
  }
  // Levels are set once: an agent whose proficiency was edited since keeps it.
  for (const [i, email] of emails.entries()) {
    const id = agentIds.get(email);
    if (!id) continue;
    await trx
      .updateTable("agents")
      .set({ proficiency: JSON.stringify(demoProficiency(i)) })
      .where("user_id", "=", id)
      .where(sql<boolean>`proficiency = '{}'::jsonb`)
      .execute();
  }
  return seeded;
}

/**
 * Each demo tenant's phone menu (db/demo-flows.ts), stored as flows.server.ts stores it: version 1
 * published (with the validator's report), version 2 a draft with changes pending, and the tenant's
 * voice numbers answered by the flow. Tenants that already have a flow are left as they are.
 */
async function seedDemoFlows(trx: SeedTrx, tenantIds: Map<string, string>, actor: Actor, at: () => Date): Promise<number> {
  let seeded = 0;
  for (const demo of DEMO_FLOWS) {
    const tenantId = tenantIds.get(demo.tenant);
    if (!tenantId) continue;
    const existing = await trx.selectFrom("ivr_flows").select("id").where("tenant_id", "=", tenantId).executeTakeFirst();
    if (existing) continue;
    // Validated against the queues the tenant really has (seedDemoRouting runs first).
    const ctx = { tenantLanguages: demo.languages, queueIds: (await queueOptions(trx, tenantId)).map((q) => q.key) };
    const published = flowSchema.parse(demo.published);
    const draft = flowSchema.parse(demo.draft);
    const createdAt = at();
    const publishedAt = at();
    const draftAt = at();
    const flow = await trx
      .insertInto("ivr_flows")
      .values({ tenant_id: tenantId, name: demo.name, created_at: createdAt, updated_at: draftAt })
      .returning("id")
      .executeTakeFirstOrThrow();
    await trx
      .insertInto("ivr_flow_versions")
      .values([
        {
          tenant_id: tenantId,
          flow_id: flow.id,
          version: 1,
          status: "published",
          definition: JSON.stringify(published),
          validation: JSON.stringify(validateFlow(published, ctx)),
          created_by: actor.userId,
          created_at: createdAt,
          published_at: publishedAt,
          published_by: actor.userId,
        },
        {
          tenant_id: tenantId,
          flow_id: flow.id,
          version: 2,
          status: "draft",
          definition: JSON.stringify(draft),
          validation: JSON.stringify(validateFlow(draft, ctx)),
          note: demo.draftNote,
          created_by: actor.userId,
          created_at: draftAt,
        },
      ])
      .execute();
    const numbers = await trx
      .updateTable("tenant_phone_numbers")
      .set({ ivr_flow_id: flow.id })
      .where("tenant_id", "=", tenantId)
      .where(sql<boolean>`'voice' = any(channels)`)
      .returning(["id", "e164"])
      .execute();
    const target = { type: "ivr_flow", id: flow.id };
    await recordAudit(trx, { tenantId, actor, action: "ivr.flow.created", target, data: { name: demo.name } });
    await recordAudit(trx, { tenantId, actor, action: "ivr.flow.published", target, data: { version: 1, previous: null } });
    for (const n of numbers) {
      await recordAudit(trx, { tenantId, actor, action: "ivr.flow.number_assigned", target: { type: "phone_number", id: n.id }, data: { e164: n.e164, flowId: flow.id } });
    }
    await recordAudit(trx, { tenantId, actor, action: "ivr.flow.draft_saved", target, data: { version: 2, errors: 0 } });
    seeded++;
  }
  return seeded;
}

/**
 * Seeds the demo bureau through the owner connection. Returns the plaintext credentials (API keys are
 * shown only here: the database keeps their hashes), or null when the bureau was already seeded.
 */
export async function seedDemo(ownerUrl: string, opts: { log?: (line: string) => void } = {}): Promise<DemoCredentials | null> {
  const log = opts.log ?? (() => {});
  const kdb = new Kysely<DB>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: ownerUrl, max: 1 }) }) });
  try {
    // Hash outside the transaction (argon2 is deliberately slow); one hash per account, each with its own salt.
    const logins = demoLogins();
    const hashes = new Map<string, string>();
    for (const login of logins) hashes.set(login.email, await hashPassword(login.password));

    return await kdb.transaction().execute(async (trx) => {
      // Two seeds started at once: the second waits here, then finds the admin and does nothing.
      await sql`select pg_advisory_xact_lock(72202)`.execute(trx);
      await sql`select set_config('app.scope', 'bureau', true)`.execute(trx);
      const existing = await trx.selectFrom("users").select("id").where("email", "=", DEMO_ADMIN_EMAIL).executeTakeFirst();
      if (existing) {
        // A bureau seeded before the demo had phone menus gets them now; otherwise nothing changes.
        const tenants = await trx.selectFrom("tenants").select(["id", "slug"]).where("slug", "in", DEMO_FLOWS.map((f) => f.tenant)).execute();
        const tenantIds = new Map(tenants.map((t) => [t.slug, t.id]));
        const actor = { userId: existing.id, label: DEMO_ADMIN_EMAIL };
        // A bureau seeded before routing gets its queues too (before the flows, which name them).
        const routed = await seedDemoRouting(trx, tenantIds, actor);
        const added = await seedDemoFlows(trx, tenantIds, actor, () => new Date());
        await seedScripts(trx, tenantIds, { actor });
        await seedHistory(trx, tenantIds);
        await seedBilling(trx, tenantIds, actor);
        await seedWfm(trx, actor, { log });
        const parts = [routed ? `the queues and dispositions of ${routed} tenant(s)` : "", added ? `the IVR flows of ${added} tenant(s)` : ""].filter(Boolean);
        log(`already seeded (${DEMO_ADMIN_EMAIL} exists): ${parts.length ? `added ${parts.join(" and ")}` : "nothing to do"}`);
        return null;
      }

      const system = { userId: null, label: "system (demo seed)" };
      // Audit entries get timestamps spread over the last days so the audit page reads like a history.
      const now = Date.now();
      let minutesAgo = 60 * 24 * 6;
      const at = () => new Date(now - (minutesAgo -= 37) * 60_000);

      await trx
        .insertInto("bureau_settings")
        .values({ id: true, name: "همکال", default_locale: "fa", time_zone: "Asia/Tehran", currency_display: "toman" })
        .onConflict((oc) => oc.column("id").doUpdateSet({ name: "همکال", default_locale: "fa", time_zone: "Asia/Tehran", currency_display: "toman" }))
        .execute();

      const userIds = new Map<string, string>();
      const insertUser = async (email: string, name: string, locale: string | null) => {
        const row = await trx
          .insertInto("users")
          .values({ email, name, locale, password_hash: hashes.get(email) ?? null })
          .returning("id")
          .executeTakeFirstOrThrow();
        userIds.set(email, row.id);
        return row.id;
      };

      // Bureau staff.
      for (const s of STAFF) {
        const id = await insertUser(s.email, s.name, s.locale ?? null);
        await trx.insertInto("user_staff_roles").values({ user_id: id, role: s.role }).execute();
      }
      const adminId = userIds.get(DEMO_ADMIN_EMAIL)!;
      const admin = { userId: adminId, label: DEMO_ADMIN_EMAIL };
      await recordAudit(trx, { tenantId: null, actor: system, action: "bureau.initialized", data: { name: "همکال" } });
      await sql`update bureau_audit_log set created_at = ${at()} where id = (select max(id) from bureau_audit_log)`.execute(trx);
      for (const s of STAFF.slice(1)) {
        await recordAudit(trx, { tenantId: null, actor: admin, action: "staff.created", target: { type: "user", id: userIds.get(s.email)! }, data: { email: s.email, role: s.role } });
        await sql`update bureau_audit_log set created_at = ${at()} where id = (select max(id) from bureau_audit_log)`.execute(trx);
      }

      // Tenants and what they own.
      const tenantIds = new Map<string, string>();
      for (const t of TENANTS) {
        const tenant = await trx
          .insertInto("tenants")
          .values({ slug: t.slug, name: t.name, brand_color: t.brandColor, default_locale: "fa", time_zone: "Asia/Tehran", currency: "IRR" })
          .returning("id")
          .executeTakeFirstOrThrow();
        tenantIds.set(t.slug, tenant.id);
        const when = at();
        await trx.updateTable("tenants").set({ created_at: when, updated_at: when }).where("id", "=", tenant.id).execute();
        for (const n of t.numbers) {
          await trx.insertInto("tenant_phone_numbers").values({ tenant_id: tenant.id, e164: n.e164, label: n.label, channels: n.channels }).execute();
        }
        for (const h of t.hours) {
          await trx.insertInto("tenant_business_hours").values({ tenant_id: tenant.id, weekday: h.weekday, opens_at: h.opens, closes_at: h.closes }).execute();
        }
        for (const h of HOLIDAYS_1405) {
          await trx.insertInto("tenant_holidays").values({ tenant_id: tenant.id, day: jalaliToIsoDate(1405, h.jm, h.jd), name: h.name }).execute();
        }
        // A short Wednesday before Nowruz (1405/12/26) and Friday 1405/12/28 opened for the rush.
        for (const sp of SPECIAL_HOURS_1405) {
          await trx
            .insertInto("tenant_special_hours")
            .values({ tenant_id: tenant.id, day: jalaliToIsoDate(1405, sp.jm, sp.jd), opens_at: sp.opens, closes_at: sp.closes, note: sp.note })
            .execute();
        }
        for (const entry of [
          { tenantId: null, action: "tenant.created" },
          { tenantId: tenant.id, action: "tenant.created" },
        ]) {
          await recordAudit(trx, { ...entry, actor: admin, target: { type: "tenant", id: tenant.id }, data: { slug: t.slug, name: t.name } });
        }
        await recordAudit(trx, {
          tenantId: tenant.id,
          actor: admin,
          action: "numbers.added",
          target: { type: "tenant", id: tenant.id },
          data: { numbers: t.numbers.map((n) => n.e164) },
        });
        await recordAudit(trx, { tenantId: tenant.id, actor: admin, action: "business_hours.updated", target: { type: "tenant", id: tenant.id } });
        await recordAudit(trx, { tenantId: tenant.id, actor: admin, action: "holidays.updated", target: { type: "tenant", id: tenant.id }, data: { year: 1405, count: HOLIDAYS_1405.length } });
      }

      // Agents, each assigned to one to three tenants.
      for (const [i, a] of AGENTS.entries()) {
        const email = agentEmail(i);
        const id = await insertUser(email, a.name, null);
        await trx.insertInto("user_staff_roles").values({ user_id: id, role: "agent" }).execute();
        await trx
          .insertInto("agents")
          .values({ user_id: id, employee_code: `HK-${String(1001 + i)}`, languages: a.languages, skills: a.skills })
          .execute();
        for (const [slug, skills] of Object.entries(a.tenants)) {
          const tenantId = tenantIds.get(slug)!;
          await trx.insertInto("agent_assignments").values({ tenant_id: tenantId, agent_id: id, skills, priority: 1 }).execute();
          await recordAudit(trx, { tenantId, actor: admin, action: "agent.assigned", target: { type: "user", id }, data: { email, skills } });
        }
      }

      // Client users.
      for (const t of TENANTS) {
        const tenantId = tenantIds.get(t.slug)!;
        for (const p of CLIENT_PEOPLE[t.slug] ?? []) {
          const email = clientEmail(t.slug, p.role);
          const id = await insertUser(email, p.name, p.locale ?? null);
          await trx.insertInto("tenant_members").values({ tenant_id: tenantId, user_id: id, role: p.role }).execute();
          await recordAudit(trx, { tenantId, actor: admin, action: "member.added", target: { type: "user", id }, data: { email, role: p.role } });
        }
      }

      // Queues, dispositions and who serves which queue; the phone menus below send calls to these queues.
      await seedDemoRouting(trx, tenantIds, admin);
      // The scripts agents follow in those queues (published, and a pending draft per tenant).
      await seedScripts(trx, tenantIds, { actor: admin, at });

      // Phone menus: a published IVR and a pending draft per tenant, answering the tenant's voice numbers.
      await seedDemoFlows(trx, tenantIds, admin, at);
      // Thirty days of calls, so the customer 360 view and the service-level figures start populated.
      await seedHistory(trx, tenantIds);
      await seedBilling(trx, tenantIds, admin);
      // Workforce management: contracts, shift templates, forecasts, this week's published roster, pending leave.
      await seedWfm(trx, admin, { log });

      // API keys: only the hash is stored; the token is handed back once.
      const apiKeys: DemoApiKey[] = [];
      const bureauKey = generateApiKey("bureau");
      const bureauKeyRow = await trx
        .insertInto("bureau_api_keys")
        .values({ name: "Demo reporting", prefix: bureauKey.prefix, secret_hash: bureauKey.hash, scopes: BUREAU_KEY_SCOPES, created_by: adminId })
        .returning("id")
        .executeTakeFirstOrThrow();
      await recordAudit(trx, { tenantId: null, actor: admin, action: "apikey.created", target: { type: "api_key", id: bureauKeyRow.id }, data: { prefix: bureauKey.prefix, scopes: BUREAU_KEY_SCOPES } });
      apiKeys.push({ tenant: null, key: bureauKey.token });
      for (const t of TENANTS) {
        const tenantId = tenantIds.get(t.slug)!;
        const key = generateApiKey("tenant");
        const row = await trx
          .insertInto("tenant_api_keys")
          .values({ tenant_id: tenantId, name: "Demo integration", prefix: key.prefix, secret_hash: key.hash, scopes: TENANT_KEY_SCOPES, created_by: adminId })
          .returning("id")
          .executeTakeFirstOrThrow();
        await recordAudit(trx, { tenantId, actor: admin, action: "apikey.created", target: { type: "api_key", id: row.id }, data: { prefix: key.prefix, scopes: TENANT_KEY_SCOPES } });
        apiKeys.push({ tenant: t.slug, key: key.token });
      }

      log(
        `seeded the demo bureau: ${TENANTS.length} tenants, ${logins.length} users, ${Object.values(DEMO_QUEUES).flat().length} queues, ${DEMO_FLOWS.length} IVR flows, ${apiKeys.length} API keys`,
      );
      return { logins, apiKeys };
    });
  } finally {
    await kdb.destroy();
  }
}

/** DATABASE_OWNER_URL, else DATABASE_URL's server as user postgres (the same rule as env.server.ts). */
function ownerUrlFromEnv(): string {
  if (process.env.DATABASE_OWNER_URL) return process.env.DATABASE_OWNER_URL;
  if (!process.env.DATABASE_URL) throw new Error("Set DATABASE_URL (and DATABASE_OWNER_URL) or put them in .env (see .env.example)");
  const url = new URL(process.env.DATABASE_URL);
  url.username = "postgres";
  url.password = "";
  return url.toString();
}

// npm run db:seed (after npm run db:migrate)
const invokedDirectly = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (invokedDirectly) {
  const { loadDotenvFile } = await import("../app/modules/platform/env.server");
  loadDotenvFile();
  try {
    const creds = await seedDemo(ownerUrlFromEnv(), { log: (l) => console.log(l) });
    if (creds) {
      console.log(`\nLogins (password for all: ${DEMO_PASSWORD}):`);
      for (const l of creds.logins) console.log(`  ${l.email.padEnd(34)} ${l.role.padEnd(18)} ${l.tenant ?? ""}`);
      console.log("\nAPI keys (shown once; only their hashes are stored):");
      for (const k of creds.apiKeys) console.log(`  ${(k.tenant ?? "bureau").padEnd(14)} ${k.key}`);
    }
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  }
}
