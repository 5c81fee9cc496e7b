import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { agentUpdateSchema, parseSkills } from "~/modules/agents/schemas";
import { staffCreateSchema } from "~/modules/auth/staff-schemas";
import { bureauSettingsSchema } from "~/modules/bureau/schemas";
import { groupByWeekday, hoursIssues, minutesOf } from "~/modules/tenancy/business-hours";
import { businessHoursSchema, holidaySchema, phoneNumberSchema, tenantCreateSchema } from "~/modules/tenancy/schemas";
import { weekdayOrder } from "~/modules/i18n/format";

const messages = (r: { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } }) =>
  r.success ? [] : r.error!.issues.map((i) => `${i.path.join(".")}:${i.message}`);

describe("business hours", () => {
  it("requires closing after opening", () => {
    expect(hoursIssues([{ weekday: 6, opens: "09:00", closes: "09:00" }])).toEqual([{ index: 0, field: "closes", message: "validation:closesAfterOpens" }]);
    expect(hoursIssues([{ weekday: 6, opens: "18:00", closes: "08:00" }])).toHaveLength(1);
    expect(hoursIssues([{ weekday: 6, opens: "08:00", closes: "18:00" }])).toEqual([]);
  });

  it("allows several ranges a day but not overlapping ones", () => {
    const split = [
      { weekday: 0, opens: "08:00", closes: "12:00" },
      { weekday: 0, opens: "12:00", closes: "16:00" },
      { weekday: 1, opens: "10:00", closes: "14:00" },
    ];
    expect(hoursIssues(split)).toEqual([]);
    const overlapping = [...split, { weekday: 0, opens: "15:00", closes: "17:00" }];
    expect(hoursIssues(overlapping)).toEqual([{ index: 3, field: "opens", message: "validation:hoursOverlap" }]);
  });

  it("groups ranges per weekday in display order, Saturday first in Persian", () => {
    const groups = groupByWeekday(
      [
        { weekday: 6, opens: "13:00", closes: "17:00" },
        { weekday: 6, opens: "08:00", closes: "12:00" },
        { weekday: 0, opens: "08:00", closes: "12:00" },
      ],
      weekdayOrder("fa"),
    );
    expect(groups.map((g) => g.weekday)).toEqual([6, 0, 1, 2, 3, 4, 5]);
    expect(groups[0]!.ranges.map((r) => r.opens)).toEqual(["08:00", "13:00"]);
    expect(groups[2]!.ranges).toEqual([]);
    expect(minutesOf("23:59")).toBe(1439);
  });

  it("validates the business hours form, reporting the offending range", () => {
    const ok = businessHoursSchema.safeParse({ ranges: [{ weekday: "6", opens: "08:00", closes: "16:00" }] });
    expect(ok.success && ok.data.ranges[0]!.weekday).toBe(6);
    expect(businessHoursSchema.safeParse({}).success).toBe(true);
    const bad = businessHoursSchema.safeParse({ ranges: [{ weekday: "6", opens: "16:00", closes: "08:00" }, { weekday: "1", opens: "9", closes: "10:00" }] });
    expect(messages(bad)).toEqual(expect.arrayContaining(["ranges.1.opens:validation:time"]));
    const reversed = businessHoursSchema.safeParse({ ranges: [{ weekday: "6", opens: "16:00", closes: "08:00" }] });
    expect(messages(reversed)).toEqual(["ranges.0.closes:validation:closesAfterOpens"]);
  });
});

describe("holiday schema", () => {
  it("reads Jalali dates in Persian, with Persian digits too", () => {
    expect(holidaySchema("fa").parse({ day: "1405/01/01", name: "نوروز" }).day).toBe("2026-03-21");
    expect(holidaySchema("fa").parse({ day: "۱۴۰۵/۰۱/۱۳", name: "سیزده‌به‌در" }).day).toBe("2026-04-02");
    expect(messages(holidaySchema("fa").safeParse({ day: "2026-03-21", name: "x" }))).toEqual(["day:validation:jalaliDate"]);
    expect(messages(holidaySchema("fa").safeParse({ day: "1405/13/01", name: "x" }))).toEqual(["day:validation:jalaliDate"]);
  });

  it("reads ISO dates in English and Dutch", () => {
    expect(holidaySchema("en").parse({ day: "2026-12-25", name: "Christmas" }).day).toBe("2026-12-25");
    expect(messages(holidaySchema("nl").safeParse({ day: "2026-02-30", name: "x" }))).toEqual(["day:validation:isoDate"]);
    expect(messages(holidaySchema("en").safeParse({ day: "2026-01-01" }))).toEqual(["name:validation:required"]);
  });
});

