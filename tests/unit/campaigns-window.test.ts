import { describe, expect, it } from "vitest";
import {
  DEFAULT_RETRY_RULES,
  DEFAULT_WINDOW,
  NEW_CONTACT_STATE,
  callingWindowSchema,
  canCallAt,
  coolDownUntil,
  nextAttempt,
  nextCallableAt,
  nextCallableInterval,
  retryRulesSchema,
  windowStatusAt,
  type CallingWindow,
  type ContactAttemptState,
} from "~/modules/campaigns/window";

// Tehran is UTC+03:30 all year. 2026-11-19 is a Thursday, 11-20 a Friday, 11-21 a Saturday.
const utc = (iso: string) => new Date(iso);
const W = (o: Partial<CallingWindow> = {}): CallingWindow => callingWindowSchema.parse(o);

describe("calling window: hours in the callee's zone", () => {
  it("defaults to 09:00-21:00 Asia/Tehran, closed Fridays and holidays", () => {
    expect(DEFAULT_WINDOW).toMatchObject({ timeZone: "Asia/Tehran", ranges: [{ from: "09:00", to: "21:00" }], allowFridays: false, allowHolidays: false });
  });

  it("opens at 09:00 and closes at 21:00 (half-open)", () => {
    expect(canCallAt(DEFAULT_WINDOW, utc("2026-11-21T05:29:59Z"))).toBe(false); // 08:59:59
    expect(canCallAt(DEFAULT_WINDOW, utc("2026-11-21T05:30:00Z"))).toBe(true); // 09:00
    expect(canCallAt(DEFAULT_WINDOW, utc("2026-11-21T17:29:59Z"))).toBe(true); // 20:59:59
    expect(canCallAt(DEFAULT_WINDOW, utc("2026-11-21T17:30:00Z"))).toBe(false); // 21:00
    expect(windowStatusAt(DEFAULT_WINDOW, utc("2026-11-21T17:30:00Z"))).toBe("outsideHours");
  });

  it("reads the window in the callee's zone, not the campaign's", () => {
    const at = utc("2026-11-21T06:00:00Z"); // 09:30 Tehran, 07:00 Amsterdam, 15:00 Tokyo
    expect(canCallAt(DEFAULT_WINDOW, at, "Asia/Tehran")).toBe(true);
    expect(canCallAt(DEFAULT_WINDOW, at, "Europe/Amsterdam")).toBe(false);
    expect(canCallAt(DEFAULT_WINDOW, at, "Asia/Tokyo")).toBe(true);
    expect(nextCallableAt(DEFAULT_WINDOW, at, "Europe/Amsterdam")).toEqual(utc("2026-11-21T08:00:00Z")); // 09:00 CET
    // A window with its own zone serves callees without one.
    expect(canCallAt(W({ timeZone: "Europe/Amsterdam" }), at)).toBe(false);
  });

  it("closes Fridays unless allowed", () => {
    const friNoon = utc("2026-11-20T08:30:00Z"); // Friday 12:00 Tehran
    expect(windowStatusAt(DEFAULT_WINDOW, friNoon)).toBe("friday");
    expect(canCallAt(W({ allowFridays: true }), friNoon)).toBe(true);
    // Friday is the callee's local Friday: Thursday 22:00 UTC is already Friday 01:30 in Tehran.
    expect(nextCallableAt(W({ allowFridays: true }), utc("2026-11-19T22:00:00Z"))).toEqual(utc("2026-11-20T05:30:00Z"));
  });

  it("closes holidays unless allowed; holidays are the callee's local days", () => {
    const sat = utc("2026-11-21T08:30:00Z"); // Saturday 12:00 Tehran
    expect(windowStatusAt(DEFAULT_WINDOW, sat, undefined, ["2026-11-21"])).toBe("holiday");
    expect(canCallAt(DEFAULT_WINDOW, sat, undefined, new Set(["2026-11-21"]))).toBe(false);
    expect(canCallAt(W({ allowHolidays: true }), sat, undefined, ["2026-11-21"])).toBe(true);
    expect(canCallAt(DEFAULT_WINDOW, sat, undefined, ["2026-11-22"])).toBe(true);
  });

  it("skips a Friday and a holiday across midnight to the next callable morning", () => {
    // Thursday 21:30 Tehran: closed; Friday closed; Saturday a holiday; Sunday 09:00.
    expect(nextCallableAt(DEFAULT_WINDOW, utc("2026-11-19T18:00:00Z"))).toEqual(utc("2026-11-21T05:30:00Z"));
    expect(nextCallableAt(DEFAULT_WINDOW, utc("2026-11-19T18:00:00Z"), undefined, ["2026-11-21"])).toEqual(utc("2026-11-22T05:30:00Z"));
    // 00:15 Saturday in Tehran (still Friday in UTC) -> Saturday 09:00.
    expect(nextCallableAt(DEFAULT_WINDOW, utc("2026-11-20T20:45:00Z"))).toEqual(utc("2026-11-21T05:30:00Z"));
  });

  it("answers the instant itself when callable, and the interval's end", () => {
    const at = utc("2026-11-21T10:00:00Z");
    expect(nextCallableAt(DEFAULT_WINDOW, at)).toEqual(at);
    expect(nextCallableInterval(DEFAULT_WINDOW, at)).toEqual({ start: at, end: utc("2026-11-21T17:30:00Z"), day: "2026-11-21" });
  });

  it("applies per-weekday ranges, and several ranges a day", () => {
    const w = W({ weekdays: { "4": [{ from: "09:00", to: "13:00" }], "6": [{ from: "16:00", to: "20:00" }, { from: "09:00", to: "12:00" }] } });
    expect(canCallAt(w, utc("2026-11-19T09:00:00Z"))).toBe(true); // Thursday 12:30
    expect(canCallAt(w, utc("2026-11-19T10:00:00Z"))).toBe(false); // Thursday 13:30
    expect(nextCallableAt(w, utc("2026-11-19T10:00:00Z"))).toEqual(utc("2026-11-21T05:30:00Z")); // Saturday 09:00
    expect(nextCallableAt(w, utc("2026-11-21T09:00:00Z"))).toEqual(utc("2026-11-21T12:30:00Z")); // Saturday 12:30 -> 16:00
    expect(canCallAt(W({ weekdays: { "0": [] } }), utc("2026-11-22T08:30:00Z"))).toBe(false); // Sunday closed
  });

  it("lets a date override open a Friday or a holiday, or close a day", () => {
    const w = W({ dates: { "2026-11-20": [{ from: "10:00", to: "14:00" }], "2026-11-22": [] } });
    expect(canCallAt(w, utc("2026-11-20T08:30:00Z"))).toBe(true); // that Friday 12:00
    expect(canCallAt(w, utc("2026-11-20T11:00:00Z"))).toBe(false); // 14:30
    expect(canCallAt(w, utc("2026-11-20T08:30:00Z"), undefined, ["2026-11-20"])).toBe(true); // even a holiday
    expect(windowStatusAt(w, utc("2026-11-22T08:30:00Z"))).toBe("closedDay");
  });

  it("runs a range past midnight, belonging to the day it starts", () => {
    const night = W({ ranges: [{ from: "22:00", to: "02:00" }] });
    expect(canCallAt(night, utc("2026-11-19T18:30:00Z"))).toBe(true); // Thursday 22:00
    expect(canCallAt(night, utc("2026-11-19T21:30:00Z"))).toBe(true); // Friday 01:00, Thursday's evening
    expect(canCallAt(night, utc("2026-11-19T22:30:00Z"))).toBe(false); // Friday 02:00
    expect(canCallAt(night, utc("2026-11-20T19:00:00Z"))).toBe(false); // Friday 22:30
    expect(canCallAt(night, utc("2026-11-20T21:30:00Z"))).toBe(false); // Saturday 01:00, Friday's evening
    expect(nextCallableAt(night, utc("2026-11-20T19:00:00Z"))).toEqual(utc("2026-11-21T18:30:00Z")); // Saturday 22:00
    expect(canCallAt(W({ ranges: [{ from: "20:00", to: "24:00" }] }), utc("2026-11-21T20:29:00Z"))).toBe(true); // 23:59
  });

  it("follows a daylight-saving change in the callee's zone", () => {
    // Amsterdam goes to CEST on Sunday 2026-03-29: 09:00 is 08:00 UTC on Saturday, 07:00 on Sunday.
    const w = W({ allowFridays: true });
    expect(nextCallableAt(w, utc("2026-03-28T07:00:00Z"), "Europe/Amsterdam")).toEqual(utc("2026-03-28T08:00:00Z"));
    expect(nextCallableAt(w, utc("2026-03-28T20:30:00Z"), "Europe/Amsterdam")).toEqual(utc("2026-03-29T07:00:00Z"));
  });

  it("finds nothing when every day is closed", () => {
    expect(nextCallableAt(W({ ranges: [] }), utc("2026-11-21T10:00:00Z"))).toBeNull();
  });

  it("validates with error codes", () => {
    const r = callingWindowSchema.safeParse({ ranges: [{ from: "9:00", to: "25:00" }], timeZone: "Mars/Base" });
    expect(r.success).toBe(false);
    if (!r.success) expect(r.error.issues.map((i) => i.message).sort()).toEqual(["validation:time", "validation:time", "validation:timeZone"]);
    const empty = callingWindowSchema.safeParse({ ranges: [{ from: "09:00", to: "09:00" }] });
    expect(empty.success ? null : empty.error.issues[0]!.message).toBe("campaigns:errors.emptyRange");
  });
});

