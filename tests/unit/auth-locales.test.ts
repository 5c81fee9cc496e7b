import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

/** Every key of the auth, mail and validation namespaces exists in all three languages. */
function keys(obj: unknown, prefix = ""): string[] {
  if (obj && typeof obj === "object") return Object.entries(obj).flatMap(([k, v]) => keys(v, prefix ? `${prefix}.${k}` : k));
  return [prefix];
}
const read = (lang: string, ns: string) => JSON.parse(fs.readFileSync(path.resolve("locales", lang, `${ns}.json`), "utf8"));

describe.each(["auth", "mail", "validation"])("locales/%s.json", (ns) => {
  it("has the same keys in fa, en and nl, none empty", () => {
    const fa = keys(read("fa", ns)).sort();
    expect(fa.length).toBeGreaterThan(0);
    expect(keys(read("en", ns)).sort()).toEqual(fa);
    expect(keys(read("nl", ns)).sort()).toEqual(fa);
    for (const lang of ["fa", "en", "nl"]) {
      const flat = JSON.stringify(read(lang, ns));
      expect(flat).not.toMatch(/:""/);
    }
  });

  it("uses the same interpolation variables in every language", () => {
    const vars = (lang: string) =>
      keys(read(lang, ns)).map((k) => {
        const value = k.split(".").reduce<unknown>((o, p) => (o as Record<string, unknown>)[p], read(lang, ns)) as string;
        return `${k}:${[...value.matchAll(/{{(\w+)}}/g)].map((m) => m[1]).sort().join(",")}`;
      });
    expect(vars("en").sort()).toEqual(vars("fa").sort());
    expect(vars("nl").sort()).toEqual(vars("fa").sort());
  });
});
