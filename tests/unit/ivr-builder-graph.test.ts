import { describe, expect, it } from "vitest";
import {
  addNode,
  connect,
  createNode,
  disconnect,
  moveNode,
  removeNode,
  renameNode,
  setStart,
  sourceHandles,
  targetOf,
  toEdges,
  uniqueNodeId,
  updateNode,
} from "~/components/ivr-builder/graph";
import { operatorFlowInput } from "~/modules/ivr/examples";
import { flowSchema, NODE_TYPES, nodeSchema, type FlowInput } from "~/modules/ivr/model";
import { validateFlow } from "~/modules/ivr/validator";

const clone = (): FlowInput => structuredClone(operatorFlowInput) as FlowInput;
const node = (flow: FlowInput, id: string) => flow.nodes.find((n) => n.id === id)!;

describe("ivr builder graph", () => {
  it("creates every kind with a unique slug id that parses as far as its blank fields allow", () => {
    let flow: FlowInput = { start: "", nodes: [] };
    for (const type of NODE_TYPES) {
      const added = addNode(flow, type);
      expect(added.id).toBe(`${type}-1`);
      flow = added.flow;
    }
    expect(flow.start).toBe("play-1");
    expect(new Set(flow.nodes.map((n) => n.id)).size).toBe(NODE_TYPES.length);
    expect(uniqueNodeId(flow, "menu")).toBe("menu-2");
    // Kinds without required targets or required text parse straight away.
    for (const type of ["play", "collect", "language", "voicemail", "hangup"] as const) {
      expect(nodeSchema.safeParse(createNode(type, "x")).success, type).toBe(true);
    }
    // New steps are stacked below the lowest one, not on top of each other.
    const ys = flow.nodes.map((n) => n.position!.y);
    expect(new Set(ys).size).toBe(ys.length);
  });

  it("a new step in a flow that has a start keeps that start", () => {
    const { flow, id } = addNode(clone(), "play", { x: 5, y: 6 });
    expect(flow.start).toBe("hours");
    expect(node(flow, id).position).toEqual({ x: 5, y: 6 });
  });

  it("maps the operator flow to one edge per connection, with the right handle and kind", () => {
    const edges = toEdges(clone());
    const main = edges.filter((e) => e.source === "main");
    expect(main.map((e) => [e.sourceHandle, e.target, e.data?.kind, e.data?.digit])).toEqual([
      ["options.0.next", "balance", "digit", "1"],
      ["options.1.next", "support-q", "digit", "2"],
      ["options.2.next", "complaint-no", "digit", "3"],
      ["options.3.next", "agent-q", "digit", "0"],
      ["fallback", "agent-q", "fallback", undefined],
    ]);
    expect(edges.filter((e) => e.source === "hours").map((e) => e.data?.kind)).toEqual(["open", "closed", "holiday"]);
    expect(edges.find((e) => e.source === "support-q")).toMatchObject({ sourceHandle: "overflow.next", target: "callback-vm", data: { kind: "overflow" } });
    expect(new Set(edges.map((e) => e.id)).size).toBe(edges.length);
    // Every handle an edge uses is one the node offers.
    for (const e of edges) expect(sourceHandles(node(clone(), e.source)).map((h) => h.field)).toContain(e.sourceHandle);
  });

  it("connects a menu key, the fallback, hours branches and a queue overflow into the right field", () => {
    let flow = clone();
    flow = connect(flow, "main", "options.1.next", "bye");
    flow = connect(flow, "main", "fallback", "welcome");
    flow = connect(flow, "hours", "holiday", "closed-msg");
    flow = connect(flow, "agent-q", "overflow.next", "callback-vm");
    flow = connect(flow, "callback-vm", "next", "bye");
    const main = node(flow, "main");
    expect(main.type === "menu" && main.options[1]).toEqual({ digit: "2", next: "bye" });
    expect(targetOf(main, "fallback")).toBe("welcome");
    expect(targetOf(node(flow, "hours"), "holiday")).toBe("closed-msg");
    const q = node(flow, "agent-q");
    expect(q.type === "queue" && q.overflow).toEqual({ afterSeconds: 300, next: "callback-vm" });
    expect(targetOf(node(flow, "callback-vm"), "next")).toBe("bye");
    expect(flowSchema.safeParse(flow).success).toBe(true);
  });

  it("ignores unknown steps, handles and targets", () => {
    const flow = clone();
    expect(connect(flow, "nope", "next", "bye")).toBe(flow);
    expect(connect(flow, "main", "options.9.next", "bye")).toBe(flow);
    expect(connect(flow, "main", "next", "bye")).toBe(flow);
    expect(connect(flow, "main", "fallback", "nope")).toBe(flow);
    expect(connect(flow, "bye", "next", "main")).toBe(flow);
    expect(disconnect(flow, "bye", "next")).toBe(flow);
  });

  it("disconnects optional fields by removing them and required ones by blanking them", () => {
    let flow = clone();
    flow = disconnect(flow, "main", "fallback");
    flow = disconnect(flow, "main", "options.0.next");
    flow = disconnect(flow, "hours", "open");
    flow = disconnect(flow, "support-q", "overflow.next");
    const main = node(flow, "main");
    expect(main.type === "menu" && "fallback" in main).toBe(false);
    expect(main.type === "menu" && main.options[0]).toEqual({ digit: "1", next: "" });
    const hours = node(flow, "hours");
    expect(hours.type === "hours" && hours.open).toBe("");
    expect("overflow" in node(flow, "support-q")).toBe(false);
    expect(toEdges(flow).some((e) => e.id === "main:fallback" || e.id === "main:options.0.next" || e.id === "hours:open")).toBe(false);
  });

  it("removes a step with every reference to it and moves the start", () => {
    let flow = removeNode(clone(), "agent-q");
    expect(flow.nodes.some((n) => n.id === "agent-q")).toBe(false);
    expect(toEdges(flow).some((e) => e.target === "agent-q")).toBe(false);
    const main = node(flow, "main");
    expect(main.type === "menu" && main.options[3]).toEqual({ digit: "0", next: "" });
    expect(main.type === "menu" && main.fallback).toBeUndefined();
    flow = removeNode(flow, "hours");
    expect(flow.start).toBe("welcome");
    expect(removeNode(flow, "nope")).toBe(flow);
  });

  it("sets the start only to an existing step", () => {
    const flow = clone();
    expect(setStart(flow, "main").start).toBe("main");
    expect(setStart(flow, "nope")).toBe(flow);
    expect(validateFlow(setStart(flow, "main"), { tenantLanguages: ["fa", "en"], queueIds: ["general", "support", "complaints"] }).some((i) => i.code === "unreachable")).toBe(true);
  });

  it("saves positions, rounded", () => {
    const flow = moveNode(clone(), "bye", { x: 10.4, y: -3.6 });
    expect(node(flow, "bye").position).toEqual({ x: 10, y: -4 });
  });

  it("renames a step and every reference, refusing taken or invalid ids", () => {
    const flow = renameNode(clone(), "agent-q", "agents");
    expect(toEdges(flow).filter((e) => e.target === "agents")).toHaveLength(3);
    expect(renameNode(clone(), "hours", "open-hours").start).toBe("open-hours");
    const original = clone();
    expect(renameNode(original, "main", "bye")).toBe(original);
    expect(renameNode(original, "main", "Main Menu")).toBe(original);
  });

  it("updates a step's fields but keeps its id", () => {
    const flow = updateNode(clone(), "bye", { id: "other", type: "hangup" });
    expect(node(flow, "bye")).toEqual({ id: "bye", type: "hangup" });
  });
});
