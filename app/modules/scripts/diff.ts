import { canonical } from "../ivr/diff";
import type { ScriptDefinition } from "./model";

/**
 * What changed between two versions of a script, for the version history. Pure. Step ids are the
 * identity; a step that only changed place in the list is "moved" (its fall-through may differ, which
 * the validator and preview show). Opening and closing are compared as whole sections.
 */
export interface ScriptDiff {
  added: string[];
  removed: string[];
  changed: string[];
  moved: string[];
  openingChanged: boolean;
  closingChanged: boolean;
}

export function isEmptyScriptDiff(d: ScriptDiff): boolean {
  return !d.added.length && !d.removed.length && !d.changed.length && !d.moved.length && !d.openingChanged && !d.closingChanged;
}

export function diffScripts(before: ScriptDefinition, after: ScriptDefinition): ScriptDiff {
  const old = new Map(before.body.map((s, i) => [s.id, { s, i }] as const));
  const now = new Set(after.body.map((s) => s.id));
  const diff: ScriptDiff = {
    added: [],
    removed: before.body.filter((s) => !now.has(s.id)).map((s) => s.id),
    changed: [],
    moved: [],
    openingChanged: canonical(before.opening) !== canonical(after.opening),
    closingChanged: canonical(before.closing) !== canonical(after.closing),
  };
  // Positions are compared among the steps both versions have, so one insertion does not "move" the rest.
  const keptBefore = before.body.filter((s) => now.has(s.id)).map((s) => s.id);
  const keptAfter = after.body.filter((s) => old.has(s.id)).map((s) => s.id);
  for (const step of after.body) {
    const prev = old.get(step.id);
    if (!prev) diff.added.push(step.id);
    else if (canonical(prev.s) !== canonical(step)) diff.changed.push(step.id);
    else if (keptBefore.indexOf(step.id) !== keptAfter.indexOf(step.id)) diff.moved.push(step.id);
  }
  return diff;
}

export { canonical };