describe("tenant schemas", () => {
  const base = { name: "Acme", slug: "acme-co", defaultLocale: "fa", timeZone: "Asia/Tehran", currency: "IRR", brandColor: "#0F766E" };

  it("accepts a valid tenant and normalizes colour and slug", () => {
    const v = tenantCreateSchema.parse({ ...base, slug: "Acme-Co" });
    expect(v.slug).toBe("acme-co");
    expect(v.brandColor).toBe("#0f766e");
  });

  it("rejects bad slugs, time zones and colours with their own messages", () => {
    expect(messages(tenantCreateSchema.safeParse({ ...base, slug: "-acme" }))).toEqual(["slug:validation:slug"]);
    expect(messages(tenantCreateSchema.safeParse({ ...base, slug: "ac me" }))).toEqual(["slug:validation:slug"]);
    expect(messages(tenantCreateSchema.safeParse({ ...base, timeZone: "Mars/Olympus" }))).toEqual(["timeZone:validation:timeZone"]);
    expect(messages(tenantCreateSchema.safeParse({ ...base, brandColor: "teal" }))).toEqual(["brandColor:validation:color"]);
  });

  it("limits the logo to small images", () => {
    const png = new File([new Uint8Array(1000)], "logo.png", { type: "image/png" });
    expect(tenantCreateSchema.safeParse({ ...base, logo: png }).success).toBe(true);
    const big = new File([new Uint8Array(201 * 1024)], "logo.png", { type: "image/png" });
    expect(messages(tenantCreateSchema.safeParse({ ...base, logo: big }))).toEqual(["logo:validation:logoSize|max=200"]);
    const pdf = new File([new Uint8Array(10)], "logo.pdf", { type: "application/pdf" });
    expect(messages(tenantCreateSchema.safeParse({ ...base, logo: pdf }))).toEqual(["logo:validation:logoType"]);
  });

  it("normalizes phone numbers and requires a channel", () => {
    expect(phoneNumberSchema.parse({ e164: "۰۲۱ ۱۲۳۴ ۵۶۷۸", channels: ["voice"] }).e164).toBe("+982112345678");
    expect(messages(phoneNumberSchema.safeParse({ e164: "12", channels: ["voice"] }))).toEqual(["e164:validation:phone"]);
    expect(messages(phoneNumberSchema.safeParse({ e164: "+982112345678", channels: [] }))).toEqual(["channels:validation:chooseOne"]);
  });
});

describe("staff, agent and settings schemas", () => {
  it("requires a 10-character password and at least one role", () => {
    const r = staffCreateSchema.safeParse({ name: "A", email: "a@b.co", password: "short", roles: [], locale: "fa" });
    expect(messages(r).sort()).toEqual(["password:validation:tooShort|min=10", "roles:validation:chooseOne"]);
  });

  it("parses skills lists with Latin and Persian commas", () => {
    expect(parseSkills("Billing, sales،  VIP support ,billing")).toEqual(["billing", "sales", "vip-support"]);
    expect(parseSkills("")).toEqual([]);
  });

  it("checks assignment priorities", () => {
    const tenantId = "00000000-0000-4000-8000-000000000001";
    const ok = agentUpdateSchema.parse({ languages: ["fa"], assignments: [{ tenantId, assigned: true, priority: "3", skills: "a, b" }] });
    expect(ok.assignments[0]).toEqual({ tenantId, assigned: true, priority: 3, skills: ["a", "b"], dedicated: false });
    expect(messages(agentUpdateSchema.safeParse({ languages: ["fa"], assignments: [{ tenantId, priority: "12" }] }))).toEqual([
      "assignments.0.priority:validation:priority",
    ]);
  });

  it("lets an agent be dedicated to one assigned tenant at a time", () => {
    const t1 = "00000000-0000-4000-8000-000000000001";
    const t2 = "00000000-0000-4000-8000-000000000002";
    const one = agentUpdateSchema.parse({ languages: ["fa"], assignments: [{ tenantId: t1, assigned: true, dedicated: true }, { tenantId: t2, assigned: true }] });
    expect(one.assignments.map((a) => a.dedicated)).toEqual([true, false]);
    expect(messages(agentUpdateSchema.safeParse({ languages: ["fa"], assignments: [{ tenantId: t1, assigned: true, dedicated: true }, { tenantId: t2, assigned: true, dedicated: true }] }))).toEqual([
      "assignments.1.dedicated:validation:dedicatedOnce",
    ]);
    expect(messages(agentUpdateSchema.safeParse({ languages: ["fa"], assignments: [{ tenantId: t1, dedicated: true }] }))).toEqual(["assignments.0.dedicated:validation:dedicatedNotAssigned"]);
  });

  it("validates bureau settings", () => {
    expect(bureauSettingsSchema.safeParse({ name: "Hamkal", defaultLocale: "fa", timeZone: "Asia/Tehran", currencyDisplay: "toman" }).success).toBe(true);
    expect(messages(bureauSettingsSchema.safeParse({ name: "H", defaultLocale: "fa", timeZone: "Asia/Tehran", currencyDisplay: "dollar" }))).toEqual([
      "currencyDisplay:validation:invalid",
    ]);
  });
});

