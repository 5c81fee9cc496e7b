import type { Language } from "../i18n/config";
import { flowSchema, INPUT_NODE_TYPES, isEmptyPrompt, isTerminal, nodeTargets, promptText, type Flow, type IvrNode, type Prompt } from "./model";

/**
 * The check a flow passes before it is published. Each issue points at a node (or at the flow, with
 * nodeId null) and carries a code that is a message key in locales/<lang>/ivr.json ("ivr:issue.<code>"),
 * with its params as the message's {{placeholders}}. Errors block publishing; warnings are shown.
 */
export const ISSUE_CODES = [
  "schema",
  "duplicateNodeId",
  "startMissing",
  "unknownTarget",
  "unreachable",
  "deadEnd",
  "loopWithoutInput",
  "menuWithoutFallback",
  "emptyPrompt",
  "missingPrompt",
  "unknownQueue",
  "duplicateDigit",
  "languageNotEnabled",
] as const;
export type IssueCode = (typeof ISSUE_CODES)[number];

export interface Issue {
  nodeId: string | null;
  code: IssueCode;
  severity: "error" | "warning";
  params?: Record<string, string | number>;
}

export interface ValidationContext {
  tenantLanguages: Language[];
  queueIds: string[];
}

export function issueMessageKey(code: IssueCode) {
  return `ivr:issue.${code}` as const;
}

export function hasErrors(issues: readonly Issue[]) {
  return issues.some((i) => i.severity === "error");
}

/**
 * Shape errors come first and alone: graph checks on a flow whose nodes do not parse would only
 * repeat the same problem in other words. Once it parses, every graph rule runs and all issues are
 * returned, in node order, so the editor can mark every node at once.
 */
export function validateFlow(flow: unknown, ctx: ValidationContext): Issue[] {
  const parsed = flowSchema.safeParse(flow);
  if (!parsed.success) return schemaIssues(flow, parsed.error.issues);
  return graphIssues(parsed.data, ctx);
}

function schemaIssues(raw: unknown, zodIssues: readonly { path: (string | number)[]; message: string }[]): Issue[] {
  const rawNodes = typeof raw === "object" && raw !== null && Array.isArray((raw as { nodes?: unknown }).nodes) ? (raw as { nodes: unknown[] }).nodes : [];
  return zodIssues.map((zi) => {
    let nodeId: string | null = null;
    let field = zi.path.join(".");
    if (zi.path[0] === "nodes" && typeof zi.path[1] === "number") {
      const rawNode = rawNodes[zi.path[1]];
      const id = typeof rawNode === "object" && rawNode !== null ? (rawNode as { id?: unknown }).id : undefined;
      nodeId = typeof id === "string" ? id : null;
      field = zi.path.slice(2).join(".") || (nodeId === null ? field : "id");
    }
    return { nodeId, code: "schema", severity: "error", params: { field: field || "flow", reason: zi.message } };
  });
}

function graphIssues(flow: Flow, ctx: ValidationContext): Issue[] {
  const issues: Issue[] = [];
  const byId = new Map<string, IvrNode>();
  for (const node of flow.nodes) {
    if (byId.has(node.id)) issues.push({ nodeId: node.id, code: "duplicateNodeId", severity: "error", params: { id: node.id } });
    else byId.set(node.id, node);
  }
  if (!byId.has(flow.start)) issues.push({ nodeId: null, code: "startMissing", severity: "error", params: { id: flow.start } });

  const edges = new Map<string, string[]>();
  for (const node of byId.values()) {
    const known: string[] = [];
    for (const { target } of nodeTargets(node)) {
      if (byId.has(target)) known.push(target);
      else issues.push({ nodeId: node.id, code: "unknownTarget", severity: "error", params: { target } });
    }
    edges.set(node.id, known);
  }

  const reachable = new Set<string>();
  const stack = byId.has(flow.start) ? [flow.start] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id)) continue;
    reachable.add(id);
    stack.push(...(edges.get(id) ?? []));
  }

  for (const node of byId.values()) {
    if (byId.has(flow.start) && !reachable.has(node.id)) issues.push({ nodeId: node.id, code: "unreachable", severity: "warning" });
    if (isDeadEnd(node)) issues.push({ nodeId: node.id, code: "deadEnd", severity: "error" });
    if (node.type === "menu" && node.fallback === undefined) issues.push({ nodeId: node.id, code: "menuWithoutFallback", severity: "warning" });
    if (node.type === "queue" && !ctx.queueIds.includes(node.queueId)) {
      issues.push({ nodeId: node.id, code: "unknownQueue", severity: "error", params: { queueId: node.queueId } });
    }
    if (node.type === "menu" || node.type === "language") {
      const seen = new Set<string>();
      for (const { digit } of node.options) {
        if (seen.has(digit)) issues.push({ nodeId: node.id, code: "duplicateDigit", severity: "error", params: { digit } });
        seen.add(digit);
      }
    }
    if (node.type === "language") {
      for (const { language } of node.options) {
        if (!ctx.tenantLanguages.includes(language)) issues.push({ nodeId: node.id, code: "languageNotEnabled", severity: "warning", params: { language } });
      }
    }
    for (const [field, prompt, required] of promptsOf(node)) issues.push(...promptIssues(node.id, field, prompt, required, ctx.tenantLanguages));
  }
  issues.push(...promptIssues(null, "goodbye", flow.goodbye, false, ctx.tenantLanguages));
  issues.push(...inputlessLoops(flow, byId, edges));
  return issues;
}

