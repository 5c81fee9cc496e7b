/**
 * An agent's published shifts as an iCalendar (RFC 5545) feed, pure. Times are UTC ("Z" form), so
 * no VTIMEZONE is needed and every calendar shows them in its own zone; each shift has a stable UID
 * (its id), so a re-published roster updates events instead of duplicating them, and SEQUENCE grows
 * with the roster's version. Text is escaped (\\ ; , and newlines) and lines folded at 75 octets
 * without splitting a UTF-8 character (Persian summaries are multi-byte).
 */

export interface IcalEvent {
  uid: string;
  start: Date;
  end: Date;
  summary: string;
  description?: string;
  location?: string;
  /** Grows when the event changes (the roster's version). */
  sequence?: number;
  lastModified?: Date;
  /** e.g. a cancelled shift kept in the feed so calendars remove it. */
  cancelled?: boolean;
}

export interface IcalCalendar {
  /** Product id, e.g. "-//Hamkal//WFM//EN". */
  prodId: string;
  name: string;
  events: readonly IcalEvent[];
  /** DTSTAMP of every event: when the feed was made. */
  now: Date;
}

export function escapeText(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r\n|\r|\n/g, "\\n");
}

export function formatUtc(d: Date): string {
  return d.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

const encoder = new TextEncoder();

/** Folds a content line to 75 octets per physical line (continuations start with a space). */
export function foldLine(line: string): string {
  if (encoder.encode(line).length <= 75) return line;
  const parts: string[] = [];
  let current = "";
  let size = 0;
  for (const ch of line) {
    const n = encoder.encode(ch).length;
    // The first line holds 75 octets, continuations 74 after their leading space.
    const limit = parts.length === 0 ? 75 : 74;
    if (size + n > limit) {
      parts.push(current);
      current = "";
      size = 0;
    }
    current += ch;
    size += n;
  }
  parts.push(current);
  return parts.join("\r\n ");
}

export function buildIcal(cal: IcalCalendar): string {
  const lines: string[] = ["BEGIN:VCALENDAR", "VERSION:2.0", `PRODID:${escapeText(cal.prodId)}`, "CALSCALE:GREGORIAN", "METHOD:PUBLISH", `X-WR-CALNAME:${escapeText(cal.name)}`];
  const stamp = formatUtc(cal.now);
  for (const e of cal.events) {
    lines.push(
      "BEGIN:VEVENT",
      `UID:${escapeText(e.uid)}`,
      `DTSTAMP:${stamp}`,
      `DTSTART:${formatUtc(e.start)}`,
      `DTEND:${formatUtc(e.end)}`,
      `SUMMARY:${escapeText(e.summary)}`,
    );
    if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
    if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
    if (e.sequence !== undefined) lines.push(`SEQUENCE:${e.sequence}`);
    if (e.lastModified) lines.push(`LAST-MODIFIED:${formatUtc(e.lastModified)}`);
    lines.push(`STATUS:${e.cancelled ? "CANCELLED" : "CONFIRMED"}`, "TRANSP:OPAQUE", "END:VEVENT");
  }
  lines.push("END:VCALENDAR");
  return lines.map(foldLine).join("\r\n") + "\r\n";
}
