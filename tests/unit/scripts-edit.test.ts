import { describe, expect, it } from "vitest";
import { addLine, addStep, freshOptionValue, move, moveLine, removeStep, renameStep, setQuestionKind } from "~/modules/scripts/edit";
import { CLOSING, scriptDefinitionSchema } from "~/modules/scripts/model";

const def = scriptDefinitionSchema.parse({
  opening: [{ text: { fa: "الف" } }, { text: { fa: "ب" } }],
  body: [
    { id: "a", prompt: {}, question: { kind: "yesNo" }, branches: [{ answer: "yes", next: "b" }, { answer: "no", next: "c" }] },
    { id: "b", prompt: {}, next: "c" },
    { id: "c", prompt: {}, next: CLOSING },
  ],
});

describe("the script editor's changes", () => {
  it("renames a step and every reference to it", () => {
    const res = renameStep(def, "c", "escalate");
    expect("def" in res && res.def.body.map((s) => s.id)).toEqual(["a", "b", "escalate"]);
    if (!("def" in res)) return;
    expect(res.def.body[0]!.branches[1]!.next).toBe("escalate");
    expect(res.def.body[1]!.next).toBe("escalate");
  });

  it("refuses a rename to a taken id, a non-slug or 'closing'", () => {
    expect(renameStep(def, "a", "b")).toEqual({ error: "taken" });
    expect(renameStep(def, "a", "Step A")).toEqual({ error: "invalid" });
    expect(renameStep(def, "a", CLOSING)).toEqual({ error: "invalid" });
    expect(renameStep(def, "a", " a ")).toEqual({ def });
  });

  it("removes a step: a next naming it falls through again, a branch to it is dropped", () => {
    const res = removeStep(def, "c");
    expect(res.body.map((s) => s.id)).toEqual(["a", "b"]);
    expect(res.body[0]!.branches).toEqual([{ answer: "yes", next: "b" }]);
    expect(res.body[1]!.next).toBeUndefined();
  });

  it("adds steps with fresh ids, after a given one", () => {
    const one = addStep(def, 0);
    expect(one.id).toBe("step-4");
    expect(one.def.body.map((s) => s.id)).toEqual(["a", "step-4", "b", "c"]);
    expect(addStep(one.def).id).toBe("step-5");
  });

  it("changes a question's kind, keeping only the branches the new kind can take", () => {
    const a = def.body[0]!;
    expect(setQuestionKind(a, "yesNo")).toBe(a);
    expect(setQuestionKind(a, "choice")).toMatchObject({ question: { kind: "choice", options: [] }, branches: [] });
    expect(setQuestionKind(a, null)).toMatchObject({ question: undefined, branches: [] });
    expect(setQuestionKind({ ...a, question: { kind: "text" } }, "yesNo").branches).toEqual(a.branches);
    expect(freshOptionValue(setQuestionKind(a, "choice"))).toBe("option-1");
  });

  it("moves and adds lines without touching the other sections", () => {
    expect(moveLine(def, "opening", 0, 1).opening.map((l) => l.text.fa)).toEqual(["ب", "الف"]);
    expect(addLine(def, "closing", "do").closing).toEqual([{ kind: "do", text: {} }]);
    expect(move([1, 2, 3], 0, 5)).toEqual([1, 2, 3]);
  });
});
