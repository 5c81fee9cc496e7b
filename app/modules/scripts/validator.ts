import type { Language } from "../i18n/config";
import {
  answerValues,
  CLOSING,
  isEmptyText,
  isPlaceholder,
  PLACEHOLDER_RE,
  scriptDefinitionSchema,
  stepTargets,
  textIn,
  textsOf,
  type ScriptDefinition,
  type ScriptSection,
  type ScriptStep,
} from "./model";

/**
 * The check a script passes before it is published. Each issue points at where the editor shows it:
 * a body step (by id), a line of the opening or closing (by index), or the script as a whole. Its code
 * is a message key in locales/<lang>/scripts.json ("scripts:issue.<code>") with its params as the
 * message's {{placeholders}}. Errors block publishing; warnings are shown.
 */
export const SCRIPT_ISSUE_CODES = [
  "schema",
  "duplicateStepId",
  "unknownTarget",
  "unreachable",
  "noPathToClosing",
  "emptyText",
  "missingText",
  "unknownPlaceholder",
  "tooFewOptions",
  "duplicateOption",
  "branchWithoutQuestion",
  "branchMissingAnswer",
  "unknownAnswer",
  "duplicateBranch",
  "invalidRange",
  "emptyOpening",
  "emptyBody",
  "emptyClosing",
] as const;
export type ScriptIssueCode = (typeof SCRIPT_ISSUE_CODES)[number];

export interface ScriptIssue {
  /** null: the script as a whole. */
  section: ScriptSection | null;
  /** The body step the issue is on. */
  stepId: string | null;
  /** The opening or closing line the issue is on (0-based). */
  line: number | null;
  code: ScriptIssueCode;
  severity: "error" | "warning";
  params?: Record<string, string | number>;
}

export function scriptIssueKey(code: ScriptIssueCode) {
  return `scripts:issue.${code}` as const;
}

export function hasErrors(issues: readonly ScriptIssue[]) {
  return issues.some((i) => i.severity === "error");
}

/**
 * Shape errors come first and alone (checks on steps that do not parse would repeat the same problem
 * in other words). Once it parses, every rule runs and all issues are returned in script order:
 * opening, body, closing, then the script-wide ones.
 */
export interface ValidateOptions {
  /**
   * Placeholders the desktop fills besides its own: the custom fields of the campaigns that use the
   * script ("{{debtAmount}}" from a collection list).
   */
  placeholders?: readonly string[];
}

export function validateScript(definition: unknown, languages: readonly Language[], opts: ValidateOptions = {}): ScriptIssue[] {
  const parsed = scriptDefinitionSchema.safeParse(definition);
  if (!parsed.success) return schemaIssues(definition, parsed.error.issues);
  return [...textIssues(parsed.data, languages, new Set(opts.placeholders ?? [])), ...bodyIssues(parsed.data), ...emptyParts(parsed.data)].sort(
    (a, b) => order(parsed.data, a) - order(parsed.data, b),
  );
}

function order(def: ScriptDefinition, issue: ScriptIssue): number {
  if (issue.section === "opening") return issue.line ?? 0;
  if (issue.section === "body") return 1_000 + Math.max(0, def.body.findIndex((s) => s.id === issue.stepId));
  if (issue.section === "closing") return 2_000 + (issue.line ?? 0);
  return 3_000;
}

function schemaIssues(raw: unknown, zodIssues: readonly { path: (string | number)[]; message: string }[]): ScriptIssue[] {
  const rawBody = typeof raw === "object" && raw !== null && Array.isArray((raw as { body?: unknown }).body) ? (raw as { body: unknown[] }).body : [];
  return zodIssues.map((zi) => {
    const [head, index, ...rest] = zi.path;
    const at: Pick<ScriptIssue, "section" | "stepId" | "line"> = { section: null, stepId: null, line: null };
    let field = zi.path.join(".");
    if ((head === "opening" || head === "closing") && typeof index === "number") {
      Object.assign(at, { section: head, line: index });
      field = rest.join(".") || "text";
    } else if (head === "body" && typeof index === "number") {
      const step = rawBody[index];
      const id = typeof step === "object" && step !== null ? (step as { id?: unknown }).id : undefined;
      Object.assign(at, { section: "body", stepId: typeof id === "string" ? id : null });
      field = rest.join(".") || "id";
      if (at.stepId === null) field = `${index + 1}.${field}`;
    }
    return { ...at, code: "schema" as const, severity: "error" as const, params: { field: field || "script", reason: zi.message } };
  });
}

/** Empty texts, a missing tenant language, and placeholders the desktop cannot fill. */
function textIssues(def: ScriptDefinition, languages: readonly Language[], extra: ReadonlySet<string>): ScriptIssue[] {
  const issues: ScriptIssue[] = [];
  for (const { section, line, stepId, field, text, required } of textsOf(def)) {
    const at = { section, line, stepId };
    if (isEmptyText(text)) {
      if (required) issues.push({ ...at, code: "emptyText", severity: "error", params: { field } });
      continue;
    }
    // The desktop falls back to another language, but the agent would then read to the customer in
    // a language the customer did not choose: worth fixing, not worth blocking a publish.
    for (const language of languages) {
      if (textIn(text, language) === null) issues.push({ ...at, code: "missingText", severity: "warning", params: { field, language } });
    }
    const unknown = new Set<string>();
    for (const value of Object.values(text)) {
      for (const m of (value ?? "").matchAll(PLACEHOLDER_RE)) if (!isPlaceholder(m[1]!) && !extra.has(m[1]!)) unknown.add(m[1]!);
    }
    for (const name of unknown) issues.push({ ...at, code: "unknownPlaceholder", severity: "error", params: { field, name } });
  }
  return issues;
}

