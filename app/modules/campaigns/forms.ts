import { z } from "zod";
import { isValidTimeZone, normalizeDigits } from "../i18n/format";
import { instantOfLocal } from "../ivr/calendar";
import { TIME_RE } from "../tenancy/business-hours";
import { CAMPAIGN_TYPES, DISPOSITION_ACTIONS, type DispositionRules, type SimulationProfile, type CampaignType } from "./model";
import { DIALING_MODES, type DialingMode } from "./pacing";
import { RETRYABLE_OUTCOMES, callingWindowSchema, retryRulesSchema, type CallingWindow, type RetryRules, type RetryableOutcome } from "./window";

/**
 * The campaign settings form (portal): pure, so conform runs it in the browser and the action runs it
 * again. Every message is a key in the campaigns namespace whose text names the field, so an error
 * read out of context still says what is wrong. Numbers are typed as text (Persian digits accepted);
 * dates and times are wall-clock in the tenant's zone and stored as instants.
 */

const e = (key: string) => `campaigns:form.errors.${key}`;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const LOCAL_DATETIME_RE = /^(\d{4}-\d{2}-\d{2})[T ](\d{2}):(\d{2})$/;

/** What the domain stores: the form's output and the API's input. */
export interface CampaignInput {
  name: string;
  type: CampaignType;
  queueId: string;
  scriptId: string | null;
  dialingMode: DialingMode;
  powerRatio: number;
  priority: number;
  startsAt: Date | null;
  endsAt: Date | null;
  abandonCapBp: number;
  abandonAfterSeconds: number;
  callbackDelayMinutes: number;
  callingWindow: CallingWindow;
  retryRules: RetryRules;
  dispositionRules: DispositionRules;
  callerId: string | null;
  simulation: SimulationProfile;
}

export const CAMPAIGN_LIMITS = {
  powerRatio: [1, 5],
  priority: [1, 9],
  abandonCapPct: [0, 10],
  abandonAfterSeconds: [1, 30],
  callbackDelayMinutes: [1, 43200],
  maxAttempts: [1, 100],
  outcomeMax: [1, 100],
  abandonCooldownHours: [0, 720],
  percent: [0, 100],
  ringSeconds: [0, 120],
} as const satisfies Record<string, readonly [number, number]>;

const blank = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);
const text = (v: unknown) => (typeof v === "string" ? normalizeDigits(v).trim() : typeof v === "number" ? String(v) : "");

/** A number typed as text ("۲٫۵", "2.5", "2,5"); one message for missing, malformed and out of range. */
export function decimalField(min: number, max: number, message: string, opts: { integer?: boolean } = {}) {
  return z
    .union([z.string(), z.number()], { errorMap: () => ({ message }) })
    .transform((v) => text(v).replace(/[٫,]/, "."))
    .pipe(
      z
        .string()
        .regex(opts.integer ? /^\d{1,6}$/ : /^\d{1,6}(\.\d{1,2})?$/, message)
        .transform(Number)
        .pipe(z.number().min(min, message).max(max, message)),
    );
}

function oneOf<const T extends readonly [string, ...string[]]>(values: T, message: string) {
  return z.enum(values as unknown as [T[number], ...T[number][]], { errorMap: () => ({ message }) });
}

/** "09:00-13:00, 16:00-21:00" -> ranges; 24:00 closes a day, a range ending before it starts runs past midnight. */
export function parseRanges(raw: string): { from: string; to: string }[] | null {
  const parts = normalizeDigits(raw)
    .split(/[,،;\n]/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 6) return null;
  const out: { from: string; to: string }[] = [];
  for (const p of parts) {
    const m = /^(\d{1,2}:\d{2})\s*[-–—]\s*(\d{1,2}:\d{2})$/.exec(p);
    if (!m) return null;
    const pad = (t: string) => t.padStart(5, "0");
    const from = pad(m[1]!);
    const to = pad(m[2]!);
    if (!TIME_RE.test(from) || !(TIME_RE.test(to) || to === "24:00") || from === to) return null;
    out.push({ from, to });
  }
  return out;
}

