import { describe, expect, it } from "vitest";
import { diffScripts, isEmptyScriptDiff } from "~/modules/scripts/diff";
import {
  CLOSING,
  coversEveryAnswer,
  fallThrough,
  languagesUsed,
  scriptDefinitionSchema,
  scriptLanguages,
  STARTER_SCRIPT,
  stepTargets,
  type ScriptDefinitionInput,
} from "~/modules/scripts/model";
import { hasErrors, validateScript, type ScriptIssue } from "~/modules/scripts/validator";

const fa = (text: string) => ({ fa: text, en: `${text} (en)` });

/** A support call: confirm the line, then branch on whether the fault is known. */
const support: ScriptDefinitionInput = {
  opening: [
    { kind: "say", text: fa("سلام {{customerName}}، {{agentName}} هستم از {{tenantName}}.") },
    { kind: "do", text: fa("شماره خط را در پرونده بررسی کنید.") },
  ],
  body: [
    { id: "line", prompt: fa("آیا تماس درباره همین خط است؟"), question: { kind: "yesNo" }, branches: [{ answer: "no", next: "other-line" }] },
    {
      id: "issue",
      prompt: fa("مشکل از چه نوعی است؟"),
      question: {
        kind: "choice",
        options: [
          { value: "internet", label: fa("اینترنت") },
          { value: "billing", label: fa("صورتحساب") },
        ],
      },
      branches: [
        { answer: "internet", next: "apn" },
        { answer: "billing", next: "days" },
      ],
    },
    { id: "other-line", prompt: fa("شماره خط دیگر را بپرسید."), question: { kind: "text" }, next: "issue" },
    { id: "apn", prompt: fa("تنظیمات APN را بررسی کنید."), next: CLOSING },
    {
      id: "days",
      prompt: fa("چند روز از کسر مبلغ گذشته است؟"),
      question: { kind: "number", min: 0, max: 365 },
      branches: [{ min: 0, max: 14, next: "refund" }],
      next: CLOSING,
    },
    { id: "refund", prompt: fa("درخواست بازپرداخت ثبت شود.") },
  ],
  closing: [{ kind: "say", text: fa("از تماس شما سپاسگزاریم.") }],
};

const parse = (d: ScriptDefinitionInput) => scriptDefinitionSchema.parse(d);
const codes = (issues: ScriptIssue[]) => issues.map((i) => [i.stepId ?? i.section, i.code]);

describe("the script model", () => {
  it("parses a definition and fills defaults (line kind, branches, empty sections)", () => {
    const def = parse({ body: [{ id: "a", prompt: { fa: "x" } }] });
    expect(def.opening).toEqual([]);
    expect(def.closing).toEqual([]);
    expect(def.body[0]!.branches).toEqual([]);
    expect(parse({ opening: [{ text: { fa: "x" } }] }).opening[0]!.kind).toBe("say");
  });

  it("refuses a step called 'closing' and ids that are not slugs", () => {
    expect(scriptDefinitionSchema.safeParse({ body: [{ id: "closing", prompt: {} }] }).success).toBe(false);
    expect(scriptDefinitionSchema.safeParse({ body: [{ id: "Step 1", prompt: {} }] }).success).toBe(false);
  });

  it("falls through to the next step in the list, the last one to the closing", () => {
    const def = parse(support);
    expect(fallThrough(def, 0)).toBe("issue");
    expect(fallThrough(def, 2)).toBe("issue");
    expect(fallThrough(def, 5)).toBe(CLOSING);
    // Both choices branch: "issue" never falls through.
    expect(coversEveryAnswer(def.body[1]!)).toBe(true);
    expect(stepTargets(def, 1).map((t) => t.target)).toEqual(["apn", "days"]);
    expect(stepTargets(def, 0).map((t) => t.target)).toEqual(["other-line", "issue"]);
  });

  it("reads the languages a script is written in: the tenant default first, fa and en, then any used", () => {
    expect(languagesUsed(support)).toEqual(["fa", "en"]);
    expect(scriptLanguages("fa")).toEqual(["fa", "en"]);
    expect(scriptLanguages("nl")).toEqual(["nl", "fa", "en"]);
    expect(scriptLanguages("fa", [{ opening: [{ text: { nl: "Hallo" } }] }])).toEqual(["fa", "en", "nl"]);
    expect(languagesUsed("not a script")).toEqual([]);
  });
});