function bodyIssues(def: ScriptDefinition): ScriptIssue[] {
  const issues: ScriptIssue[] = [];
  const at = (step: ScriptStep) => ({ section: "body" as const, stepId: step.id, line: null });
  const indexById = new Map<string, number>();
  def.body.forEach((step, i) => {
    if (indexById.has(step.id)) issues.push({ ...at(step), code: "duplicateStepId", severity: "error", params: { id: step.id } });
    else indexById.set(step.id, i);
  });
  const known = (target: string) => target === CLOSING || indexById.has(target);

  def.body.forEach((step, i) => {
    issues.push(...questionIssues(step).map((x) => ({ ...at(step), ...x })));
    for (const { field, target } of stepTargets(def, i)) {
      if (!known(target)) issues.push({ ...at(step), code: "unknownTarget", severity: "error", params: { field, target } });
    }
  });
  // With a duplicate id the wiring is ambiguous; the duplicate is reported and blocks publishing first.
  if (indexById.size === def.body.length) issues.push(...graphIssues(def, indexById));
  return issues;
}

type StepFinding = Pick<ScriptIssue, "code" | "severity" | "params">;

function questionIssues(step: ScriptStep): StepFinding[] {
  const issues: StepFinding[] = [];
  const q = step.question;
  if (q?.kind === "choice") {
    if (q.options.length < 2) issues.push({ code: "tooFewOptions", severity: "error", params: { count: q.options.length } });
    const seen = new Set<string>();
    for (const o of q.options) {
      if (seen.has(o.value)) issues.push({ code: "duplicateOption", severity: "error", params: { value: o.value } });
      seen.add(o.value);
    }
  }
  if (q?.kind === "number" && q.min !== undefined && q.max !== undefined && q.min > q.max) {
    issues.push({ code: "invalidRange", severity: "error", params: { field: "question" } });
  }
  if (step.branches.length === 0) return issues;
  if (!q || q.kind === "text") {
    issues.push({ code: "branchWithoutQuestion", severity: "error", params: { count: step.branches.length } });
    return issues;
  }
  const values = answerValues(q);
  const seen = new Set<string>();
  step.branches.forEach((b, i) => {
    const field = `branches.${i}`;
    if (q.kind === "number") {
      if (b.min === undefined && b.max === undefined) issues.push({ code: "branchMissingAnswer", severity: "error", params: { field } });
      else if (b.min !== undefined && b.max !== undefined && b.min > b.max) issues.push({ code: "invalidRange", severity: "error", params: { field } });
      return;
    }
    if (!b.answer) {
      issues.push({ code: "branchMissingAnswer", severity: "error", params: { field } });
      return;
    }
    if (values && !values.includes(b.answer)) issues.push({ code: "unknownAnswer", severity: "error", params: { field, answer: b.answer } });
    // A second branch for one answer would never be taken: the first match wins.
    else if (seen.has(b.answer)) issues.push({ code: "duplicateBranch", severity: "error", params: { field, answer: b.answer } });
    seen.add(b.answer);
  });
  return issues;
}

/**
 * Steps the agent can never reach from the first one, and steps from which no sequence of answers
 * reaches the closing (the agent would go round in circles with no way to end the call properly).
 */
function graphIssues(def: ScriptDefinition, indexById: Map<string, number>): ScriptIssue[] {
  const edges = new Map<string, string[]>();
  def.body.forEach((step, i) => {
    if (edges.has(step.id)) return;
    edges.set(
      step.id,
      stepTargets(def, i)
        .map((t) => t.target)
        // An unknown target is reported on its own; the runner ends the body there, as the closing would.
        .map((t) => (indexById.has(t) ? t : CLOSING)),
    );
  });
  const reachable = new Set<string>();
  const stack = def.body[0] ? [def.body[0].id] : [];
  while (stack.length) {
    const id = stack.pop()!;
    if (reachable.has(id) || id === CLOSING) continue;
    reachable.add(id);
    stack.push(...(edges.get(id) ?? []));
  }
  const reverse = new Map<string, string[]>();
  for (const [from, tos] of edges) for (const to of tos) reverse.set(to, [...(reverse.get(to) ?? []), from]);
  const exits = new Set<string>();
  const back = [...(reverse.get(CLOSING) ?? [])];
  while (back.length) {
    const id = back.pop()!;
    if (exits.has(id)) continue;
    exits.add(id);
    back.push(...(reverse.get(id) ?? []));
  }
  const issues: ScriptIssue[] = [];
  for (const id of edges.keys()) {
    const at = { section: "body" as const, stepId: id, line: null };
    if (!reachable.has(id)) issues.push({ ...at, code: "unreachable", severity: "warning" });
    else if (!exits.has(id)) issues.push({ ...at, code: "noPathToClosing", severity: "error" });
  }
  return issues;
}

function emptyParts(def: ScriptDefinition): ScriptIssue[] {
  const issues: ScriptIssue[] = [];
  const whole = (section: ScriptSection, code: ScriptIssueCode): ScriptIssue => ({ section, stepId: null, line: null, code, severity: "warning" });
  if (def.opening.length === 0) issues.push(whole("opening", "emptyOpening"));
  if (def.body.length === 0) issues.push(whole("body", "emptyBody"));
  if (def.closing.length === 0) issues.push(whole("closing", "emptyClosing"));
  return issues;
}