describe("retry rules", () => {
  const now = utc("2026-11-21T08:00:00Z"); // Saturday 11:30 Tehran
  const min = (m: number) => new Date(now.getTime() + m * 60_000);
  const rules = retryRulesSchema.parse({
    maxAttempts: 6,
    outcomes: {
      busy: { delaysMinutes: [10, 30], maxAttempts: 4 },
      noAnswer: { delaysMinutes: [60], maxAttempts: 3 },
      voicemail: { delaysMinutes: [240], maxAttempts: 2 },
      failed: { delaysMinutes: [5], maxAttempts: 1 },
      abandoned: { delaysMinutes: [0], maxAttempts: 2 },
    },
  });

  it("retries busy lines after each delay in turn, the last repeating, up to its limit", () => {
    let s: ContactAttemptState = NEW_CONTACT_STATE;
    const ats: (string | null)[] = [];
    for (let i = 0; i < 4; i++) {
      const r = nextAttempt(s, "busy", rules, now);
      s = r.state;
      ats.push(r.decision.kind === "retry" ? r.decision.at.toISOString() : r.decision.reason);
    }
    expect(ats).toEqual([min(10).toISOString(), min(30).toISOString(), min(30).toISOString(), "outcomeLimit"]);
    expect(s).toEqual({ attempts: 4, outcomes: { busy: 4 }, lastAttemptAt: now, lastAbandonedAt: null });
  });

  it("applies each outcome's own delay and limit", () => {
    expect(nextAttempt(NEW_CONTACT_STATE, "noAnswer", rules, now).decision).toEqual({ kind: "retry", at: min(60), reason: "noAnswer" });
    expect(nextAttempt(NEW_CONTACT_STATE, "voicemail", rules, now).decision).toEqual({ kind: "retry", at: min(240), reason: "voicemail" });
    expect(nextAttempt(NEW_CONTACT_STATE, "failed", rules, now).decision).toEqual({ kind: "done", reason: "outcomeLimit" });
  });

  it("stops at the contact's total attempts, whatever the outcomes", () => {
    const s: ContactAttemptState = { attempts: 5, outcomes: { busy: 3, noAnswer: 1, voicemail: 1 }, lastAttemptAt: min(-60), lastAbandonedAt: null };
    expect(nextAttempt(s, "noAnswer", rules, now).decision).toEqual({ kind: "done", reason: "maxAttempts" });
  });

  it("completes on a connected call, or calls back when the callee asked", () => {
    expect(nextAttempt(NEW_CONTACT_STATE, "connected", rules, now).decision).toEqual({ kind: "done", reason: "completed" });
    const s: ContactAttemptState = { attempts: 5, outcomes: { busy: 5 }, lastAttemptAt: min(-10), lastAbandonedAt: null };
    // The callee's request is honoured past maxAttempts.
    expect(nextAttempt(s, { outcome: "connected", callbackAt: min(120) }, rules, now).decision).toEqual({ kind: "retry", at: min(120), reason: "callbackRequested" });
  });

  it("holds a 72 h cool-down after an abandoned call, for every later attempt", () => {
    const r = nextAttempt(NEW_CONTACT_STATE, "abandoned", rules, now);
    expect(r.decision).toEqual({ kind: "retry", at: min(72 * 60), reason: "abandoned" });
    expect(coolDownUntil(r.state, rules)).toEqual(min(72 * 60));
    // A busy line an hour after the abandon (an agent's manual redial) still waits out the cool-down.
    const later = nextAttempt(r.state, "busy", rules, min(60));
    expect(later.decision).toEqual({ kind: "retry", at: min(72 * 60), reason: "busy" });
    // After it, the ordinary delay.
    expect(nextAttempt(later.state, "busy", rules, min(73 * 60)).decision).toEqual({ kind: "retry", at: min(73 * 60 + 30), reason: "busy" });
    expect(nextAttempt(r.state, "abandoned", rules, min(72 * 60)).decision).toEqual({ kind: "done", reason: "outcomeLimit" });
    expect(DEFAULT_RETRY_RULES.abandonCooldownHours).toBe(72);
  });

  it("moves a retry into the callee's window, and drops it past the campaign's end", () => {
    const evening = utc("2026-11-19T17:25:00Z"); // Thursday 20:55 Tehran
    const cal = { window: DEFAULT_WINDOW, holidays: ["2026-11-21"] };
    // +10 min is 21:05 Thursday; Friday closed, Saturday a holiday: Sunday 09:00.
    expect(nextAttempt(NEW_CONTACT_STATE, "busy", rules, evening, cal).decision).toEqual({ kind: "retry", at: utc("2026-11-22T05:30:00Z"), reason: "busy" });
    // The same retry for a callee in Amsterdam: 18:35 there is open, Thursday.
    expect(nextAttempt(NEW_CONTACT_STATE, "busy", rules, evening, { ...cal, calleeZone: "Europe/Amsterdam" }).decision).toEqual({ kind: "retry", at: utc("2026-11-19T17:35:00Z"), reason: "busy" });
    expect(nextAttempt(NEW_CONTACT_STATE, "busy", rules, evening, { ...cal, endsAt: utc("2026-11-21T00:00:00Z") }).decision).toEqual({ kind: "done", reason: "campaignEnded" });
    expect(nextAttempt(NEW_CONTACT_STATE, "busy", rules, evening, { window: W({ ranges: [] }) }).decision).toEqual({ kind: "done", reason: "noWindow" });
  });

  it("has defaults for every retryable outcome", () => {
    expect(Object.keys(DEFAULT_RETRY_RULES.outcomes).sort()).toEqual(["abandoned", "busy", "failed", "noAnswer", "voicemail"]);
    expect(DEFAULT_RETRY_RULES.maxAttempts).toBe(5);
  });
});
