import type { LpBuilder } from "./roster-lp";
import type { Prepared } from "./roster-prepare";

/**
 * The coverage part shared by the models: rows that meet each queue's heads per interval from the
 * groups' presence (`groupTerms[g][t]`: columns and how many agents each puts at work then).
 *
 * Over-coverage needs no variables: every working agent-interval is allocated to some queue, so
 *   Σ over = Σ presence − Σ requirement + Σ under;
 * the caller puts `over × presence` on its shift columns, and here under costs weight·under + over
 * and the constant −over·Σ requirement goes to the offset. Rows are inequalities, which the simplex
 * solves several times faster than the equalities of an explicit over variable.
 *
 * A single-queue group's presence enters its queue's row directly; a multi-queue group's presence is
 * shared out over its queues by allocation columns y[g,q,t] (Σ_q y ≤ presence).
 */
export interface FullCoverage {
  /** Allocation columns, for splitting demand by the solution. */
  allocation: { group: number; queue: number; t: number; col: number }[];
  /** Per group and interval: could any column put an agent at work then? */
  coverable: Uint8Array[];
  offset: number;
}

export type GroupTerms = { idx: number[]; val: number[] }[][];

export function emptyGroupTerms(p: Prepared): GroupTerms {
  return p.groups.map(() => Array.from({ length: p.slots }, () => ({ idx: [] as number[], val: [] as number[] })));
}

/** Constant cost: −over·Σ requirement, plus requirement no group can ever cover. */
export function coverageOffset(p: Prepared, coverable: readonly Uint8Array[]): number {
  const w = p.weights;
  const servedBy = p.queues.map(() => [] as number[]);
  p.groups.forEach((g, gi) => g.queues.forEach((q) => servedBy[q]!.push(gi)));
  let offset = 0;
  p.queues.forEach((queue, q) => {
    for (let t = 0; t < p.slots; t++) {
      const need = queue.required[t]!;
      if (need <= 0) continue;
      offset -= w.over * need;
      if (!servedBy[q]!.some((g) => coverable[g]![t])) offset += (w.under * queue.weight + w.over) * need;
    }
  });
  return offset;
}

export function addFullCoverage(lp: LpBuilder, p: Prepared, groupTerms: GroupTerms): FullCoverage {
  const w = p.weights;
  const allocation: FullCoverage["allocation"] = [];
  const coverable = groupTerms.map((rows) => Uint8Array.from(rows, (r) => (r.idx.length > 0 ? 1 : 0)));
  const queueTerms = p.queues.map(() => Array.from({ length: p.slots }, () => ({ idx: [] as number[], val: [] as number[] })));
  p.groups.forEach((g, gi) => {
    for (let t = 0; t < p.slots; t++) {
      const term = groupTerms[gi]![t]!;
      if (term.idx.length === 0) continue;
      const needy = g.queues.filter((q) => p.queues[q]!.required[t]! > 0);
      // With one queue needing heads now the group is single-queue for this interval.
      if (needy.length === 1) {
        const qt = queueTerms[needy[0]!]![t]!;
        qt.idx.push(...term.idx);
        qt.val.push(...term.val);
        continue;
      }
      if (needy.length === 0) continue;
      const ys = needy.map((q) => {
        const y = lp.addCol(0, 0, p.queues[q]!.required[t]!);
        allocation.push({ group: gi, queue: q, t, col: y });
        queueTerms[q]![t]!.idx.push(y);
        queueTerms[q]![t]!.val.push(1);
        return y;
      });
      lp.addRow(Number.NEGATIVE_INFINITY, 0, [...ys, ...term.idx], [...ys.map(() => 1), ...term.val.map((v) => -v)]);
    }
  });
  p.queues.forEach((q, qi) => {
    for (let t = 0; t < p.slots; t++) {
      const need = q.required[t]!;
      const term = queueTerms[qi]![t]!;
      if (need <= 0 || term.idx.length === 0) continue;
      const u = lp.addCol(w.under * q.weight + w.over, 0, need);
      lp.addRow(need, Number.POSITIVE_INFINITY, [...term.idx, u], [...term.val, 1]);
    }
  });
  return { allocation, coverable, offset: coverageOffset(p, coverable) };
}
