import type { Edge } from "@xyflow/react";
import { nodeTargets, NODE_ID_RE, type FlowInput, type IvrNode, type NodeType } from "~/modules/ivr/model";

/**
 * Pure graph operations of the IVR builder, on the flow as the editor holds it (FlowInput: defaults
 * not yet applied, half-built steps allowed). Every function returns a new flow and never mutates.
 *
 * A connection is named by its source node and its "handle", which is the field that holds the
 * target, exactly as nodeTargets() names it: "next", "fallback", "open", "closed", "holiday",
 * "overflow.next" and "options.<i>.next" for a menu key.
 */
export type NodeInput = FlowInput["nodes"][number];
export type Position = { x: number; y: number };

export type EdgeKind = "digit" | "next" | "fallback" | "open" | "closed" | "holiday" | "overflow";

export interface EdgeData extends Record<string, unknown> {
  field: string;
  kind: EdgeKind;
  /** The key of a menu option, for kind "digit". */
  digit?: string;
}

const OPTION_NEXT_RE = /^options\.(\d+)\.next$/;

/** A fresh step of a kind, with defaults that parse (prompts empty: the validator asks for them). */
export function createNode(type: NodeType, id: string, position?: Position): NodeInput {
  const pos = position ? { position } : {};
  switch (type) {
    case "play":
      return { id, type, prompt: { text: {} }, ...pos };
    case "menu":
      return { id, type, prompt: { text: {} }, options: [{ digit: "1", next: "" }], timeoutSeconds: 5, maxRetries: 2, ...pos };
    case "collect":
      return { id, type, prompt: { text: {} }, variable: "input", minDigits: 1, maxDigits: 16, finishOnKey: "#", timeoutSeconds: 5, maxRetries: 2, ...pos };
    case "hours":
      return { id, type, open: "", closed: "", ...pos };
    case "language":
      return { id, type, prompt: { text: {} }, options: [{ digit: "1", language: "fa" }], timeoutSeconds: 5, maxRetries: 2, ...pos };
    case "queue":
      return { id, type, queueId: "", announcePosition: false, announceWait: false, ...pos };
    case "voicemail":
      return { id, type, prompt: { text: {} }, maxSeconds: 120, ...pos };
    case "transfer":
      return { id, type, number: "", ...pos };
    case "hangup":
      return { id, type, ...pos };
  }
}

/** "<kind>-<n>" with the smallest n not taken (ids are slugs, see NODE_ID_RE). */
export function uniqueNodeId(flow: FlowInput, type: NodeType): string {
  const taken = new Set(flow.nodes.map((n) => n.id));
  for (let n = 1; ; n++) {
    const id = `${type}-${n}`;
    if (!taken.has(id)) return id;
  }
}

/** Where a new step goes when none is given: under the lowest step, so it is never on top of another. */
export function nextFreePosition(flow: FlowInput): Position {
  const placed = flow.nodes.map((n) => n.position).filter((p): p is Position => p !== undefined);
  if (!placed.length) return { x: 0, y: flow.nodes.length * 140 };
  const maxY = Math.max(...placed.map((p) => p.y));
  const minX = Math.min(...placed.map((p) => p.x));
  return { x: minX, y: maxY + 140 };
}

/** Adds a step; the first step of an empty flow (or of one whose start is missing) becomes the start. */
export function addNode(flow: FlowInput, type: NodeType, position?: Position): { flow: FlowInput; id: string } {
  const id = uniqueNodeId(flow, type);
  const node = createNode(type, id, position ?? nextFreePosition(flow));
  const startKnown = flow.nodes.some((n) => n.id === flow.start);
  return { id, flow: { ...flow, start: startKnown ? flow.start : id, nodes: [...flow.nodes, node] } };
}

export function findNode(flow: FlowInput, id: string): NodeInput | undefined {
  return flow.nodes.find((n) => n.id === id);
}

/** The outgoing connections of a step (targets left blank while editing are not connections). */
export function targetsOf(node: NodeInput): { field: string; target: string }[] {
  // nodeTargets only reads the target fields, whose input and output shapes are the same.
  return nodeTargets(node as unknown as IvrNode).filter((t) => t.target !== "");
}

/** The handles a step offers for outgoing connections, in display order. */
export function sourceHandles(node: NodeInput): { field: string; kind: EdgeKind; digit?: string }[] {
  switch (node.type) {
    case "play":
    case "language":
    case "voicemail":
      return [{ field: "next", kind: "next" }];
    case "collect":
      return [
        { field: "next", kind: "next" },
        { field: "fallback", kind: "fallback" },
      ];
    case "menu":
      return [...node.options.map((o, i) => ({ field: `options.${i}.next`, kind: "digit" as const, digit: o.digit })), { field: "fallback", kind: "fallback" }];
    case "hours":
      return [
        { field: "open", kind: "open" },
        { field: "closed", kind: "closed" },
        { field: "holiday", kind: "holiday" },
      ];
    case "queue":
      return [{ field: "overflow.next", kind: "overflow" }];
    case "transfer":
    case "hangup":
      return [];
  }
}

