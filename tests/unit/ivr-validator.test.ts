import { describe, expect, it } from "vitest";
import { OPERATOR_QUEUE_IDS, operatorFlow, operatorFlowInput } from "~/modules/ivr/examples";
import { type FlowInput } from "~/modules/ivr/model";
import { hasErrors, validateFlow, type Issue } from "~/modules/ivr/validator";

const ctx = { tenantLanguages: ["fa", "en"] as ("fa" | "en" | "nl")[], queueIds: ["general", "support"] };
const t = (fa: string, en = `${fa} (en)`) => ({ text: { fa, en } });
const codes = (issues: Issue[]) => issues.map((i) => `${i.nodeId ?? "-"}:${i.code}`);

/** A small valid flow to break one rule at a time. */
function base(): FlowInput {
  return {
    start: "menu",
    nodes: [
      { id: "menu", type: "menu", prompt: t("منو"), options: [{ digit: "1", next: "q" }, { digit: "2", next: "bye" }], fallback: "q" },
      { id: "q", type: "queue", queueId: "general" },
      { id: "bye", type: "hangup" },
    ],
  };
}

describe("IVR flow validator", () => {
  it("passes the operator example with no errors and no warnings for fa and en", () => {
    const issues = validateFlow(operatorFlow, { tenantLanguages: ["fa", "en"], queueIds: [...OPERATOR_QUEUE_IDS] });
    expect(issues).toEqual([]);
    expect(validateFlow(operatorFlowInput, { tenantLanguages: ["fa", "en"], queueIds: [...OPERATOR_QUEUE_IDS] })).toEqual([]);
  });

  it("passes the base flow", () => {
    expect(validateFlow(base(), ctx)).toEqual([]);
  });

  it("reports schema errors at the node and field, and only those", () => {
    const flow = base();
    flow.nodes.push({ id: "t", type: "transfer", number: "not a number" }, { id: "c", type: "collect", prompt: t("کد"), variable: "ref", minDigits: 8, maxDigits: 4, next: "q" });
    (flow.nodes as unknown[]).push({ id: "x", type: "teleport" });
    const issues = validateFlow(flow, ctx);
    expect(issues.every((i) => i.code === "schema" && i.severity === "error")).toBe(true);
    expect(issues.map((i) => `${i.nodeId}:${i.params?.field}`)).toEqual(["t:number", "c:maxDigits", "x:type"]);
  });

  it("reports a flow that is not an object at all without throwing", () => {
    expect(validateFlow(null, ctx)).toEqual([{ nodeId: null, code: "schema", severity: "error", params: { field: "flow", reason: expect.any(String) } }]);
    expect(codes(validateFlow({ start: "a", nodes: [] }, ctx))).toEqual(["-:schema"]);
  });

  it("reports a bad pattern and a callback offer without a trigger as schema errors", () => {
    const flow = base();
    flow.nodes.push({ id: "c", type: "collect", prompt: t("کد"), variable: "ref", pattern: "([0-9]", next: "q" });
    flow.nodes[1] = { id: "q", type: "queue", queueId: "general", callback: { digit: "1" } };
    expect(validateFlow(flow, ctx).map((i) => `${i.nodeId}:${i.params?.field}`)).toEqual(["q:callback.afterSeconds", "c:pattern"]);
  });

  it("reports a missing start node", () => {
    expect(codes(validateFlow({ ...base(), start: "nowhere" }, ctx))).toContain("-:startMissing");
  });

  it("reports unknown node references and duplicate ids", () => {
    const flow = base();
    flow.nodes[0] = { id: "menu", type: "menu", prompt: t("منو"), options: [{ digit: "1", next: "ghost" }], fallback: "q" };
    flow.nodes.push({ id: "bye", type: "hangup" });
    const issues = validateFlow(flow, ctx);
    expect(issues).toContainEqual({ nodeId: "menu", code: "unknownTarget", severity: "error", params: { target: "ghost" } });
    expect(issues).toContainEqual({ nodeId: "bye", code: "duplicateNodeId", severity: "error", params: { id: "bye" } });
  });

  it("warns about unreachable nodes", () => {
    const flow = base();
    flow.nodes.push({ id: "lost", type: "hangup" });
    expect(validateFlow(flow, ctx)).toEqual([{ nodeId: "lost", code: "unreachable", severity: "warning" }]);
  });

  it("reports dead ends: a message, a collect or a language choice with no next step", () => {
    const flow = base();
    flow.nodes[0] = {
      id: "menu",
      type: "menu",
      prompt: t("منو"),
      options: [
        { digit: "1", next: "msg" },
        { digit: "2", next: "ref" },
        { digit: "3", next: "lang" },
        { digit: "4", next: "vm" },
      ],
      fallback: "q",
    };
    flow.nodes.push(
      { id: "msg", type: "play", prompt: t("پیام") },
      { id: "ref", type: "collect", prompt: t("کد"), variable: "ref" },
      { id: "lang", type: "language", prompt: t("زبان"), options: [{ digit: "1", language: "fa" }] },
      { id: "vm", type: "voicemail", prompt: t("پیغام") },
    );
    const dead = validateFlow(flow, ctx).filter((i) => i.code === "deadEnd");
    // A voicemail without next ends the call by design, like hangup, transfer and queue.
    expect(dead.map((i) => i.nodeId)).toEqual(["msg", "ref", "lang"]);
    expect(dead.every((i) => i.severity === "error")).toBe(true);
  });

  it("reports loops that never wait for the caller, once per loop", () => {
    const calendarLoop: FlowInput = {
      start: "a",
      nodes: [
        { id: "a", type: "play", prompt: t("الف"), next: "h" },
        { id: "h", type: "hours", open: "a", closed: "self" },
        { id: "self", type: "play", prompt: t("ب"), next: "self" },
      ],
    };
    expect(validateFlow(calendarLoop, ctx)).toEqual([
      { nodeId: "a", code: "loopWithoutInput", severity: "error", params: { nodes: "a → h" } },
      { nodeId: "self", code: "loopWithoutInput", severity: "error", params: { nodes: "self" } },
    ]);
  });

  it("accepts loops that pass through a menu", () => {
    const flow: FlowInput = {
      start: "info",
      nodes: [
        { id: "info", type: "play", prompt: t("اطلاعات"), next: "again" },
        { id: "again", type: "menu", prompt: t("تکرار"), options: [{ digit: "9", next: "info" }], fallback: "bye" },
        { id: "bye", type: "hangup" },
      ],
    };
    expect(validateFlow(flow, ctx)).toEqual([]);
  });

  it("warns about a menu without a fallback", () => {
    const flow = base();
    flow.nodes[0] = { id: "menu", type: "menu", prompt: t("منو"), options: [{ digit: "1", next: "q" }, { digit: "2", next: "bye" }] };
    expect(validateFlow(flow, ctx)).toEqual([{ nodeId: "menu", code: "menuWithoutFallback", severity: "warning" }]);
  });

  it("reports prompts missing in a tenant language unless there is audio, and empty prompts", () => {
    const flow = base();
    flow.nodes[0] = {
      id: "menu",
      type: "menu",
      prompt: { text: { fa: "منو", en: "  " } },
      invalidPrompt: { text: { fa: "نامعتبر" }, audioUrl: "https://cdn.example.com/invalid.mp3" },
      options: [{ digit: "1", next: "msg" }],
      fallback: "q",
    };
    flow.nodes.push({ id: "msg", type: "play", prompt: { text: {} }, next: "bye" });
    const issues = validateFlow(flow, { ...ctx, tenantLanguages: ["fa", "en", "nl"] });
    expect(issues).toEqual([
      { nodeId: "menu", code: "missingPrompt", severity: "warning", params: { field: "prompt", language: "en" } },
      { nodeId: "menu", code: "missingPrompt", severity: "warning", params: { field: "prompt", language: "nl" } },
      { nodeId: "msg", code: "emptyPrompt", severity: "error", params: { field: "prompt" } },
    ]);
  });

  it("reports queues that do not exist for the tenant", () => {
    const flow = base();
    flow.nodes[1] = { id: "q", type: "queue", queueId: "sales" };
    expect(validateFlow(flow, ctx)).toEqual([{ nodeId: "q", code: "unknownQueue", severity: "error", params: { queueId: "sales" } }]);
    expect(hasErrors(validateFlow(flow, ctx))).toBe(true);
  });

  it("reports a digit used twice in a menu, also when typed as a Persian digit", () => {
    const flow = base();
    flow.nodes[0] = { id: "menu", type: "menu", prompt: t("منو"), options: [{ digit: "1", next: "q" }, { digit: "۱", next: "bye" }], fallback: "q" };
    expect(validateFlow(flow, ctx)).toEqual([{ nodeId: "menu", code: "duplicateDigit", severity: "error", params: { digit: "1" } }]);
  });

  it("warns when a language choice offers a language the tenant has not enabled", () => {
    const flow: FlowInput = {
      start: "lang",
      nodes: [
        { id: "lang", type: "language", prompt: t("زبان"), options: [{ digit: "1", language: "fa" }, { digit: "3", language: "nl" }], next: "bye" },
        { id: "bye", type: "hangup" },
      ],
    };
    expect(validateFlow(flow, ctx)).toEqual([{ nodeId: "lang", code: "languageNotEnabled", severity: "warning", params: { language: "nl" } }]);
  });
});
