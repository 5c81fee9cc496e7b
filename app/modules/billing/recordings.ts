import { addDays, dayEnd, dayStart, localDay } from "./days";
import type { InteractionEvent } from "./metering";

/**
 * Recording storage: each call recording is kept for the tenant's retention (tenants.
 * recording_retention_days) and billed per local day it is kept, in MB-days (USAGE_KIND_UNITS:
 * decimal megabytes; priced per GB-day of 1,000 of them). Derived from the interaction's events,
 * never typed in. Pure.
 *
 * Where a recording is found in the events:
 * - a voicemail: the "ivr.step" whose input is the provider's recordingFinished {url, seconds}
 *   (interactions/calls.server.ts stores the step's input as it came; a recording without a url or
 *   of 0 s, like the simulator's, is no recording);
 * - a recorded call: a "recording.finished" event {recordingId, url, seconds, sizeBytes?}, the
 *   interaction record of TelephonyEventSink.recordingFinished (no adapter appends it yet).
 * The same url twice is one stored file, billed once (the earliest event names it).
 *
 * Size: the provider's reported size when the event carries one (sizeBytes, or bytes), else an
 * estimate of what providers store by default: WAV, 8 kHz, 16-bit, mono (Twilio's stored format),
 * 16,000 bytes a second plus the 44-byte RIFF header. A day's quantity is the size rounded up to a
 * whole MB (10^6 bytes), so every recording kept costs at least 1 MB-day a day.
 *
 * Days kept: the local day the recording finished (in full: it was stored that day) and the days
 * after it, retention days in all; each is billed once it has ended. Keys are
 * `${tenantId}:${interactionId}:rec:${seq}:${yyyy-mm-dd}`: "rec" stands in for the kind's name, since
 * `recording_gb_days` would make the key 103+ characters and Stripe takes meter event identifiers of
 * at most 100; with two UUIDs, a seq of at most 10 digits (Postgres integer) and the day it is at
 * most 99.
 */

export const WAV_BYTES_PER_SECOND = 16_000;
export const WAV_HEADER_BYTES = 44;
export const BYTES_PER_MB = 1_000_000;
export const MAX_IDEMPOTENCY_KEY_LENGTH = 100;

export interface Recording {
  /** The event that reports it: names the record with the day. */
  seq: number;
  /** When it finished (was stored). */
  at: Date;
  url: string;
  seconds: number;
  bytes: number;
  size: "provider" | "estimate";
}

const obj = (v: unknown): Record<string, unknown> | null => (v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : null);
const count = (v: unknown): number | null => (typeof v === "number" && Number.isFinite(v) && v >= 0 ? v : null);

export function estimatedRecordingBytes(seconds: number): number {
  return WAV_HEADER_BYTES + Math.ceil(seconds * WAV_BYTES_PER_SECOND);
}

/** The recordings an interaction's events report, in event order. */
export function recordingsOf(events: readonly InteractionEvent[]): Recording[] {
  const found = new Map<string, Recording>();
  for (const e of [...events].sort((a, b) => a.seq - b.seq)) {
    let data: Record<string, unknown> | null = null;
    if (e.type === "ivr.step") {
      const input = obj(e.data.input);
      if (input?.type === "recordingFinished") data = input;
    } else if (e.type === "recording.finished") {
      data = e.data;
    }
    if (!data) continue;
    const url = typeof data.url === "string" ? data.url : "";
    const seconds = count(data.seconds) ?? 0;
    if (url === "" || seconds <= 0 || found.has(url)) continue;
    const reported = count(data.sizeBytes) ?? count(data.bytes);
    const bytes = reported !== null && reported > 0 ? Math.ceil(reported) : estimatedRecordingBytes(seconds);
    found.set(url, { seq: e.seq, at: e.at, url, seconds, bytes, size: reported !== null && reported > 0 ? "provider" : "estimate" });
  }
  return [...found.values()];
}

export function recordingStorageKey(tenantId: string, interactionId: string, seq: number, day: string): string {
  const key = `${tenantId}:${interactionId}:rec:${seq}:${day}`;
  if (key.length > MAX_IDEMPOTENCY_KEY_LENGTH) throw new RangeError(`recording usage key too long: ${key}`);
  return key;
}

export interface RecordingMeterInput {
  tenantId: string;
  interactionId: string;
  timeZone: string;
  retentionDays: number;
  recordings: readonly Recording[];
  /** The watermark: days before the one containing it are metered (null: none yet). */
  from: Date | null;
  now: Date;
}

export interface RecordingUsageRecord {
  tenantId: string;
  interactionId: string;
  kind: "recording_gb_days";
  seq: number;
  day: string;
  /** MB-days: the recording's size rounded up to whole MB. */
  quantity: number;
  /** The exact bytes kept that day. */
  rawQuantity: number;
  idempotencyKey: string;
  /** The local day's start. */
  occurredAt: Date;
}

export interface RecordingMeterResult {
  records: RecordingUsageRecord[];
  /** The new watermark: the end of yesterday (local). */
  meteredUntil: Date;
  /** When a day next ends that some recording is still kept on (the end of today), null when all are done. */
  nextDueAt: Date | null;
}

export function meterRecordingStorage(input: RecordingMeterInput): RecordingMeterResult {
  const { tenantId, interactionId, timeZone, now } = input;
  const retention = Math.max(1, Math.floor(input.retentionDays));
  const today = localDay(now, timeZone);
  const resume = input.from === null ? null : localDay(input.from, timeZone);
  const records: RecordingUsageRecord[] = [];
  let keptAfterToday = false;
  for (const r of input.recordings) {
    const first = localDay(r.at, timeZone);
    const last = addDays(first, retention - 1);
    if (last >= today) keptAfterToday = true;
    const mb = Math.ceil(r.bytes / BYTES_PER_MB);
    // Days are named yyyy-mm-dd, so they compare as strings.
    for (let day = resume !== null && resume > first ? resume : first; day <= last && day < today; day = addDays(day, 1)) {
      records.push({
        tenantId,
        interactionId,
        kind: "recording_gb_days",
        seq: r.seq,
        day,
        quantity: mb,
        rawQuantity: r.bytes,
        idempotencyKey: recordingStorageKey(tenantId, interactionId, r.seq, day),
        occurredAt: dayStart(day, timeZone),
      });
    }
  }
  return { records, meteredUntil: dayStart(today, timeZone), nextDueAt: keptAfterToday ? dayEnd(today, timeZone) : null };
}