describe("the script validator", () => {
  it("passes a complete script", () => {
    expect(validateScript(support, ["fa", "en"])).toEqual([]);
  });

  it("reports the empty starter as errors on each part", () => {
    const issues = validateScript(STARTER_SCRIPT, ["fa", "en"]);
    expect(codes(issues)).toEqual([
      ["opening", "emptyText"],
      ["reason", "emptyText"],
      ["closing", "emptyText"],
    ]);
    expect(issues[0]).toMatchObject({ section: "opening", line: 0, params: { field: "text" } });
    expect(hasErrors(issues)).toBe(true);
  });

  it("reports shape errors alone, pointing at the step or line", () => {
    const issues = validateScript({ opening: [{ kind: "sing", text: {} }], body: [{ id: "a", prompt: {}, question: { kind: "maybe" } }] }, ["fa"]);
    expect(issues.every((i) => i.code === "schema")).toBe(true);
    expect(issues).toContainEqual(expect.objectContaining({ section: "opening", line: 0, params: expect.objectContaining({ field: "kind" }) }));
    expect(issues).toContainEqual(expect.objectContaining({ section: "body", stepId: "a", params: expect.objectContaining({ field: "question.kind" }) }));
  });

  it("reports branches to unknown steps, unreachable steps and loops with no way to the closing", () => {
    const issues = validateScript(
      {
        ...support,
        body: [
          { id: "a", prompt: fa("a"), question: { kind: "yesNo" }, branches: [{ answer: "yes", next: "b" }, { answer: "no", next: "ghost" }] },
          { id: "b", prompt: fa("b"), next: "c" },
          { id: "c", prompt: fa("c"), next: "b" },
          { id: "lost", prompt: fa("lost") },
        ],
      },
      ["fa", "en"],
    );
    expect(codes(issues)).toEqual([
      ["a", "unknownTarget"],
      ["b", "noPathToClosing"],
      ["c", "noPathToClosing"],
      ["lost", "unreachable"],
    ]);
    expect(issues[0]!.params).toEqual({ field: "branches.1.next", target: "ghost" });
    expect(issues.find((i) => i.code === "unreachable")!.severity).toBe("warning");
  });

  it("reports a missing tenant language as a warning on the step, naming the field and language", () => {
    const def = parse(support);
    def.body[1]!.question = { kind: "choice", options: [{ value: "internet", label: { fa: "اینترنت" } }, { value: "billing", label: fa("صورتحساب") }] };
    def.closing[0]!.text = { fa: "ممنون" };
    const issues = validateScript(def, ["fa", "en"]);
    expect(issues).toEqual([
      { section: "body", stepId: "issue", line: null, code: "missingText", severity: "warning", params: { field: "question.options.0.label", language: "en" } },
      { section: "closing", stepId: null, line: 0, code: "missingText", severity: "warning", params: { field: "text", language: "en" } },
    ]);
    expect(hasErrors(issues)).toBe(false);
    // A Dutch-speaking tenant: every text lacks nl.
    expect(validateScript(support, ["nl", "fa"]).filter((i) => i.code === "missingText").every((i) => i.params?.language === "nl")).toBe(true);
  });

  it("reports placeholders the desktop cannot fill", () => {
    const def = parse(support);
    def.opening[0]!.text = { fa: "سلام {{customerName}} {{nationalCode}}", en: "Hello {{ nationalCode }}" };
    const issues = validateScript(def, ["fa", "en"]);
    expect(issues).toEqual([{ section: "opening", stepId: null, line: 0, code: "unknownPlaceholder", severity: "error", params: { field: "text", name: "nationalCode" } }]);
  });

  it("reports question and branch mistakes", () => {
    const issues = validateScript(
      {
        ...support,
        body: [
          {
            id: "q1",
            prompt: fa("?"),
            question: { kind: "choice", options: [{ value: "x", label: fa("x") }] },
            branches: [{ answer: "y", next: CLOSING }],
          },
          { id: "q2", prompt: fa("?"), question: { kind: "yesNo" }, branches: [{ answer: "yes", next: CLOSING }, { answer: "yes", next: "q3" }, { next: "q3" }] },
          { id: "q3", prompt: fa("?"), question: { kind: "number", min: 10, max: 1 }, branches: [{ next: CLOSING }, { min: 5, max: 2, next: CLOSING }] },
          { id: "q4", prompt: fa("?"), branches: [{ answer: "yes", next: CLOSING }] },
          { id: "q5", prompt: fa("?"), question: { kind: "choice", options: [{ value: "a", label: fa("a") }, { value: "a", label: fa("b") }] } },
        ],
      },
      ["fa", "en"],
    );
    expect(codes(issues)).toEqual([
      ["q1", "tooFewOptions"],
      ["q1", "unknownAnswer"],
      ["q2", "duplicateBranch"],
      ["q2", "branchMissingAnswer"],
      ["q3", "invalidRange"],
      ["q3", "branchMissingAnswer"],
      ["q3", "invalidRange"],
      ["q4", "branchWithoutQuestion"],
      ["q5", "duplicateOption"],
    ]);
  });

  it("reports duplicate step ids and warns about empty parts", () => {
    const issues = validateScript({ body: [{ id: "a", prompt: fa("a") }, { id: "a", prompt: fa("b") }] }, ["fa", "en"]);
    expect(codes(issues)).toEqual([
      ["opening", "emptyOpening"],
      ["a", "duplicateStepId"],
      ["closing", "emptyClosing"],
    ]);
    expect(codes(validateScript({}, ["fa"]))).toEqual([
      ["opening", "emptyOpening"],
      ["body", "emptyBody"],
      ["closing", "emptyClosing"],
    ]);
  });
});

describe("the script diff", () => {
  it("names added, removed, changed and moved steps and changed sections", () => {
    const before = parse(support);
    const after = parse(support);
    after.body = [after.body[1]!, after.body[0]!, ...after.body.slice(3)];
    after.body[2]!.prompt = fa("تغییر");
    after.body.push({ id: "new", prompt: fa("n"), branches: [] });
    after.closing = [];
    const d = diffScripts(before, after);
    expect(d).toEqual({ added: ["new"], removed: ["other-line"], changed: ["apn"], moved: ["issue", "line"], openingChanged: false, closingChanged: true });
    expect(isEmptyScriptDiff(diffScripts(before, parse(support)))).toBe(true);
  });
});
