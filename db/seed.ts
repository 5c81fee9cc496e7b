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
import { DEMO_FLOWS } from "./demo-flows";
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

const TENANT_KEY_SCOPES: ApiScope[] = ["tenant:read", "numbers:read", "numbers:write", "flows:read", "calls:read"];
const BUREAU_KEY_SCOPES: ApiScope[] = ["tenants:read", "flows:read", "calls:read"];

type SeedTrx = Parameters<Parameters<ReturnType<Kysely<DB>["transaction"]>["execute"]>[0]>[0];
type Actor = { userId: string | null; label: string };

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
    const ctx = { tenantLanguages: demo.languages, queueIds: demo.queueIds };
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
        const added = await seedDemoFlows(trx, new Map(tenants.map((t) => [t.slug, t.id])), { userId: existing.id, label: DEMO_ADMIN_EMAIL }, () => new Date());
        log(added ? `already seeded (${DEMO_ADMIN_EMAIL} exists): added the IVR flows of ${added} tenant(s)` : `already seeded (${DEMO_ADMIN_EMAIL} exists): nothing to do`);
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

      // Phone menus: a published IVR and a pending draft per tenant, answering the tenant's voice numbers.
      await seedDemoFlows(trx, tenantIds, admin, at);

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

      log(`seeded the demo bureau: ${TENANTS.length} tenants, ${logins.length} users, ${DEMO_FLOWS.length} IVR flows, ${apiKeys.length} API keys`);
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
