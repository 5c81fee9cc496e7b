import { describe, expect, it } from "vitest";
import { canonical, diffFlows, isEmptyDiff } from "~/modules/ivr/diff";
import { operatorFlow } from "~/modules/ivr/examples";
import type { Flow } from "~/modules/ivr/model";

const clone = (f: Flow): Flow => JSON.parse(JSON.stringify(f)) as Flow;

describe("diffFlows", () => {
  it("counts every node as added for a first version", () => {
    const d = diffFlows(null, operatorFlow);
    expect(d.added).toEqual(operatorFlow.nodes.map((n) => n.id));
    expect(d.removed).toEqual([]);
    expect(d.startChanged).toBe(false);
  });

  it("finds nothing between equal flows, whatever the key order", () => {
    const reordered = JSON.parse(canonical(operatorFlow)) as Flow;
    expect(isEmptyDiff(diffFlows(operatorFlow, reordered))).toBe(true);
  });

  it("reports added, removed and changed node ids in flow order", () => {
    const next = clone(operatorFlow);
    next.nodes = next.nodes.filter((n) => n.id !== "balance");
    next.nodes.push({ id: "promo", type: "play", prompt: { text: { fa: "تخفیف" } }, next: "main" });
    const main = next.nodes.find((n) => n.id === "main")!;
    if (main.type === "menu") main.options = main.options.filter((o) => o.digit !== "1");
    const d = diffFlows(operatorFlow, next);
    expect(d).toMatchObject({ added: ["promo"], removed: ["balance"], changed: ["main"], moved: [] });
  });

  it("reports a node that only moved on the canvas as moved, not changed", () => {
    const next = clone(operatorFlow);
    next.nodes[0]!.position = { x: 999, y: 1 };
    const d = diffFlows(operatorFlow, next);
    expect(d.changed).toEqual([]);
    expect(d.moved).toEqual([operatorFlow.nodes[0]!.id]);
  });

  it("notices a new start node and goodbye message", () => {
    const next = { ...clone(operatorFlow), start: "welcome", goodbye: { text: { fa: "خدانگهدار" } } };
    const d = diffFlows(operatorFlow, next);
    expect(d.startChanged).toBe(true);
    expect(d.goodbyeChanged).toBe(true);
  });

  it("canonical sorts keys and drops undefined members", () => {
    expect(canonical({ b: 1, a: [1, { d: undefined, c: "x" }] })).toBe('{"a":[1,{"c":"x"}],"b":1}');
  });
});
