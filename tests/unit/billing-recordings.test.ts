import { describe, expect, it } from "vitest";
import { dayStart } from "~/modules/billing/days";
import type { InteractionEvent } from "~/modules/billing/metering";
import { estimatedRecordingBytes, meterRecordingStorage, recordingStorageKey, recordingsOf, type Recording } from "~/modules/billing/recordings";
import { instantOfLocal } from "~/modules/ivr/calendar";

const TENANT = "7f1c2a9e-3b4d-4e5f-8a6b-1c2d3e4f5a6b";
const CALL = "c0ffee00-0000-4000-8000-000000000001";
const TEHRAN = "Asia/Tehran";

const local = (day: string, hhmm: string, zone = TEHRAN) => {
  const [h, m] = hhmm.split(":").map(Number) as [number, number];
  return instantOfLocal(day, h * 60 + m, zone);
};
const ev = (seq: number, type: string, at: Date, data: Record<string, unknown> = {}): InteractionEvent => ({ seq, type, at, data });
/** The ivr.step calls.server.ts appends for a voicemail's recordingFinished input. */
const voicemailStep = (seq: number, at: Date, url: string, seconds: number) =>
  ev(seq, "ivr.step", at, { input: { type: "recordingFinished", url, seconds }, actions: [{ type: "createCallbackTask", reason: "voicemail" }], ivrStatus: "running" });

describe("recordingsOf", () => {
  it("finds voicemails in ivr.step inputs and recorded calls, by url once, with the provider's size or the WAV estimate", () => {
    const at = local("2026-03-10", "10:00");
    const recordings = recordingsOf([
      ev(1, "call.started", at),
      ev(2, "ivr.step", at, { input: { type: "digits", digits: "1" }, ivrStatus: "running" }),
      voicemailStep(3, at, "https://api.twilio.example/Recordings/RE1", 60),
      // The simulator records nothing: no url, 0 s.
      voicemailStep(4, at, "", 0),
      // The same file reported again (a status callback) is the same storage.
      ev(5, "recording.finished", at, { recordingId: "RE1", url: "https://api.twilio.example/Recordings/RE1", seconds: 60 }),
      ev(6, "recording.finished", at, { recordingId: "RE2", url: "https://api.twilio.example/Recordings/RE2", seconds: 300, sizeBytes: 2_500_000 }),
    ]);
    expect(recordings).toEqual([
      { seq: 3, at, url: "https://api.twilio.example/Recordings/RE1", seconds: 60, bytes: 960_044, size: "estimate" },
      { seq: 6, at, url: "https://api.twilio.example/Recordings/RE2", seconds: 300, bytes: 2_500_000, size: "provider" },
    ]);
    // 8 kHz x 16 bit x mono = 16,000 bytes a second, plus the 44-byte header.
    expect(estimatedRecordingBytes(1)).toBe(16_044);
    expect(estimatedRecordingBytes(2.5)).toBe(40_044);
  });
});

describe("meterRecordingStorage", () => {
  const voicemail: Recording = { seq: 3, at: local("2026-03-10", "23:50"), url: "u1", seconds: 60, bytes: 960_044, size: "estimate" };
  const long: Recording = { seq: 6, at: local("2026-03-11", "09:00"), url: "u2", seconds: 300, bytes: 2_500_000, size: "provider" };
  const base = { tenantId: TENANT, interactionId: CALL, timeZone: TEHRAN, retentionDays: 3, from: null };

  it("bills each ended day a recording is kept, the day it was made included, stopping after the retention", () => {
    const r = meterRecordingStorage({ ...base, recordings: [voicemail, long], now: local("2026-03-20", "09:00") });
    expect(r.records.map((x) => [x.seq, x.day, x.quantity, x.rawQuantity])).toEqual([
      // 0.96 MB rounds up to 1 MB-day a day; 2.5 MB to 3.
      [3, "2026-03-10", 1, 960_044],
      [3, "2026-03-11", 1, 960_044],
      [3, "2026-03-12", 1, 960_044],
      [6, "2026-03-11", 3, 2_500_000],
      [6, "2026-03-12", 3, 2_500_000],
      [6, "2026-03-13", 3, 2_500_000],
    ]);
    expect(r.records[0]).toEqual({
      tenantId: TENANT,
      interactionId: CALL,
      kind: "recording_gb_days",
      seq: 3,
      day: "2026-03-10",
      quantity: 1,
      rawQuantity: 960_044,
      idempotencyKey: `${TENANT}:${CALL}:rec:3:2026-03-10`,
      occurredAt: new Date("2026-03-09T20:30:00.000Z"),
    });
    // Every day of every recording is past: nothing is due any more.
    expect(r.nextDueAt).toBeNull();
  });

  it("extends a recording day by day from the watermark, and only for days that ended", () => {
    const day1 = meterRecordingStorage({ ...base, recordings: [voicemail], now: local("2026-03-10", "23:59") });
    expect(day1.records).toEqual([]);
    expect(day1.nextDueAt).toEqual(dayStart("2026-03-11", TEHRAN));
    const day2 = meterRecordingStorage({ ...base, recordings: [voicemail], from: day1.meteredUntil, now: local("2026-03-12", "10:00") });
    expect(day2.records.map((x) => x.day)).toEqual(["2026-03-10", "2026-03-11"]);
    expect(day2.meteredUntil).toEqual(dayStart("2026-03-12", TEHRAN));
    expect(day2.nextDueAt).toEqual(dayStart("2026-03-13", TEHRAN));
    const day3 = meterRecordingStorage({ ...base, recordings: [voicemail], from: day2.meteredUntil, now: local("2026-03-13", "00:05") });
    expect(day3.records.map((x) => x.day)).toEqual(["2026-03-12"]);
    expect(day3.nextDueAt).toBeNull();
    // Past the retention nothing more, whatever the watermark.
    expect(meterRecordingStorage({ ...base, recordings: [voicemail], from: day3.meteredUntil, now: local("2026-04-01", "00:05") }).records).toEqual([]);
  });

  it("uses the tenant's local days in a DST zone too", () => {
    const zone = "Europe/Amsterdam";
    const rec: Recording = { ...voicemail, at: local("2026-03-28", "12:00", zone) };
    const r = meterRecordingStorage({ ...base, timeZone: zone, recordings: [rec], now: local("2026-04-05", "12:00", zone) });
    expect(r.records.map((x) => [x.day, x.occurredAt.toISOString()])).toEqual([
      ["2026-03-28", "2026-03-27T23:00:00.000Z"],
      ["2026-03-29", "2026-03-28T23:00:00.000Z"],
      ["2026-03-30", "2026-03-29T22:00:00.000Z"],
    ]);
  });

  it("keeps its keys within Stripe's 100 characters for any event seq a Postgres integer holds", () => {
    expect(recordingStorageKey(TENANT, CALL, 2_147_483_647, "2026-03-10")).toHaveLength(99);
    expect(recordingStorageKey(TENANT, CALL, 3, "2026-03-10")).toBe(`${TENANT}:${CALL}:rec:3:2026-03-10`);
  });
});
