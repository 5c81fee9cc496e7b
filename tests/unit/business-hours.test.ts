import { describe, expect, it } from "vitest";
import { businessHoursSchema } from "~/modules/tenancy/schemas";

describe("business hours schema", () => {
  it("accepts a 24-hour day closing at 24:00 and Persian digits", () => {
    const r = businessHoursSchema.safeParse({
      ranges: [
        { weekday: "6", opens: "00:00", closes: "24:00" },
        { weekday: "0", opens: "۸:۳۰", closes: "۱۷:۰۰" },
      ],
    });
    expect(r.success).toBe(true);
    expect(r.data?.ranges[1]).toEqual({ weekday: 0, opens: "08:30", closes: "17:00" });
  });

  it("refuses 24:00 as an opening time and a closing before the opening", () => {
    const r = businessHoursSchema.safeParse({
      ranges: [
        { weekday: "1", opens: "24:00", closes: "24:00" },
        { weekday: "2", opens: "17:00", closes: "09:00" },
      ],
    });
    expect(r.success).toBe(false);
    const paths = r.error!.issues.map((i) => `${i.path.join(".")}:${i.message}`);
    expect(paths).toContain("ranges.0.opens:validation:time");
    expect(paths).toContain("ranges.1.closes:validation:closesAfterOpens");
  });
});
