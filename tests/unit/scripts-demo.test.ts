import { describe, expect, it } from "vitest";
import { DEMO_SCRIPTS } from "../../db/demo-scripts";
import { diffScripts, isEmptyScriptDiff } from "~/modules/scripts/diff";
import { CLOSING, scriptDefinitionSchema, type ScriptDefinition } from "~/modules/scripts/model";
import { runScript, type Answer } from "~/modules/scripts/runner";
import { validateScript } from "~/modules/scripts/validator";

/** Walks the script taking the first answer everywhere (a valid one for each kind) until the closing. */
function walk(def: ScriptDefinition): string[] {
  const answers: Answer[] = [];
  for (let i = 0; i < 50; i++) {
    const run = runScript(def, answers);
    if (!run.current) return run.path.map((p) => p.step.id);
    const q = run.current.question;
    const value = !q ? "" : q.kind === "yesNo" ? "yes" : q.kind === "choice" ? q.options[0]!.value : q.kind === "number" ? String(q.min ?? 1) : "note";
    answers.push({ stepId: run.current.id, value });
  }
  throw new Error("no closing reached");
}

describe("the demo tenants' agent scripts", () => {
  it("cover the demo queues of each tenant once", () => {
    expect(DEMO_SCRIPTS.map((s) => `${s.tenant}/${s.queue}`).sort()).toEqual([
      "appestan/developers",
      "appestan/payments",
      "appestan/refunds",
      "avaye-hamrah/complaints",
      "avaye-hamrah/general",
      "avaye-hamrah/support",
      "bazarche/ads",
      "bazarche/fraud",
      "bazarche/sellers",
    ]);
  });

  it("have one pending draft per tenant", () => {
    expect(DEMO_SCRIPTS.filter((s) => s.draft).map((s) => s.tenant).sort()).toEqual(["appestan", "avaye-hamrah", "bazarche"]);
  });

  for (const demo of DEMO_SCRIPTS) {
    describe(`${demo.tenant}/${demo.queue}`, () => {
      const versions = demo.draft ? ([["published", demo.published], ["draft", demo.draft]] as const) : ([["published", demo.published]] as const);
      for (const [which, input] of versions) {
        it(`${which} parses and validates in Persian and English with no issues at all`, () => {
          expect(scriptDefinitionSchema.safeParse(input).success).toBe(true);
          expect(validateScript(input, ["fa", "en"])).toEqual([]);
        });
        it(`${which} can be walked from the opening to the closing`, () => {
          const path = walk(scriptDefinitionSchema.parse(input));
          expect(path.length).toBeGreaterThan(0);
          expect(path).not.toContain(CLOSING);
        });
      }
      if (demo.draft) {
        it("has a draft that differs from the published version", () => {
          expect(isEmptyScriptDiff(diffScripts(scriptDefinitionSchema.parse(demo.published), scriptDefinitionSchema.parse(demo.draft)))).toBe(false);
        });
      }
    });
  }
});
