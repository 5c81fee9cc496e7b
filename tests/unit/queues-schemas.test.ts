import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGES } from "~/modules/i18n/config";
import { dispositionSchema, queueAgentsSchema, queueFormSchema, QUEUE_LIMITS } from "~/modules/queues/schemas";

const SELF = "11111111-1111-4111-8111-111111111111";
const OTHER = "22222222-2222-4222-8222-222222222222";
const FOREIGN = "33333333-3333-4333-8333-333333333333";

/** A complete form as the browser posts it: every value is text. */
const form = (over: Record<string, unknown> = {}) => ({
  key: "support",
  name: "پشتیبانی فنی",
  channels: ["voice"],
  requiredSkills: "",
  minProficiency: "1",
  language: "fa",
  priority: "5",
  slTargetPct: "80",
  slThresholdSeconds: "20",
  shortAbandonSeconds: "5",
  maxWaitSeconds: "600",
  overflowAction: "callback",
  offerTimeoutSeconds: "15",
  wrapupSeconds: "60",
  afterHours: "callback",
  ...over,
});

/** field -> messages, the way conform hands them to the form. */
function errors(result: { success: boolean; error?: { issues: { path: (string | number)[]; message: string }[] } }) {
  const out: Record<string, string[]> = {};
  for (const issue of result.error?.issues ?? []) (out[issue.path.join(".")] ??= []).push(issue.message);
  return out;
}

const schema = queueFormSchema({ queueId: SELF, tenantQueueIds: [SELF, OTHER] });

describe("queueFormSchema", () => {
  it("accepts a complete queue, reading Persian digits and normalising the key, skills and language", () => {
    const parsed = schema.parse(
      form({
        key: "  Support ",
        slTargetPct: "۹۰",
        slThresholdSeconds: "۳۰",
        maxWaitSeconds: "٦٠٠",
        priority: " 7 ",
        requiredSkills: "Billing، technical, billing",
        channels: ["voice", "chat", "voice"],
        language: "",
      }),
    );
    expect(parsed).toMatchObject({
      key: "support",
      slTargetPct: 90,
      slThresholdSeconds: 30,
      maxWaitSeconds: 600,
      priority: 7,
      requiredSkills: ["billing", "technical"],
      channels: ["voice", "chat"],
      language: null,
      overflowQueueId: null,
      overflowNumber: null,
    });
  });

  it("names the field of every wrong value, missing ones included", () => {
    const result = schema.safeParse(
      form({
        key: "Bad key!",
        name: "   ",
        channels: [],
        minProficiency: "6",
        language: "de",
        priority: "0",
        slTargetPct: "101",
        slThresholdSeconds: "2.5",
        shortAbandonSeconds: "-1",
        maxWaitSeconds: "abc",
        overflowAction: "hangup",
        offerTimeoutSeconds: undefined,
        wrapupSeconds: "۱۸۰۱",
        afterHours: "",
        overflowQueueId: OTHER,
      }),
    );
    expect(result.success).toBe(false);
    const e = errors(result);
    for (const field of [
      "key",
      "name",
      "channels",
      "minProficiency",
      "language",
      "priority",
      "slTargetPct",
      "slThresholdSeconds",
      "shortAbandonSeconds",
      "maxWaitSeconds",
      "overflowAction",
      "offerTimeoutSeconds",
      "wrapupSeconds",
      "afterHours",
    ]) {
      expect(e[field], field).toEqual([`routing:queues.errors.${field}`]);
    }
  });

  it("checks each number against the same range as the database", () => {
    for (const [field, [min, max]] of Object.entries(QUEUE_LIMITS)) {
      expect(schema.safeParse(form({ [field]: String(min) })).success, `${field}=${min}`).toBe(true);
      expect(schema.safeParse(form({ [field]: String(max) })).success, `${field}=${max}`).toBe(true);
      expect(errors(schema.safeParse(form({ [field]: String(max + 1) })))[field], `${field}=${max + 1}`).toEqual([`routing:queues.errors.${field}`]);
      if (min > 0) expect(errors(schema.safeParse(form({ [field]: String(min - 1) })))[field]).toEqual([`routing:queues.errors.${field}`]);
    }
  });

  it("refuses too many or too long skills", () => {
    const many = Array.from({ length: 21 }, (_, i) => `s${i}`).join(",");
    expect(errors(schema.safeParse(form({ requiredSkills: many }))).requiredSkills).toEqual(["routing:queues.errors.requiredSkillsTooMany|max=20"]);
    expect(errors(schema.safeParse(form({ requiredSkills: "x".repeat(41) }))).requiredSkills).toEqual(["routing:queues.errors.requiredSkills"]);
  });

  describe("overflow", () => {
    it("needs a target queue of the same tenant that is not the queue itself", () => {
      expect(errors(schema.safeParse(form({ overflowAction: "queue" }))).overflowQueueId).toEqual(["routing:queues.errors.overflowQueueRequired"]);
      expect(errors(schema.safeParse(form({ overflowAction: "queue", overflowQueueId: SELF }))).overflowQueueId).toEqual([
        "routing:queues.errors.overflowQueueSelf",
      ]);
      expect(errors(schema.safeParse(form({ overflowAction: "queue", overflowQueueId: FOREIGN }))).overflowQueueId).toEqual([
        "routing:queues.errors.overflowQueueUnknown",
      ]);
      expect(errors(schema.safeParse(form({ overflowAction: "queue", overflowQueueId: "general" }))).overflowQueueId).toEqual([
        "routing:queues.errors.overflowQueueUnknown",
      ]);
      const ok = schema.parse(form({ overflowAction: "queue", overflowQueueId: OTHER.toUpperCase(), overflowNumber: "+982112345678" }));
      expect(ok).toMatchObject({ overflowAction: "queue", overflowQueueId: OTHER, overflowNumber: null });
    });

    it("without the tenant's queue list (the server), leaves the tenant check to the database", () => {
      expect(queueFormSchema().parse(form({ overflowAction: "queue", overflowQueueId: FOREIGN })).overflowQueueId).toBe(FOREIGN);
    });

    it("needs an E.164 number to forward to, typed with Persian digits or a leading 0", () => {
      expect(errors(schema.safeParse(form({ overflowAction: "external" }))).overflowNumber).toEqual(["routing:queues.errors.overflowNumberRequired"]);
      expect(errors(schema.safeParse(form({ overflowAction: "external", overflowNumber: "12" }))).overflowNumber).toEqual([
        "routing:queues.errors.overflowNumber",
      ]);
      expect(schema.parse(form({ overflowAction: "external", overflowNumber: "۰۲۱ ۹۱۰۰ ۱۰۰۰" })).overflowNumber).toBe("+982191001000");
      expect(schema.parse(form({ overflowAction: "external", overflowNumber: "+98 21 1234-5678", overflowQueueId: OTHER }))).toMatchObject({
        overflowNumber: "+982112345678",
        overflowQueueId: null,
      });
    });

    it("drops a stale target when the action needs none", () => {
      for (const action of ["none", "callback", "voicemail"]) {
        expect(schema.parse(form({ overflowAction: action, overflowQueueId: OTHER, overflowNumber: "x" }))).toMatchObject({
          overflowQueueId: null,
          overflowNumber: null,
        });
      }
    });
  });
});

