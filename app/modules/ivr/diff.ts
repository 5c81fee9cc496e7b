import type { Flow, IvrNode } from "./model";

/**
 * What changed between two versions of a flow, for the version history ("3 nodes changed, 1 added").
 * Pure. Node ids are the identity: a node whose id is kept but whose content differs is "changed";
 * a node that only moved on the canvas is "moved", not "changed" (layout is not behaviour).
 */
export interface FlowDiff {
  added: string[];
  removed: string[];
  changed: string[];
  moved: string[];
  startChanged: boolean;
  goodbyeChanged: boolean;
}

export function isEmptyDiff(diff: FlowDiff): boolean {
  return !diff.added.length && !diff.removed.length && !diff.changed.length && !diff.moved.length && !diff.startChanged && !diff.goodbyeChanged;
}

/** `before` null means the first version: every node counts as added. Lists keep flow order. */
export function diffFlows(before: Flow | null, after: Flow): FlowDiff {
  const old = new Map((before?.nodes ?? []).map((n) => [n.id, n] as const));
  const now = new Map(after.nodes.map((n) => [n.id, n] as const));
  const diff: FlowDiff = {
    added: [],
    removed: [],
    changed: [],
    moved: [],
    startChanged: before !== null && before.start !== after.start,
    goodbyeChanged: before !== null && canonical(before.goodbye ?? null) !== canonical(after.goodbye ?? null),
  };
  for (const node of now.values()) {
    const prev = old.get(node.id);
    if (!prev) diff.added.push(node.id);
    else if (canonical(withoutPosition(prev)) !== canonical(withoutPosition(node))) diff.changed.push(node.id);
    else if (canonical(prev.position ?? null) !== canonical(node.position ?? null)) diff.moved.push(node.id);
  }
  for (const node of old.values()) if (!now.has(node.id)) diff.removed.push(node.id);
  return diff;
}

function withoutPosition(node: IvrNode): Omit<IvrNode, "position"> {
  const { position: _position, ...rest } = node;
  return rest;
}

/**
 * JSON with object keys sorted, so two equal values stored through jsonb (which reorders keys) and
 * built in the editor compare equal. `undefined` members are dropped as JSON.stringify does.
 */
export function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? "null" : canonical(v))).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}
