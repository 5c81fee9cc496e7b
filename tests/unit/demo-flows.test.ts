import { describe, expect, it } from "vitest";
import { DEMO_FLOWS } from "../../db/demo-flows";
import { diffFlows, isEmptyDiff } from "~/modules/ivr/diff";
import { flowSchema } from "~/modules/ivr/model";
import { validateFlow } from "~/modules/ivr/validator";

describe("the demo tenants' IVR flows", () => {
  it("cover every demo tenant once", () => {
    expect(DEMO_FLOWS.map((f) => f.tenant).sort()).toEqual(["appestan", "avaye-hamrah", "bazarche"]);
  });

  for (const demo of DEMO_FLOWS) {
    describe(demo.tenant, () => {
      const ctx = { tenantLanguages: demo.languages, queueIds: demo.queueIds };

      for (const which of ["published", "draft"] as const) {
        it(`${which} parses and validates with no errors and no missing prompts`, () => {
          expect(flowSchema.safeParse(demo[which]).success).toBe(true);
          const issues = validateFlow(demo[which], ctx);
          expect(issues.filter((i) => i.severity === "error")).toEqual([]);
          expect(issues.filter((i) => i.code === "missingPrompt" || i.code === "unreachable")).toEqual([]);
        });
      }

      it("offers Persian and English, a main menu with an agent on 0, and an after-hours path", () => {
        const flow = flowSchema.parse(demo.published);
        const lang = flow.nodes.find((n) => n.type === "language");
        expect(lang?.type === "language" && lang.options.map((o) => o.language)).toEqual(["fa", "en"]);
        const main = flow.nodes.find((n) => n.id === "main");
        expect(main?.type === "menu" && main.options.map((o) => o.digit)).toContain("0");
        const hours = flow.nodes.find((n) => n.type === "hours");
        expect(hours?.type === "hours" && flow.nodes.find((n) => n.id === hours.closed)).toBeTruthy();
        expect(flow.nodes.some((n) => n.type === "voicemail")).toBe(true);
      });

      it("has a draft with changes pending", () => {
        const diff = diffFlows(flowSchema.parse(demo.published), flowSchema.parse(demo.draft));
        expect(isEmptyDiff(diff)).toBe(false);
        expect(diff.added.length).toBeGreaterThan(0);
        expect(diff.removed).toEqual([]);
        expect(demo.draftNote.length).toBeGreaterThan(0);
      });
    });
  }
});