export function formatRanges(ranges: readonly { from: string; to: string }[]): string {
  return ranges.map((r) => `${r.from}-${r.to}`).join(", ");
}

/** "10, 30, 60" -> minutes. */
export function parseDelays(raw: string): number[] | null {
  const parts = normalizeDigits(raw)
    .split(/[,،;\s]+/)
    .map((p) => p.trim())
    .filter(Boolean);
  if (parts.length === 0 || parts.length > 10) return null;
  const out = parts.map(Number);
  return out.every((n) => Number.isInteger(n) && n >= 0 && n <= 60 * 24 * 60) ? out : null;
}

/** "2026-12-05T09:30" in `zone` -> the instant; null for anything else. */
export function parseLocalDateTime(raw: string, zone: string): Date | null {
  const m = LOCAL_DATETIME_RE.exec(normalizeDigits(raw).trim());
  if (!m) return null;
  const [, day, hh, mm] = m as unknown as [string, string, string, string];
  const probe = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(probe.getTime()) || probe.toISOString().slice(0, 10) !== day) return null;
  const minutes = Number(hh) * 60 + Number(mm);
  if (Number(hh) > 23 || Number(mm) > 59) return null;
  return instantOfLocal(day, minutes, zone);
}

export interface CampaignFormOptions {
  /** The tenant's zone: the dates are typed in it. */
  timeZone: string;
  queueIds?: readonly string[];
  scriptIds?: readonly string[];
  /** The tenant's active disposition codes: a rule per code. */
  dispositionCodes?: readonly string[];
  callerIds?: readonly string[];
  now?: Date;
}

const retryFields = Object.fromEntries(
  RETRYABLE_OUTCOMES.flatMap((o) => [
    [`${o}Delays`, z.string({ required_error: e(`${o}Delays`), invalid_type_error: e(`${o}Delays`) })],
    [`${o}Max`, decimalField(...CAMPAIGN_LIMITS.outcomeMax, e(`${o}Max`), { integer: true })],
  ]),
) as Record<`${RetryableOutcome}Delays`, z.ZodString> & Record<`${RetryableOutcome}Max`, ReturnType<typeof decimalField>>;

const fields = z.object({
  name: z.string({ required_error: e("name"), invalid_type_error: e("name") }).trim().min(1, e("name")).max(120, e("name")),
  type: oneOf(CAMPAIGN_TYPES, e("type")),
  queueId: z.string({ required_error: e("queueId") }).trim().regex(UUID_RE, e("queueId")),
  scriptId: z.preprocess(blank, z.string().trim().regex(UUID_RE, e("scriptId")).optional()),
  dialingMode: oneOf(DIALING_MODES, e("dialingMode")),
  powerRatio: decimalField(...CAMPAIGN_LIMITS.powerRatio, e("powerRatio")),
  priority: decimalField(...CAMPAIGN_LIMITS.priority, e("priority"), { integer: true }),
  startsAt: z.preprocess(blank, z.string().optional()),
  endsAt: z.preprocess(blank, z.string().optional()),
  abandonCapPct: decimalField(...CAMPAIGN_LIMITS.abandonCapPct, e("abandonCapPct")),
  abandonAfterSeconds: decimalField(...CAMPAIGN_LIMITS.abandonAfterSeconds, e("abandonAfterSeconds"), { integer: true }),
  callbackDelayMinutes: decimalField(...CAMPAIGN_LIMITS.callbackDelayMinutes, e("callbackDelayMinutes"), { integer: true }),
  windowTimeZone: z.string({ required_error: e("windowTimeZone") }).trim().refine(isValidTimeZone, e("windowTimeZone")),
  windowRanges: z.string({ required_error: e("windowRanges") }),
  allowFridays: z.preprocess((v) => v === "on" || v === true || v === "true", z.boolean()),
  allowHolidays: z.preprocess((v) => v === "on" || v === true || v === "true", z.boolean()),
  maxAttempts: decimalField(...CAMPAIGN_LIMITS.maxAttempts, e("maxAttempts"), { integer: true }),
  abandonCooldownHours: decimalField(...CAMPAIGN_LIMITS.abandonCooldownHours, e("abandonCooldownHours"), { integer: true }),
  ...retryFields,
  rules: z.record(z.string(), z.object({ action: z.preprocess(blank, z.string().optional()), conversion: z.preprocess(blank, z.string().optional()) }).partial()).optional(),
  callerId: z.preprocess(blank, z.string().trim().optional()),
  simHuman: decimalField(...CAMPAIGN_LIMITS.percent, e("simulation")),
  simNoAnswer: decimalField(...CAMPAIGN_LIMITS.percent, e("simulation")),
  simBusy: decimalField(...CAMPAIGN_LIMITS.percent, e("simulation")),
  simVoicemail: decimalField(...CAMPAIGN_LIMITS.percent, e("simulation")),
  simFailed: decimalField(...CAMPAIGN_LIMITS.percent, e("simulation")),
  simRingMin: decimalField(...CAMPAIGN_LIMITS.ringSeconds, e("simRing"), { integer: true }),
  simRingMax: decimalField(...CAMPAIGN_LIMITS.ringSeconds, e("simRing"), { integer: true }),
});
export type CampaignFormValues = z.input<typeof fields>;

