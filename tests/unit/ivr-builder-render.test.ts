import i18next from "i18next";
import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
import { describe, expect, it } from "vitest";
import { IvrBuilder, ivrBuilderLinks } from "~/components/ivr-builder";
import { createNode } from "~/components/ivr-builder/graph";
import { NodeForm } from "~/components/ivr-builder/node-form";
import { i18nOptions, type Language } from "~/modules/i18n/config";
import { resources } from "~/modules/i18n/resources";
import { OPERATOR_QUEUE_IDS, operatorFlowInput } from "~/modules/ivr/examples";
import { NODE_TYPES, type FlowInput } from "~/modules/ivr/model";
import { validateFlow } from "~/modules/ivr/validator";

async function render(lang: Language, flow: FlowInput = operatorFlowInput, queueIds: string[] = [...OPERATOR_QUEUE_IDS]) {
  const i18n = i18next.createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: lang, resources });
  const element = createElement(I18nextProvider, { i18n }, createElement(IvrBuilder, { initial: flow, languages: ["fa", "en"], queueIds, name: "definition" }));
  return renderToString(element);
}

const decode = (s: string) => s.replace(/&quot;/g, '"').replace(/&amp;/g, "&").replace(/&#x27;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">");

describe("IvrBuilder server render", () => {
  it("renders the operator flow in Persian with every step id, the canvas in LTR and the flow in a hidden input", async () => {
    const html = await render("fa");
    // Every step is drawn on the canvas as a card carrying its id, kind and summary.
    for (const node of operatorFlowInput.nodes) expect(html).toContain(`<code class="ivr-node__id">${node.id}</code>`);
    expect(html.match(/class="ivr-node ivr-node--/g)).toHaveLength(operatorFlowInput.nodes.length);
    expect(html).toContain('<div class="ivr-node__summary" lang="fa" dir="rtl" title="به مرکز تماس همراه خوش آمدید.">');
    expect(html).toContain("شروع");
    expect(html).toContain('class="ivr-builder__canvas" dir="ltr"');
    expect(html).toContain("react-flow");
    // Localized palette and kinds, no raw keys.
    expect(html).toContain("منو");
    expect(html).not.toMatch(/builder\.(kind|palette|panel|report|field)\./);
    const hidden = /<input type="hidden" name="definition" value="([^"]*)"/.exec(html);
    expect(hidden).not.toBeNull();
    expect(JSON.parse(decode(hidden![1]!))).toEqual(operatorFlowInput);
  });

  it("shows the validator's report localized, pointing at the step", async () => {
    const html = await render("en", operatorFlowInput, ["general", "support"]);
    expect(html).toContain("Validation report");
    expect(html).toContain("The queue “complaints” does not exist.");
    expect(html).toContain("Go to step complaints-q");
  });

  it("renders the side-panel form of every kind of step, prompts per tenant language with lang and dir", async () => {
    const i18n = i18next.createInstance();
    await i18n.use(initReactI18next).init({ ...i18nOptions, lng: "fa", resources });
    const nodes = [...operatorFlowInput.nodes, ...NODE_TYPES.map((type) => createNode(type, `new-${type}`))];
    for (const node of nodes) {
      const issues = validateFlow(operatorFlowInput, { tenantLanguages: ["fa", "en", "nl"], queueIds: [] }).filter((i) => i.nodeId === node.id);
      const html = renderToString(
        createElement(
          I18nextProvider,
          { i18n },
          createElement(NodeForm, {
            node,
            isStart: false,
            nodeIds: operatorFlowInput.nodes.map((n) => n.id),
            languages: ["fa", "en", "nl"],
            queueIds: ["general"],
            issues,
            onChange: () => {},
            onRename: () => {},
            onSetStart: () => {},
            onDelete: () => {},
          }),
        ),
      );
      expect(html, node.id).toContain(`value="${node.id}"`);
      expect(html, node.id).not.toMatch(/builder\.(kind|field|panel)\./);
      if ("prompt" in node) {
        expect(html, node.id).toMatch(/<textarea[^>]*lang="fa"[^>]*dir="rtl"/);
        expect(html, node.id).toMatch(/<textarea[^>]*lang="nl"[^>]*dir="ltr"/);
      }
      for (const issue of issues) expect(html, `${node.id} ${issue.code}`).toContain(i18n.t(`ivr:severity.${issue.severity}`));
    }
  });

  it("shows zod field errors inline", async () => {
    const i18n = i18next.createInstance();
    await i18n.use(initReactI18next).init({ ...i18nOptions, lng: "en", resources });
    const props = { isStart: true, nodeIds: [], languages: ["fa" as const], queueIds: [], issues: [], onChange: () => {}, onRename: () => {}, onSetStart: () => {}, onDelete: () => {} };
    const transfer = renderToString(createElement(I18nextProvider, { i18n }, createElement(NodeForm, { ...props, node: { id: "t", type: "transfer", number: "12" } })));
    expect(transfer).toContain("Enter the phone number in international form");
    const menu = renderToString(createElement(I18nextProvider, { i18n }, createElement(NodeForm, { ...props, node: { id: "m", type: "menu", prompt: { text: {} }, options: [{ digit: "x", next: "" }], timeoutSeconds: 99 } })));
    expect(menu).toContain("Must be at most 60.");
    expect(menu).toContain("This value is not valid.");
  });

  it("renders an empty draft without throwing", async () => {
    const html = await render("nl", { start: "", nodes: [] });
    expect(html).toContain("Stap toevoegen");
  });

  it("exports the stylesheets for the route's links", () => {
    const links = ivrBuilderLinks();
    expect(links).toHaveLength(2);
    for (const l of links) expect(l).toMatchObject({ rel: "stylesheet", href: expect.any(String) });
  });
});
