import { describe, expect, it } from "vitest";
import { buildDncIndex, checkDnc, dncEntryForNumber, normalizeDncPrefix, type DncEntryInput } from "~/modules/campaigns/dnc";

const now = new Date("2026-11-21T08:00:00Z");

const entries: DncEntryInput[] = [
  { id: "b1", tenantId: null, kind: "number", value: "۰۹۱۲ ۱۲۳ ۴۵۶۷" }, // bureau-wide, written in Persian digits
  { id: "t1", tenantId: "acme", kind: "number", value: "+98 21 8877 6655" },
  { id: "t2", tenantId: "other", kind: "number", value: "09351112233" },
  { id: "p1", tenantId: "acme", kind: "prefix", value: "0912555" },
  { id: "p2", tenantId: null, kind: "prefix", value: "+44 20" },
  { id: "r1", tenantId: "acme", kind: "range", value: "02144000000", to: "02144000099" },
  { id: "x1", tenantId: "acme", kind: "number", value: "09131112233", expiresAt: new Date("2026-11-21T09:00:00Z") },
  { id: "d1", tenantId: null, kind: "number", value: "+989121234567" }, // the same number on two entries
];

const { index, errors } = buildDncIndex(entries);
const check = (n: string, tenant = "acme", at = now) => checkDnc(index, n, tenant, at);

describe("do-not-call", () => {
  it("blocks a bureau-wide number for every tenant, whatever its writing", () => {
    expect(check("+989121234567")).toEqual({
      status: "blocked",
      e164: "+989121234567",
      matches: [
        { id: "b1", list: "bureau", kind: "number" },
        { id: "d1", list: "bureau", kind: "number" },
      ],
    });
    expect(check("9121234567", "other").status).toBe("blocked");
  });

  it("applies a tenant's list to that tenant only", () => {
    expect(check("02188776655")).toMatchObject({ status: "blocked", matches: [{ id: "t1", list: "tenant" }] });
    expect(check("02188776655", "other")).toEqual({ status: "clear", e164: "+982188776655" });
    expect(check("09351112233").status).toBe("clear");
    expect(check("09351112233", "other").status).toBe("blocked");
  });

  it("matches prefixes", () => {
    expect(check("0912 555 0001")).toMatchObject({ status: "blocked", matches: [{ id: "p1", kind: "prefix" }] });
    expect(check("0912 556 0001").status).toBe("clear");
    expect(check("+44 20 7946 0958", "anyone")).toMatchObject({ status: "blocked", matches: [{ id: "p2", list: "bureau" }] });
  });

  it("matches inclusive ranges of equal length", () => {
    expect(check("021 4400 0000").status).toBe("blocked");
    expect(check("021 4400 0099").status).toBe("blocked");
    expect(check("021 4400 0100").status).toBe("clear");
    expect(check("021 4399 9999").status).toBe("clear");
  });

  it("lets a temporary entry lapse at its expiry", () => {
    expect(check("09131112233").status).toBe("blocked");
    expect(check("09131112233", "acme", new Date("2026-11-21T09:00:00Z")).status).toBe("clear");
  });

  it("refuses to clear a number that is no number", () => {
    expect(check("12ab")).toEqual({ status: "invalidNumber", error: "invalidCharacters" });
  });

  it("reports the entries it cannot read, and indexes the rest", () => {
    const bad = buildDncIndex([
      { id: "e1", tenantId: null, kind: "number", value: "0912" },
      { id: "e2", tenantId: null, kind: "prefix", value: "+98" },
      { id: "e3", tenantId: null, kind: "prefix", value: "912" },
      { id: "e4", tenantId: null, kind: "range", value: "09121234567" },
      { id: "e5", tenantId: null, kind: "range", value: "09121234567", to: "+31612345678" },
      { id: "e6", tenantId: null, kind: "range", value: "09121234599", to: "09121234500" },
      { id: "ok", tenantId: null, kind: "number", value: "09121234567" },
    ]);
    expect(bad.errors).toEqual([
      { id: "e1", code: "invalidNumber", phoneError: "tooShort" },
      { id: "e2", code: "prefixTooShort" },
      { id: "e3", code: "invalidPrefix" },
      { id: "e4", code: "rangeMissingEnd" },
      { id: "e5", code: "rangeLengthMismatch" },
      { id: "e6", code: "rangeReversed" },
    ]);
    expect(bad.index.size).toBe(1);
    expect(errors).toEqual([]);
    expect(index.size).toBe(entries.length);
  });

  it("normalizes prefixes from international and national writing", () => {
    expect(normalizeDncPrefix("۰۹۱۲")).toEqual({ ok: true, prefix: "+98912" });
    expect(normalizeDncPrefix("0098 912")).toEqual({ ok: true, prefix: "+98912" });
    expect(normalizeDncPrefix("+1 800")).toEqual({ ok: true, prefix: "+1800" });
    expect(normalizeDncPrefix("+0")).toEqual({ ok: false, error: "invalidPrefix" });
  });

  it("makes the entry a disposition adds", () => {
    const e = dncEntryForNumber("n1", "acme", "+989121112233");
    expect(checkDnc(buildDncIndex([e]).index, "09121112233", "acme", now).status).toBe("blocked");
  });

  it("checks quickly against a large list", () => {
    const big = buildDncIndex(Array.from({ length: 20_000 }, (_, i) => ({ id: `n${i}`, tenantId: null, kind: "number" as const, value: `+98912${String(i).padStart(7, "0")}` })));
    const t = performance.now();
    for (let i = 0; i < 10_000; i++) checkDnc(big.index, `0913${String(i).padStart(7, "0")}`, "acme", now);
    expect(performance.now() - t).toBeLessThan(2000);
    expect(checkDnc(big.index, "09120019999", "acme", now).status).toBe("blocked");
  });
});
