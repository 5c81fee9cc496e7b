import { describe, expect, it } from "vitest";
import { CLOSING, scriptDefinitionSchema } from "~/modules/scripts/model";
import {
  checkAnswer,
  fillPlaceholders,
  MAX_ANSWERS,
  parseNumber,
  pickText,
  placeholderSegments,
  renderLines,
  renderText,
  runScript,
  type Answer,
} from "~/modules/scripts/runner";

const def = scriptDefinitionSchema.parse({
  opening: [
    { kind: "say", text: { fa: "سلام {{customerName}}، {{agentName}} هستم.", en: "Hello {{customerName}}, this is {{agentName}}." } },
    { kind: "do", text: { fa: "" } },
  ],
  body: [
    { id: "known", prompt: { fa: "مشتری قبلی است؟", en: "Existing customer?" }, question: { kind: "yesNo" }, branches: [{ answer: "no", next: "register" }] },
    {
      id: "topic",
      prompt: { fa: "موضوع؟" },
      question: { kind: "choice", options: [{ value: "bill", label: { fa: "قبض" } }, { value: "other", label: { fa: "سایر" } }] },
      branches: [{ answer: "bill", next: "amount" }],
      next: CLOSING,
    },
    { id: "register", prompt: { fa: "ثبت‌نام کنید." }, next: "topic" },
    { id: "amount", prompt: { fa: "مبلغ؟" }, question: { kind: "number", min: 0, max: 1000 }, branches: [{ min: 500, next: "supervisor" }, { max: 499, next: "note" }] },
    { id: "supervisor", prompt: { fa: "به سرپرست ارجاع دهید." }, next: CLOSING },
    { id: "note", prompt: { fa: "یادداشت؟" }, question: { kind: "text" } },
  ],
  closing: [{ kind: "say", text: { fa: "خدانگهدار." } }],
});

const a = (stepId: string, value = ""): Answer => ({ stepId, value });

describe("the script runner", () => {
  it("starts at the first step with an empty path", () => {
    expect(runScript(def, [])).toMatchObject({ path: [], phase: "body", rejected: null, current: { id: "known" } });
  });

  it("follows branches, loops back and falls through to the next step and the closing", () => {
    const run = runScript(def, [a("known", "no"), a("register"), a("topic", "bill"), a("amount", "۲۵۰"), a("note", " late fee ")]);
    expect(run.path.map((p) => [p.step.id, p.answer, p.next])).toEqual([
      ["known", "no", "register"],
      ["register", null, "topic"],
      ["topic", "bill", "amount"],
      ["amount", "250", "note"],
      ["note", "late fee", CLOSING],
    ]);
    expect(run.phase).toBe("closing");
    expect(run.current).toBeNull();
  });

  it("takes the step's next when no branch matches", () => {
    expect(runScript(def, [a("known", "yes")]).current?.id).toBe("topic");
    expect(runScript(def, [a("known", "yes"), a("topic", "other")]).phase).toBe("closing");
    expect(runScript(def, [a("known", "yes"), a("topic", "bill"), a("amount", "700")]).current?.id).toBe("supervisor");
  });

  it("stops at the first answer that does not fit, keeping the path before it", () => {
    const wrongStep = runScript(def, [a("known", "yes"), a("amount", "5")]);
    expect(wrongStep.rejected).toEqual({ index: 1, stepId: "amount", error: "wrongStep" });
    expect(wrongStep.current?.id).toBe("topic");
    expect(runScript(def, [a("known", "maybe")]).rejected?.error).toBe("notAnAnswer");
    expect(runScript(def, [a("known", "yes"), a("topic", "bill"), a("amount", "2000")]).rejected?.error).toBe("tooLarge");
    const finished = runScript(def, [a("known", "yes"), a("topic", "other"), a("topic", "bill")]);
    expect(finished.rejected?.error).toBe("finished");
  });

  it("never throws on a broken draft: an unknown target ends the body", () => {
    const broken = scriptDefinitionSchema.parse({ body: [{ id: "x", prompt: {}, next: "ghost" }, { id: "y", prompt: {} }] });
    expect(runScript(broken, [a("x")]).phase).toBe("closing");
    expect(runScript(scriptDefinitionSchema.parse({}), []).phase).toBe("closing");
  });

  it("replays at most MAX_ANSWERS answers", () => {
    const loop = scriptDefinitionSchema.parse({ body: [{ id: "x", prompt: {}, next: "x" }] });
    const run = runScript(loop, Array.from({ length: MAX_ANSWERS + 50 }, () => a("x")));
    expect(run.path).toHaveLength(MAX_ANSWERS);
  });

  it("checks answers per question kind", () => {
    const [known, topic, , amount, , note] = def.body;
    expect(checkAnswer(known!, "")).toEqual({ ok: false, error: "required" });
    expect(checkAnswer(topic!, "other")).toEqual({ ok: true, value: "other" });
    expect(checkAnswer(amount!, "-1")).toEqual({ ok: false, error: "tooSmall", params: { min: 0 } });
    expect(checkAnswer(amount!, "abc")).toEqual({ ok: false, error: "notANumber" });
    expect(checkAnswer(note!, "x".repeat(501))).toMatchObject({ ok: false, error: "tooLong" });
    expect(checkAnswer(def.body[2]!, "anything")).toEqual({ ok: true, value: "" });
  });

  it("parses numbers typed on Persian and English keyboards", () => {
    expect(parseNumber("۱۲٫۵")).toBe(12.5);
    expect(parseNumber("−3")).toBe(-3);
    expect(parseNumber("1e9")).toBeNull();
    expect(parseNumber("")).toBeNull();
  });
});

describe("script texts and placeholders", () => {
  const values = { customerName: "مریم رضایی", agentName: "Sara" };

  it("picks the wanted language, else a fallback, saying so", () => {
    expect(pickText({ fa: "سلام", en: "Hi" }, "en")).toEqual({ text: "Hi", language: "en", fallback: false });
    expect(pickText({ fa: "سلام", en: "Hi" }, "nl", ["en"])).toEqual({ text: "Hi", language: "en", fallback: true });
    expect(pickText({ fa: "سلام" }, "nl")).toEqual({ text: "سلام", language: "fa", fallback: true });
    expect(pickText({ fa: "  " }, "fa")).toBeNull();
  });

  it("splits placeholders into segments and fills them", () => {
    expect(placeholderSegments("Hello {{customerName}}, I am {{ agentName }} of {{tenantName}}.", values)).toEqual([
      { kind: "text", text: "Hello " },
      { kind: "value", name: "customerName", value: "مریم رضایی" },
      { kind: "text", text: ", I am " },
      { kind: "value", name: "agentName", value: "Sara" },
      { kind: "text", text: " of " },
      { kind: "value", name: "tenantName", value: null },
      { kind: "text", text: "." },
    ]);
    expect(fillPlaceholders("Hi {{customerName}} from {{tenantName}} {{unknown}}", values)).toBe("Hi مریم رضایی from {{tenantName}} {{unknown}}");
  });

  it("keeps values as plain text (no markup is interpreted)", () => {
    expect(fillPlaceholders("{{customerName}}", { customerName: "<b>x</b>" })).toBe("<b>x</b>");
  });

  it("renders texts and lines in the agent's language, leaving out empty lines", () => {
    expect(renderText(def.opening[0]!.text, { language: "en", values })?.segments[1]).toEqual({ kind: "value", name: "customerName", value: "مریم رضایی" });
    const lines = renderLines(def.opening, { language: "fa", values });
    expect(lines).toHaveLength(1);
    expect(lines[0]!.kind).toBe("say");
  });
});
