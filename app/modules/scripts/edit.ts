import { CLOSING, STEP_ID_RE, type Question, type QuestionKind, type ScriptDefinition, type ScriptLine, type ScriptSection, type ScriptStep } from "./model";

/**
 * The editor's changes to a definition, as pure functions returning a new definition (the portal
 * keeps the definition as React state). Renaming or removing a step rewires what pointed at it, so
 * the editor never leaves a reference behind by accident.
 */

type LineSection = Exclude<ScriptSection, "body">;

export function move<T>(list: readonly T[], from: number, to: number): T[] {
  if (from < 0 || from >= list.length || to < 0 || to >= list.length || from === to) return [...list];
  const copy = [...list];
  const [item] = copy.splice(from, 1);
  copy.splice(to, 0, item!);
  return copy;
}

export function addLine(def: ScriptDefinition, section: LineSection, kind: ScriptLine["kind"] = "say"): ScriptDefinition {
  return { ...def, [section]: [...def[section], { kind, text: {} }] };
}

export function updateLine(def: ScriptDefinition, section: LineSection, index: number, line: ScriptLine): ScriptDefinition {
  return { ...def, [section]: def[section].map((l, i) => (i === index ? line : l)) };
}

export function removeLine(def: ScriptDefinition, section: LineSection, index: number): ScriptDefinition {
  return { ...def, [section]: def[section].filter((_, i) => i !== index) };
}

export function moveLine(def: ScriptDefinition, section: LineSection, from: number, to: number): ScriptDefinition {
  return { ...def, [section]: move(def[section], from, to) };
}

/** A fresh id not used by any step: "step-1", "step-2", … */
export function freshStepId(def: ScriptDefinition, base = "step"): string {
  const used = new Set(def.body.map((s) => s.id));
  for (let n = def.body.length + 1; ; n++) if (!used.has(`${base}-${n}`)) return `${base}-${n}`;
}

/** A new empty step, after `after` (an index) or at the end; returns its id for the editor to focus. */
export function addStep(def: ScriptDefinition, after?: number): { def: ScriptDefinition; id: string } {
  const id = freshStepId(def);
  const step: ScriptStep = { id, prompt: {}, branches: [] };
  const at = after === undefined ? def.body.length : after + 1;
  return { def: { ...def, body: [...def.body.slice(0, at), step, ...def.body.slice(at)] }, id };
}

export function updateStep(def: ScriptDefinition, id: string, step: ScriptStep): ScriptDefinition {
  return { ...def, body: def.body.map((s) => (s.id === id ? step : s)) };
}

export function moveStep(def: ScriptDefinition, from: number, to: number): ScriptDefinition {
  return { ...def, body: move(def.body, from, to) };
}

function retarget(def: ScriptDefinition, from: string, to: string | undefined): ScriptDefinition {
  return {
    ...def,
    body: def.body.map((s) => ({
      ...s,
      next: s.next === from ? to : s.next,
      branches: s.branches.flatMap((b) => (b.next !== from ? [b] : to === undefined ? [] : [{ ...b, next: to }])),
    })),
  };
}

/**
 * Removes a step. What led to it is kept on course: a `next` naming it is cleared (so it falls through
 * to whatever follows, as the removed step did) and a branch to it is dropped.
 */
export function removeStep(def: ScriptDefinition, id: string): ScriptDefinition {
  return retarget({ ...def, body: def.body.filter((s) => s.id !== id) }, id, undefined);
}

export type RenameRefusal = "invalid" | "taken";

/** Renames a step and every reference to it; refused for a non-slug, "closing" or an id in use. */
export function renameStep(def: ScriptDefinition, from: string, to: string): { def: ScriptDefinition } | { error: RenameRefusal } {
  const id = to.trim();
  if (id === from) return { def };
  if (!STEP_ID_RE.test(id) || id === CLOSING) return { error: "invalid" };
  if (def.body.some((s) => s.id === id)) return { error: "taken" };
  const renamed = { ...def, body: def.body.map((s) => (s.id === from ? { ...s, id } : s)) };
  return { def: retarget(renamed, from, id) };
}

/**
 * Changes a step's question kind. Branches that the new kind cannot take are dropped (a yes/no
 * answer means nothing to a number question); options are kept when going from choice to choice.
 */
export function setQuestionKind(step: ScriptStep, kind: QuestionKind | null): ScriptStep {
  if (kind === null) return { ...step, question: undefined, branches: [] };
  if (step.question?.kind === kind) return step;
  const question: Question = kind === "choice" ? { kind, options: [] } : { kind };
  const keep = kind === "yesNo" ? step.branches.filter((b) => b.answer === "yes" || b.answer === "no") : [];
  return { ...step, question, branches: kind === "text" ? [] : keep };
}

/** A fresh option value for a choice: "option-1", "option-2", … */
export function freshOptionValue(step: ScriptStep): string {
  const used = new Set(step.question?.kind === "choice" ? step.question.options.map((o) => o.value) : []);
  for (let n = used.size + 1; ; n++) if (!used.has(`option-${n}`)) return `option-${n}`;
}