/**
 * The form's fields with the checks that need the tenant (its queues, scripts, numbers, zone) and
 * across fields (end after start, ring range), each reported on its own field alongside the others.
 */
export function campaignFormSchema(opts: CampaignFormOptions) {
  return fields.transform((v, ctx): CampaignInput => {
    const at = (path: string, key: string) => ctx.addIssue({ code: z.ZodIssueCode.custom, path: [path], message: e(key) });
    const lower = (ids: readonly string[] | undefined) => ids?.map((i) => i.toLowerCase());
    const queueId = v.queueId.toLowerCase();
    if (opts.queueIds && !lower(opts.queueIds)!.includes(queueId)) at("queueId", "queueId");
    const scriptId = v.scriptId?.toLowerCase() ?? null;
    if (scriptId && opts.scriptIds && !lower(opts.scriptIds)!.includes(scriptId)) at("scriptId", "scriptId");
    const startsAt = v.startsAt ? parseLocalDateTime(v.startsAt, opts.timeZone) : null;
    if (v.startsAt && !startsAt) at("startsAt", "startsAt");
    const endsAt = v.endsAt ? parseLocalDateTime(v.endsAt, opts.timeZone) : null;
    if (v.endsAt && !endsAt) at("endsAt", "endsAt");
    if (startsAt && endsAt && endsAt.getTime() <= startsAt.getTime()) at("endsAt", "endsBeforeStart");
    const ranges = parseRanges(v.windowRanges);
    if (!ranges) at("windowRanges", "windowRanges");
    const outcomes = {} as RetryRules["outcomes"];
    for (const o of RETRYABLE_OUTCOMES) {
      const delays = parseDelays(v[`${o}Delays`]);
      if (!delays) at(`${o}Delays`, `${o}Delays`);
      outcomes[o] = { delaysMinutes: delays ?? [0], maxAttempts: v[`${o}Max`] };
    }
    const dispositionRules: DispositionRules = {};
    for (const code of opts.dispositionCodes ?? Object.keys(v.rules ?? {})) {
      const raw = v.rules?.[code] ?? {};
      const action = raw.action ?? "complete";
      if (!(DISPOSITION_ACTIONS as readonly string[]).includes(action)) at(`rules.${code}.action`, "ruleAction");
      dispositionRules[code] = { action: action as DispositionRules[string]["action"], conversion: raw.conversion === "on" || raw.conversion === "true" };
    }
    const callerId = v.callerId ?? null;
    if (callerId && opts.callerIds && !opts.callerIds.includes(callerId)) at("callerId", "callerId");
    if (v.simRingMax < v.simRingMin) at("simRingMax", "simRing");
    if (v.simHuman + v.simNoAnswer + v.simBusy + v.simVoicemail + v.simFailed <= 0) at("simHuman", "simulationEmpty");
    return {
      name: v.name,
      type: v.type,
      queueId,
      scriptId,
      dialingMode: v.dialingMode,
      powerRatio: Math.round(v.powerRatio * 10) / 10,
      priority: v.priority,
      startsAt,
      endsAt,
      abandonCapBp: Math.round(v.abandonCapPct * 100),
      abandonAfterSeconds: v.abandonAfterSeconds,
      callbackDelayMinutes: v.callbackDelayMinutes,
      callingWindow: callingWindowSchema.parse({ timeZone: v.windowTimeZone, ranges: ranges ?? [], allowFridays: v.allowFridays, allowHolidays: v.allowHolidays }),
      retryRules: retryRulesSchema.parse({ maxAttempts: v.maxAttempts, abandonCooldownHours: v.abandonCooldownHours, outcomes }),
      dispositionRules,
      callerId,
      simulation: {
        human: v.simHuman / 100,
        noAnswer: v.simNoAnswer / 100,
        busy: v.simBusy / 100,
        voicemail: v.simVoicemail / 100,
        failed: v.simFailed / 100,
        ringSecondsMin: v.simRingMin,
        ringSecondsMax: Math.max(v.simRingMin, v.simRingMax),
      },
    };
  });
}