/**
 * A node whose way on is missing. Menus and collects without fallback are not dead ends: after their
 * retries the interpreter says goodbye and hangs up, which is a designed ending (menus get a warning).
 */
function isDeadEnd(node: IvrNode): boolean {
  if (isTerminal(node)) return false;
  switch (node.type) {
    case "play":
    case "collect":
    case "language":
      return node.next === undefined;
    default:
      return false;
  }
}

function promptsOf(node: IvrNode): [field: string, prompt: Prompt | undefined, required: boolean][] {
  switch (node.type) {
    case "play":
    case "voicemail":
      return [["prompt", node.prompt, true]];
    case "menu":
    case "collect":
    case "language":
      return [
        ["prompt", node.prompt, true],
        ["invalidPrompt", node.invalidPrompt, false],
        ["timeoutPrompt", node.timeoutPrompt, false],
      ];
    case "queue":
      return [
        ["holdPrompt", node.holdPrompt, false],
        ["callback.prompt", node.callback?.prompt, false],
        ["callback.acceptedPrompt", node.callback?.acceptedPrompt, false],
      ];
    case "hangup":
      return [["message", node.message, false]];
    case "hours":
    case "transfer":
      return [];
  }
}

function promptIssues(nodeId: string | null, field: string, prompt: Prompt | undefined, required: boolean, languages: readonly Language[]): Issue[] {
  if (isEmptyPrompt(prompt)) return required ? [{ nodeId, code: "emptyPrompt", severity: "error", params: { field } }] : [];
  // A recording serves every language; without one each tenant language needs its own text.
  if (prompt?.audioUrl) return [];
  return languages
    .filter((language) => promptText(prompt, language) === null)
    .map((language) => ({ nodeId, code: "missingPrompt" as const, severity: "warning" as const, params: { field, language } }));
}

/**
 * Cycles made only of nodes that never wait for the caller: the interpreter would run them forever
 * within one step. Found as strongly connected components (Tarjan) of the input-free subgraph; one
 * issue per cycle, on its first node in flow order.
 */
function inputlessLoops(flow: Flow, byId: Map<string, IvrNode>, edges: Map<string, string[]>): Issue[] {
  const free = (id: string) => !INPUT_NODE_TYPES.includes(byId.get(id)!.type);
  const order = new Map(flow.nodes.map((n, i) => [n.id, i] as const));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const onStack = new Set<string>();
  const stack: string[] = [];
  const issues: Issue[] = [];
  let counter = 0;

  const visit = (id: string) => {
    index.set(id, counter);
    low.set(id, counter);
    counter++;
    stack.push(id);
    onStack.add(id);
    for (const next of edges.get(id) ?? []) {
      if (!free(next)) continue;
      if (!index.has(next)) {
        visit(next);
        low.set(id, Math.min(low.get(id)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(id, Math.min(low.get(id)!, index.get(next)!));
      }
    }
    if (low.get(id) !== index.get(id)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(member);
    } while (member !== id);
    const selfLoop = component.length === 1 && (edges.get(id) ?? []).includes(id);
    if (component.length > 1 || selfLoop) {
      component.sort((a, b) => order.get(a)! - order.get(b)!);
      issues.push({ nodeId: component[0]!, code: "loopWithoutInput", severity: "error", params: { nodes: component.join(" → ") } });
    }
  };
  for (const id of byId.keys()) if (free(id) && !index.has(id)) visit(id);
  return issues.sort((a, b) => order.get(a.nodeId!)! - order.get(b.nodeId!)!);
}
