import { describe, expect, it } from "vitest";
import { isRepeatContact, normalizePhone } from "~/modules/customers/repeat";

const at = new Date("2026-11-22T10:00:00Z");
const daysAgo = (d: number) => new Date(at.getTime() - d * 86_400_000);

describe("repeat contact", () => {
  it("flags a contact within seven days before this one", () => {
    expect(isRepeatContact([daysAgo(6.9)], at)).toBe(true);
    expect(isRepeatContact([daysAgo(7)], at)).toBe(true);
    expect(isRepeatContact([daysAgo(7.01)], at)).toBe(false);
    expect(isRepeatContact([], at)).toBe(false);
  });

  it("ignores later contacts (history viewed after the fact)", () => {
    expect(isRepeatContact([new Date(at.getTime() + 60_000)], at)).toBe(false);
  });
});

describe("phone normalisation", () => {
  it("drops spacing and reads Persian digits", () => {
    expect(normalizePhone("+98 912 123-4567")).toBe("+989121234567");
    expect(normalizePhone("۰۹۱۲۱۲۳۴۵۶۷")).toBe("09121234567");
    expect(normalizePhone("anonymous")).toBeNull();
    expect(normalizePhone("")).toBeNull();
  });
});
