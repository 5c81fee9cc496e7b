import i18next from "i18next";
import { createElement, type ComponentType } from "react";
import { renderToString } from "react-dom/server";
import { I18nextProvider, initReactI18next } from "react-i18next";
// Remix renders pages through react-router's static data router; so does this test (no HTTP server).
import { createStaticHandler, createStaticRouter, StaticRouterProvider } from "react-router-dom/server";
import { describe, expect, it } from "vitest";
import { NodeForm, QueueNamesContext } from "~/components/ivr-builder/node-form";
import { i18nOptions, type Language } from "~/modules/i18n/config";
import { resources } from "~/modules/i18n/resources";
import Dispositions from "~/routes/t.$slug.dispositions";
import QueuePage from "~/routes/t.$slug.queues.$queueId";
import QueueList from "~/routes/t.$slug.queues._index";

/**
 * The queue and disposition pages rendered on the server in each language, from loader data as the
 * loaders shape it: every string comes from the locales (no raw keys), numbers follow the language.
 */
const Q1 = "11111111-1111-4111-8111-111111111111";
const Q2 = "22222222-2222-4222-8222-222222222222";
const AGENT = "33333333-3333-4333-8333-333333333333";

const queueDefaults = {
  key: "support",
  name: "پشتیبانی فنی",
  channels: ["voice", "sms"],
  requiredSkills: "technical",
  minProficiency: 2,
  language: "fa",
  priority: 5,
  slTargetPct: 80,
  slThresholdSeconds: 20,
  shortAbandonSeconds: 5,
  maxWaitSeconds: 600,
  overflowAction: "queue",
  overflowQueueId: Q2,
  overflowNumber: "",
  offerTimeoutSeconds: 15,
  wrapupSeconds: 60,
  afterHours: "callback",
};

async function render(lang: Language, path: string, Component: ComponentType, data: object, search = "") {
  const i18n = i18next.createInstance();
  await i18n.use(initReactI18next).init({ ...i18nOptions, lng: lang, resources });
  const routes = [
    {
      id: "root",
      path: "/",
      loader: () => ({ csrf: "token" }),
      children: [{ id: "page", path: path.slice(1), loader: () => data, Component }],
    },
  ];
  const handler = createStaticHandler(routes);
  const context = await handler.query(new Request(`http://localhost${path}${search}`));
  if (context instanceof Response) throw new Error("unexpected response");
  const router = createStaticRouter(handler.dataRoutes, context);
  return renderToString(createElement(I18nextProvider, { i18n }, createElement(StaticRouterProvider, { router, context, hydrate: false })));
}

const rawKey = /\b(queues|dispositions)\.(field|hint|errors|section|table|agents|delete|form|kind|overflow|afterHours|channel|notice)\./;

