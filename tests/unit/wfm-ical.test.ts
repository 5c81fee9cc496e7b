import { describe, expect, it } from "vitest";
import { redactPath } from "~/modules/platform/redact-path";
import { buildIcal, escapeText, foldLine, formatUtc } from "~/modules/wfm/ical";

describe("iCal", () => {
  it("escapes text and formats UTC times", () => {
    expect(escapeText("a,b;c\\d\ne")).toBe("a\\,b\\;c\\\\d\\ne");
    expect(formatUtc(new Date("2030-03-02T03:30:00.000Z"))).toBe("20300302T033000Z");
  });

  it("folds long lines at 75 octets without splitting a multi-byte character", () => {
    const line = `SUMMARY:${"شیفت صبح ".repeat(12)}`;
    const folded = foldLine(line);
    const parts = folded.split("\r\n");
    expect(parts.length).toBeGreaterThan(1);
    for (const [i, p] of parts.entries()) {
      expect(Buffer.byteLength(p, "utf8")).toBeLessThanOrEqual(75);
      if (i > 0) expect(p.startsWith(" ")).toBe(true);
    }
    expect(parts.map((p, i) => (i === 0 ? p : p.slice(1))).join("")).toBe(line);
    expect(foldLine("SHORT:x")).toBe("SHORT:x");
  });

  it("builds a calendar with one event per shift, CRLF line ends, a UID each", () => {
    const text = buildIcal({
      prodId: "-//Hamkal//WFM//EN",
      name: "Sara: shifts",
      now: new Date("2030-03-01T00:00:00Z"),
      events: [
        { uid: "s1@hamkal-wfm", start: new Date("2030-03-02T03:30:00Z"), end: new Date("2030-03-02T11:30:00Z"), summary: "Shift Morning, 07-15", description: "Breaks: meal 11:00-11:30", sequence: 2 },
        { uid: "s2@hamkal-wfm", start: new Date("2030-03-03T03:30:00Z"), end: new Date("2030-03-03T11:30:00Z"), summary: "Shift" },
      ],
    });
    expect(text.startsWith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")).toBe(true);
    expect(text.endsWith("END:VCALENDAR\r\n")).toBe(true);
    expect(text.split("\r\n").filter((l) => l === "BEGIN:VEVENT")).toHaveLength(2);
    expect(text).toContain("UID:s1@hamkal-wfm\r\n");
    expect(text).toContain("DTSTART:20300302T033000Z\r\n");
    expect(text).toContain("SUMMARY:Shift Morning\\, 07-15\r\n");
    expect(text).toContain("SEQUENCE:2\r\n");
    expect(text.replace(/\r\n/g, "")).not.toContain("\n");
  });

  it("keeps the feed token (a credential) out of request logs and metric labels", () => {
    expect(redactPath("/wfm/ical/0b6c1a4e-8f1e-4c7a-9d8e-1234567890ab.AbCdEfGhIjKlMnOpQrStUvWxYz012345.ics")).toBe("/wfm/ical/:token");
  });
});
