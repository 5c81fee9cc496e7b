import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { LANGUAGES, NAMESPACES } from "~/modules/i18n/config";
import { ISSUE_CODES } from "~/modules/ivr/validator";

type Tree = { [k: string]: string | Tree };
const flat = (o: Tree, p = ""): [string, string][] =>
  Object.entries(o).flatMap(([k, v]) => (typeof v === "object" ? flat(v, `${p}${k}.`) : [[`${p}${k}`, v] as [string, string]]));
const load = (lang: string) => Object.fromEntries(flat(JSON.parse(fs.readFileSync(path.resolve("locales", lang, "ivr.json"), "utf8")) as Tree));
const vars = (s: string) => [...s.matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();

// The params each issue code carries, as the validator emits them.
const ISSUE_PARAMS: Record<(typeof ISSUE_CODES)[number], string[]> = {
  schema: ["field"],
  duplicateNodeId: ["id"],
  startMissing: ["id"],
  unknownTarget: ["target"],
  unreachable: [],
  deadEnd: [],
  loopWithoutInput: ["nodes"],
  menuWithoutFallback: [],
  emptyPrompt: ["field"],
  missingPrompt: ["field", "language"],
  unknownQueue: ["queueId"],
  duplicateDigit: ["digit"],
  languageNotEnabled: ["language"],
};

describe("ivr locales", () => {
  const all = Object.fromEntries(LANGUAGES.map((l) => [l, load(l)]));

  it("is a loaded namespace", () => {
    expect(NAMESPACES).toContain("ivr");
  });

  it("has exactly the same keys and placeholders in fa, en and nl", () => {
    const keys = Object.keys(all.fa!).sort();
    for (const lang of LANGUAGES) {
      expect(Object.keys(all[lang]!).sort(), lang).toEqual(keys);
      for (const key of keys) expect(vars(all[lang]![key]!), `${lang}:${key}`).toEqual(vars(all.fa![key]!));
    }
  });

  it("has one message per issue code, with that code's params as placeholders", () => {
    const issueKeys = Object.keys(all.en!).filter((k) => k.startsWith("issue."));
    expect(issueKeys.sort()).toEqual(ISSUE_CODES.map((c) => `issue.${c}`).sort());
    for (const code of ISSUE_CODES) expect(vars(all.en![`issue.${code}`]!), code).toEqual([...ISSUE_PARAMS[code]].sort());
  });

  it("has the queue messages adapters speak for announce and offerCallback actions", () => {
    for (const lang of LANGUAGES) {
      expect(vars(all[lang]!["call.position"]!)).toEqual(["position"]);
      expect(vars(all[lang]!["call.estimatedWait"]!)).toEqual(["minutes"]);
      expect(vars(all[lang]!["call.callbackOffer"]!)).toEqual(["digit"]);
    }
  });
});