describe("queue pages server render", () => {
  for (const lang of ["fa", "en", "nl"] as const) {
    it(`renders a queue's settings, agents and delete section in ${lang}`, async () => {
      const html = await render(lang, `/t/acme/queues/${Q1}`, QueuePage, {
        slug: "acme",
        canManage: true,
        queue: { id: Q1, key: "support", name: "پشتیبانی فنی" },
        defaults: queueDefaults,
        overflowTargets: [{ id: Q2, key: "general", name: "عمومی" }],
        agents: [{ agentId: AGENT, name: "سارا محمدی", email: "a@x", employeeCode: "HK-1001", active: true, languages: ["fa"], skills: ["technical"], assigned: true }],
      });
      expect(html).not.toMatch(rawKey);
      expect(html).toContain('name="slTargetPct"');
      expect(html).toContain(`value="${lang === "fa" ? "۸۰" : "80"}"`);
      // The overflow target picker shows the other queue, chosen.
      expect(html).toMatch(new RegExp(`<option value="${Q2}" selected="">عمومی \\(general\\)</option>`));
      expect(html).toContain(`name="agentIds" checked="" value="${AGENT}"`);
      expect(html).toContain('name="intent" value="delete"');
      expect(html).toContain('name="csrf" value="token"');
    });
  }

  it("renders the read-only view of a viewer with the settings disabled and no delete", async () => {
    const html = await render("en", `/t/acme/queues/${Q1}`, QueuePage, {
      slug: "acme",
      canManage: false,
      queue: { id: Q1, key: "support", name: "Support" },
      defaults: { ...queueDefaults, overflowAction: "external", overflowQueueId: "", overflowNumber: "+982191002090" },
      overflowTargets: [],
      agents: [],
    });
    expect(html).toContain("only an administrator can change them");
    expect(html).toMatch(/<fieldset disabled=""/);
    expect(html).toContain('value="+982191002090"');
    expect(html).not.toContain('value="delete"');
  });

  it("renders the queue list with service level and overflow in Persian digits", async () => {
    const html = await render("fa", "/t/acme/queues", QueueList, {
      slug: "acme",
      canManage: true,
      queues: [
        {
          id: Q1,
          key: "complaints",
          name: "شکایات",
          channels: ["voice"],
          language: "fa",
          requiredSkills: ["complaints"],
          priority: 7,
          slTargetPct: 90,
          slThresholdSeconds: 30,
          maxWaitSeconds: 600,
          overflowAction: "queue",
          overflowTarget: "عمومی",
          agentCount: 2,
        },
      ],
    });
    expect(html).not.toMatch(rawKey);
    expect(html).toContain("۹۰٪ در ۳۰ ثانیه");
    expect(html).toContain("انتقال به صف دیگر");
    expect(html).toContain(`/t/acme/queues/new`);
  });

  it("renders the disposition tree and its form", async () => {
    const reasons = [
      {
        id: Q1,
        parentId: null,
        code: "billing",
        name: "اعتراض به صورتحساب",
        resolved: false,
        active: true,
        sort: 10,
        outcomes: [{ id: Q2, parentId: Q1, code: "refunded", name: "برگشت داده شد", resolved: true, active: false, sort: 1 }],
      },
    ];
    const html = await render("fa", "/t/acme/dispositions", Dispositions, { slug: "acme", canManage: true, reasons, editing: null, parentId: Q1 });
    expect(html).not.toMatch(rawKey);
    expect(html).toContain("حل‌شده");
    expect(html).toContain("غیرفعال");
    expect(html).toContain(`<option value="${Q1}" selected="">اعتراض به صورتحساب</option>`);
    expect(html).toContain('name="intent" value="create"');
  });
});

describe("the IVR builder's queue picker", () => {
  it("names the tenant's queues, keeping each key readable, and flags a key the tenant lacks", async () => {
    const i18n = i18next.createInstance();
    await i18n.use(initReactI18next).init({ ...i18nOptions, lng: "fa", resources });
    const picker = (queueId: string, names: Record<string, string>) =>
      renderToString(
        createElement(
          I18nextProvider,
          { i18n },
          createElement(
            QueueNamesContext.Provider,
            { value: names },
            createElement(NodeForm, {
              node: { id: "q", type: "queue", queueId, announcePosition: false, announceWait: false },
              isStart: false,
              nodeIds: ["q"],
              languages: ["fa"],
              queueIds: ["general", "support"],
              issues: [],
              onChange: () => {},
              onRename: () => {},
              onSetStart: () => {},
              onDelete: () => {},
            }),
          ),
        ),
      );
    const named = picker("support", { general: "پشتیبانی عمومی", support: "پشتیبانی فنی" });
    expect(named).toContain('<option value="support" selected="">پشتیبانی فنی (\u2066support\u2069)</option>');
    expect(named).toContain('<option value="general">پشتیبانی عمومی (\u2066general\u2069)</option>');
    const unknown = picker("vip", {});
    expect(unknown).toContain('<option value="vip" selected="">');
    expect(unknown).toContain('<option value="general">general</option>');
  });
});