describe("locales/bureau.json", () => {
  function keys(obj: unknown, prefix = ""): string[] {
    if (obj && typeof obj === "object") return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
    return [prefix];
  }
  const read = (lang: string) => JSON.parse(fs.readFileSync(path.resolve("locales", lang, "bureau.json"), "utf8"));
  const value = (obj: unknown, key: string) => key.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], obj) as string;

  it("has the same keys and interpolation variables in fa, en and nl", () => {
    const fa = keys(read("fa")).sort();
    expect(fa.length).toBeGreaterThan(100);
    for (const lang of ["en", "nl"]) {
      expect(keys(read(lang)).sort()).toEqual(fa);
      for (const k of fa) {
        const vars = (l: string) => [...value(read(l), k).matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort();
        expect(vars(lang), `${lang} ${k}`).toEqual(vars("fa"));
        expect(value(read(lang), k).length, `${lang} ${k}`).toBeGreaterThan(0);
      }
    }
  });

  it("has every validation message the bureau schemas use", () => {
    const validation = read("en") && JSON.parse(fs.readFileSync(path.resolve("locales", "en", "validation.json"), "utf8"));
    const used = [
      "slug", "slugTaken", "timeZone", "color", "logoType", "logoSize", "confirm", "chooseOne", "numberTaken", "time",
      "closesAfterOpens", "hoursOverlap", "jalaliDate", "isoDate", "holidayTaken", "emailTaken", "ownAdminRole",
      "disableSelf", "employeeCode", "employeeCodeTaken", "priority", "tooManySkills", "skill",
    ];
    for (const k of used) expect(validation[k], k).toBeTruthy();
  });
});

describe("agent endpoint field", () => {
  it("takes SIP, softphone clients and numbers, empty as none, and names the field otherwise", () => {
    const base = { languages: ["fa"], skills: "", assignments: [] };
    expect(agentUpdateSchema.parse({ ...base, endpoint: "sip:a@pbx" }).endpoint).toBe("sip:a@pbx");
    expect(agentUpdateSchema.parse({ ...base, endpoint: "" }).endpoint).toBeNull();
    const bad = agentUpdateSchema.safeParse({ ...base, endpoint: "my desk phone" });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ["endpoint"], message: "validation:agentEndpoint" });
  });
});

describe("agent proficiency field", () => {
  it("reads name=level pairs with Persian digits and commas", () => {
    const base = { languages: ["fa", "en"], skills: "billing", assignments: [] };
    expect(agentUpdateSchema.parse({ ...base, proficiency: "billing=۴، en=3" }).proficiency).toEqual({ billing: 4, en: 3 });
    expect(agentUpdateSchema.parse({ ...base, proficiency: "" }).proficiency).toEqual({});
  });

  it("names the field for a bad level or a name the agent does not have", () => {
    const base = { languages: ["fa"], skills: "billing", assignments: [] };
    const bad = agentUpdateSchema.safeParse({ ...base, proficiency: "billing=7" });
    expect(bad.error?.issues[0]).toMatchObject({ path: ["proficiency"], message: "validation:proficiency" });
    const unknown = agentUpdateSchema.safeParse({ ...base, proficiency: "technical=4" });
    expect(unknown.error?.issues[0]).toMatchObject({ path: ["proficiency"], message: "validation:proficiencyUnknown|names=technical" });
  });
});