/** A stored campaign as the form shows it (wall-clock times in the tenant's zone). */
export function campaignFormDefaults(c: CampaignInput | null, opts: { timeZone: string; queueId?: string; localDateTime: (d: Date) => string }): Record<string, unknown> {
  const window = c?.callingWindow ?? callingWindowSchema.parse({ timeZone: opts.timeZone });
  const retry = c?.retryRules ?? retryRulesSchema.parse({});
  const sim = c?.simulation;
  const pct = (x: number | undefined, d: number) => String(Math.round((x ?? d) * 1000) / 10);
  return {
    name: c?.name ?? "",
    type: c?.type ?? "survey",
    queueId: c?.queueId ?? opts.queueId ?? "",
    scriptId: c?.scriptId ?? "",
    dialingMode: c?.dialingMode ?? "progressive",
    powerRatio: String(c?.powerRatio ?? 1.5),
    priority: String(c?.priority ?? 5),
    startsAt: c?.startsAt ? opts.localDateTime(c.startsAt) : "",
    endsAt: c?.endsAt ? opts.localDateTime(c.endsAt) : "",
    abandonCapPct: String((c?.abandonCapBp ?? 300) / 100),
    abandonAfterSeconds: String(c?.abandonAfterSeconds ?? 2),
    callbackDelayMinutes: String(c?.callbackDelayMinutes ?? 60),
    windowTimeZone: window.timeZone,
    windowRanges: formatRanges(window.ranges),
    allowFridays: window.allowFridays,
    allowHolidays: window.allowHolidays,
    maxAttempts: String(retry.maxAttempts),
    abandonCooldownHours: String(retry.abandonCooldownHours),
    ...Object.fromEntries(RETRYABLE_OUTCOMES.flatMap((o) => [[`${o}Delays`, retry.outcomes[o].delaysMinutes.join(", ")], [`${o}Max`, String(retry.outcomes[o].maxAttempts)]])),
    callerId: c?.callerId ?? "",
    simHuman: pct(sim?.human, 0.45),
    simNoAnswer: pct(sim?.noAnswer, 0.3),
    simBusy: pct(sim?.busy, 0.1),
    simVoicemail: pct(sim?.voicemail, 0.1),
    simFailed: pct(sim?.failed, 0.05),
    simRingMin: String(sim?.ringSecondsMin ?? 2),
    simRingMax: String(sim?.ringSecondsMax ?? 8),
  };
}