describe("queueAgentsSchema", () => {
  it("takes no agents as an empty set and refuses anything that is not an id", () => {
    expect(queueAgentsSchema.parse({})).toEqual({ agentIds: [] });
    expect(queueAgentsSchema.parse({ agentIds: [OTHER, OTHER.toUpperCase()] })).toEqual({ agentIds: [OTHER] });
    expect(errors(queueAgentsSchema.safeParse({ agentIds: ["x"] }))["agentIds.0"]).toEqual(["routing:queues.errors.agents"]);
  });
});

describe("dispositionSchema", () => {
  it("reads a reason and an outcome, with Persian digits in the order", () => {
    expect(dispositionSchema.parse({ code: " Billing ", name: "اعتراض به صورتحساب", active: true })).toEqual({
      code: "billing",
      name: "اعتراض به صورتحساب",
      parentId: null,
      resolved: false,
      active: true,
      sort: 0,
    });
    expect(dispositionSchema.parse({ code: "refunded", name: "برگشت داده شد", parentId: OTHER, resolved: true, sort: "۲۰" })).toMatchObject({
      parentId: OTHER,
      resolved: true,
      active: false,
      sort: 20,
    });
  });

  it("names the wrong field", () => {
    const e = errors(dispositionSchema.safeParse({ code: "no spaces", name: "", parentId: "general", sort: "10000" }));
    expect(e).toEqual({
      code: ["routing:dispositions.errors.code"],
      name: ["routing:dispositions.errors.name"],
      parentId: ["routing:dispositions.errors.parentUnknown"],
      sort: ["routing:dispositions.errors.sort"],
    });
  });
});

describe("the queue and disposition messages", () => {
  // Which helper builds which section's keys, per file.
  const helpers: [string, Record<string, "queues" | "dispositions">][] = [
    ["app/modules/queues/schemas.ts", { q: "queues", d: "dispositions" }],
    ["app/modules/queues/queues.server.ts", { f: "queues" }],
    ["app/modules/queues/dispositions.server.ts", { f: "dispositions" }],
  ];
  const used = helpers.flatMap(([file, sections]) =>
    [...fs.readFileSync(path.resolve(file), "utf8").matchAll(/\b([qdf])\("(\w+)"\)/g)].flatMap((m) => (sections[m[1]!] ? [[sections[m[1]!]!, m[2]!] as const] : [])),
  );

  it("has every message the schemas and modules produce, in every language", () => {
    expect(used.length).toBeGreaterThan(30);
    for (const lang of LANGUAGES) {
      const routing = JSON.parse(fs.readFileSync(path.resolve("locales", lang, "routing.json"), "utf8")) as Record<string, { errors: Record<string, string> }>;
      for (const [section, key] of used) expect(routing[section]!.errors[key], `${lang}: ${section}.errors.${key}`).toEqual(expect.any(String));
    }
  });

  it("opens each message with the field it is about (\"Field: what to do\")", () => {
    for (const lang of LANGUAGES) {
      const routing = JSON.parse(fs.readFileSync(path.resolve("locales", lang, "routing.json"), "utf8")) as Record<string, { errors: Record<string, string> }>;
      for (const section of ["queues", "dispositions"]) {
        for (const [key, text] of Object.entries(routing[section]!.errors)) expect(text, `${lang} ${section}.errors.${key}`).toMatch(/^[^:]{2,40}: /);
      }
    }
  });
});

describe("queueFormSchema with several wrong fields", () => {
  it("reports an overflow problem together with the other fields' errors", () => {
    const e = errors(schema.safeParse(form({ name: undefined, channels: undefined, overflowAction: "queue", overflowQueueId: SELF })));
    expect(e).toEqual({
      name: ["routing:queues.errors.name"],
      channels: ["routing:queues.errors.channels"],
      overflowQueueId: ["routing:queues.errors.overflowQueueSelf"],
    });
  });
});
