import { describe, expect, it } from "vitest";
import { IR_AREA_CODES, foldPhoneDigits, isIranian, normalizePhone, toE164, type PhoneError } from "~/modules/campaigns/phone";

// [as written, E.164 or the error]
const TABLE: [string | number, string | PhoneError][] = [
  // Iranian mobiles in every way they are written
  ["09121234567", "+989121234567"],
  ["9121234567", "+989121234567"], // Excel dropped the 0
  ["00989121234567", "+989121234567"],
  ["+989121234567", "+989121234567"],
  ["989121234567", "+989121234567"],
  ["0912 123 4567", "+989121234567"],
  ["0912-123-4567", "+989121234567"],
  ["(0912) 123 45 67", "+989121234567"],
  ["+98 912 123 4567", "+989121234567"],
  ["0098 912 123 4567", "+989121234567"],
  ["+98 (0)912 123 4567", "+989121234567"], // the trunk 0 kept after the country code
  ["۰۹۱۲۱۲۳۴۵۶۷", "+989121234567"], // Persian digits
  ["۰۹۱۲ ۱۲۳ ۴۵۶۷", "+989121234567"],
  ["+۹۸۹۱۲۱۲۳۴۵۶۷", "+989121234567"],
  ["٠٩١٢١٢٣٤٥٦٧", "+989121234567"], // Arabic-Indic digits
  ["۰۹۱۲-٣٤٥-۶۷۸۹", "+989123456789"], // both, mixed
  ["\u200e+98 912 123 4567\u200f", "+989121234567"], // bidi marks from an RTL editor
  ["0919\u200c1234567", "+989191234567"], // a zero-width non-joiner
  ["０９１２１２３４５６７", "+989121234567"], // full-width digits
  ["09351234567", "+989351234567"],
  ["09901234567", "+989901234567"],
  [9121234567, "+989121234567"], // a numeric spreadsheet cell
  // Iranian landlines: 0 + area code + 8 digits
  ["02188776655", "+982188776655"],
  ["021 8877 6655", "+982188776655"],
  ["(021) 8877-6655", "+982188776655"],
  ["2188776655", "+982188776655"],
  ["+98 21 8877 6655", "+982188776655"],
  ["+98 (0)21 8877 6655", "+982188776655"],
  ["00982188776655", "+982188776655"],
  ["۰۲۱-۸۸۷۷۶۶۵۵", "+982188776655"],
  ["051 3876 5432", "+985138765432"], // Mashhad
  ["071-3612-3456", "+987136123456"], // Shiraz
  ["01112345678", "+981112345678"], // Mazandaran
  // Foreign numbers in international form
  ["+31 6 12345678", "+31612345678"],
  ["0031612345678", "+31612345678"],
  ["+44 20 7946 0958", "+442079460958"],
  ["+1 415 555 2671", "+14155552671"],
  ["+971 50 123 4567", "+971501234567"],
  // Errors
  ["", "empty"],
  ["   ", "empty"],
  ["+", "empty"],
  ["anonymous", "invalidCharacters"],
  ["0912 123 4567 ext 2", "invalidCharacters"],
  ["09-12+1234567", "invalidCharacters"], // a + only in front
  ["9.12123E+09", "invalidCharacters"], // Excel's exponent form
  ["0912123456", "tooShort"],
  ["021 887 766", "tooShort"],
  ["88776655", "tooShort"], // a local number, no area code given
  ["091212345678", "tooLong"],
  ["+98 912 123 45", "tooShort"],
  ["02012345678", "unknownArea"], // 020 is no province
  ["01212345678", "unknownArea"],
  ["08012345678", "unknownArea"],
  ["09411234567", "invalid"], // 0941 is no mobile range
  ["+999 123 456 789", "unknownCountry"],
  ["+9", "tooShort"],
  ["+1 415 555", "tooShort"],
  ["+1 415 555 2671 999", "tooLong"],
];

describe("phone normalization", () => {
  it.each(TABLE)("%j -> %s", (input, expected) => {
    const r = normalizePhone(input);
    if (expected.startsWith("+")) expect(r).toMatchObject({ ok: true, e164: expected });
    else expect(r).toEqual({ ok: false, error: expected });
  });

  it("has a table of at least 30 cases", () => {
    expect(TABLE.length).toBeGreaterThanOrEqual(30);
  });

  it("tells mobile from landline and names the area", () => {
    expect(normalizePhone("09121234567")).toEqual({ ok: true, e164: "+989121234567", country: "IR", kind: "mobile" });
    expect(normalizePhone("02188776655")).toEqual({ ok: true, e164: "+982188776655", country: "IR", kind: "landline", areaCode: "21" });
    expect(normalizePhone("+31612345678")).toMatchObject({ country: "NL", kind: "mobile" });
  });

  it("completes a local number with a default area code", () => {
    expect(normalizePhone("8877 6655", { defaultAreaCode: "21" })).toMatchObject({ ok: true, e164: "+982188776655", areaCode: "21" });
    expect(normalizePhone("8877 6655", { defaultAreaCode: "20" })).toEqual({ ok: false, error: "unknownArea" });
  });

  it("refuses foreign numbers when asked to, telling them from typos", () => {
    expect(normalizePhone("+31612345678", { allowForeign: false })).toEqual({ ok: false, error: "foreignNotAllowed" });
    expect(normalizePhone("+999123456789", { allowForeign: false })).toEqual({ ok: false, error: "unknownCountry" });
    expect(normalizePhone("09121234567", { allowForeign: false })).toMatchObject({ ok: true });
  });

  it("knows the 31 provinces' area codes", () => {
    expect(Object.keys(IR_AREA_CODES)).toHaveLength(31);
    for (const code of Object.keys(IR_AREA_CODES)) expect(toE164(`0${code}33445566`)).toBe(`+98${code}33445566`);
  });

  it("folds digits and separators, and rejects anything else", () => {
    expect(foldPhoneDigits("۱۲۳-٤٥٦ (789)")).toBe("123456789");
    expect(foldPhoneDigits("12a")).toBeNull();
    expect(toE164(null)).toBeNull();
    expect(toE164(-912)).toBeNull();
    expect(isIranian("+989121234567")).toBe(true);
    expect(isIranian("+31612345678")).toBe(false);
  });
});
