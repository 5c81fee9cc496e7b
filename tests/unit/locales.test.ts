import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGES, NAMESPACES } from "~/modules/i18n/config";

type Tree = { [k: string]: string | Tree };
const flat = (o: Tree, p = ""): [string, string][] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? flat(v, `${p}${k}.`) : [[`${p}${k}`, v] as [string, string]]));

function load(lang: string) {
  const dir = path.resolve("locales", lang);
  return Object.fromEntries(
    fs
      .readdirSync(dir)
      .filter((f) => f.endsWith(".json"))
      .map((f) => [f.replace(/\.json$/, ""), Object.fromEntries(flat(JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as Tree))]),
  ) as Record<string, Record<string, string>>;
}

describe("locales", () => {
  const all = Object.fromEntries(LANGUAGES.map((l) => [l, load(l)]));

  it("has every namespace the app loads, in every language", () => {
    for (const lang of LANGUAGES) expect(Object.keys(all[lang]!).sort()).toEqual([...NAMESPACES].sort());
  });

  it("has the same keys in fa, en and nl", () => {
    for (const ns of NAMESPACES) {
      const fa = Object.keys(all.fa![ns]!).sort();
      expect(Object.keys(all.en![ns]!).sort(), `en/${ns}`).toEqual(fa);
      expect(Object.keys(all.nl![ns]!).sort(), `nl/${ns}`).toEqual(fa);
    }
  });

  it("has no empty strings and the same {{placeholders}} in every language", () => {
    const vars = (s: string) => [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
    for (const ns of NAMESPACES) {
      for (const [key, fa] of Object.entries(all.fa![ns]!)) {
        for (const lang of LANGUAGES) {
          const text = all[lang]![ns]![key]!;
          expect(text.trim(), `${lang}/${ns}:${key}`).not.toBe("");
          expect(vars(text), `${lang}/${ns}:${key}`).toEqual(vars(fa));
        }
      }
    }
  });

  it("writes Persian in Persian script", () => {
    const latinOnly = Object.entries(all.fa!).flatMap(([ns, keys]) =>
      Object.entries(keys)
        .filter(([, v]) => /[A-Za-z]{4,}/.test(v) && !/[\u0600-\u06FF]/.test(v))
        .map(([k]) => `${ns}:${k}`),
    );
    expect(latinOnly).toEqual([]);
  });
});