/** Where a step's handle points, or undefined when it is not connected. */
export function targetOf(node: NodeInput, field: string): string | undefined {
  return targetsOf(node).find((t) => t.field === field)?.target;
}

function hasHandle(node: NodeInput, field: string) {
  return sourceHandles(node).some((h) => h.field === field);
}

/** Sets (target) or clears (undefined) the field behind one handle of one step. */
function setTarget(node: NodeInput, field: string, target: string | undefined): NodeInput {
  const option = OPTION_NEXT_RE.exec(field);
  if (option && node.type === "menu") {
    const i = Number(option[1]);
    // A menu key always has a next step in the model: a cleared one is left blank for the editor.
    return { ...node, options: node.options.map((o, j) => (j === i ? { ...o, next: target ?? "" } : o)) };
  }
  if (field === "overflow.next" && node.type === "queue") {
    if (target === undefined) {
      const { overflow: _dropped, ...rest } = node;
      return rest;
    }
    return { ...node, overflow: { afterSeconds: node.overflow?.afterSeconds ?? 300, next: target } };
  }
  if (node.type === "hours" && (field === "open" || field === "closed")) return { ...node, [field]: target ?? "" };
  if (target === undefined) {
    const copy = { ...node } as Record<string, unknown>;
    delete copy[field];
    return copy as NodeInput;
  }
  return { ...node, [field]: target } as NodeInput;
}

function mapNode(flow: FlowInput, id: string, f: (node: NodeInput) => NodeInput): FlowInput {
  return { ...flow, nodes: flow.nodes.map((n) => (n.id === id ? f(n) : n)) };
}

/** Connects a step's handle to a target step; an unknown step, handle or target changes nothing. */
export function connect(flow: FlowInput, source: string, handle: string, target: string): FlowInput {
  const node = findNode(flow, source);
  if (!node || !hasHandle(node, handle) || !findNode(flow, target)) return flow;
  return mapNode(flow, source, (n) => setTarget(n, handle, target));
}

/** Removes the connection behind a step's handle. */
export function disconnect(flow: FlowInput, source: string, handle: string): FlowInput {
  const node = findNode(flow, source);
  if (!node || !hasHandle(node, handle)) return flow;
  return mapNode(flow, source, (n) => setTarget(n, handle, undefined));
}

/** Deletes a step and every connection into it; the start moves to the first remaining step. */
export function removeNode(flow: FlowInput, id: string): FlowInput {
  if (!findNode(flow, id)) return flow;
  const nodes = flow.nodes
    .filter((n) => n.id !== id)
    .map((n) => targetsOf(n).reduce((acc, t) => (t.target === id ? setTarget(acc, t.field, undefined) : acc), n));
  const start = flow.start === id ? (nodes[0]?.id ?? "") : flow.start;
  return { ...flow, start, nodes };
}

export function setStart(flow: FlowInput, id: string): FlowInput {
  return findNode(flow, id) ? { ...flow, start: id } : flow;
}

export function moveNode(flow: FlowInput, id: string, position: Position): FlowInput {
  return mapNode(flow, id, (n) => ({ ...n, position: { x: Math.round(position.x), y: Math.round(position.y) } }));
}

/** Replaces a step's fields (its id stays; use renameNode to change it). */
export function updateNode(flow: FlowInput, id: string, node: NodeInput): FlowInput {
  return mapNode(flow, id, () => ({ ...node, id }));
}

/** Renames a step and every reference to it; refused (unchanged) for an invalid or taken id. */
export function renameNode(flow: FlowInput, from: string, to: string): FlowInput {
  if (from === to || !findNode(flow, from) || findNode(flow, to) || !NODE_ID_RE.test(to)) return flow;
  const nodes = flow.nodes.map((n) => {
    const renamed = n.id === from ? { ...n, id: to } : n;
    return targetsOf(renamed).reduce((acc, t) => (t.target === from ? setTarget(acc, t.field, to) : acc), renamed);
  });
  return { ...flow, start: flow.start === from ? to : flow.start, nodes };
}

/** The flow's connections as xyflow edges; one per handle, only to steps that exist. */
export function toEdges(flow: FlowInput): Edge<EdgeData>[] {
  const ids = new Set(flow.nodes.map((n) => n.id));
  const edges: Edge<EdgeData>[] = [];
  for (const node of flow.nodes) {
    const handles = new Map(sourceHandles(node).map((h) => [h.field, h]));
    for (const { field, target } of targetsOf(node)) {
      const handle = handles.get(field);
      if (!handle || !ids.has(target)) continue;
      const data: EdgeData = { field, kind: handle.kind, ...(handle.digit !== undefined ? { digit: handle.digit } : {}) };
      edges.push({ id: `${node.id}:${field}`, source: node.id, sourceHandle: field, target, data });
    }
  }
  return edges;
}
