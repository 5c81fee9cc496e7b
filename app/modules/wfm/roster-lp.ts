import type { Highs, ModelData } from "highs";

/** Row-wise sparse model assembly for HiGHS: columns with bounds and costs, rows as (index, value) lists. */
export class LpBuilder {
  readonly cost: number[] = [];
  readonly lower: number[] = [];
  readonly upper: number[] = [];
  readonly integer: number[] = [];
  readonly rowLower: number[] = [];
  readonly rowUpper: number[] = [];
  private readonly starts: number[] = [0];
  private readonly index: number[] = [];
  private readonly value: number[] = [];
  private readonly scratch = new Map<number, number>();

  get columns(): number {
    return this.cost.length;
  }
  get rows(): number {
    return this.rowLower.length;
  }
  get integers(): number {
    return this.integer.reduce((s, v) => s + v, 0);
  }

  addCol(cost: number, lower: number, upper: number, integer = false): number {
    this.cost.push(cost);
    this.lower.push(lower);
    this.upper.push(upper);
    this.integer.push(integer ? 1 : 0);
    return this.cost.length - 1;
  }

  /** Adds lower ≤ Σ values·x[indices] ≤ upper; repeated indices are summed, zeros dropped. */
  addRow(lower: number, upper: number, indices: readonly number[], values: readonly number[]): number {
    const m = this.scratch;
    m.clear();
    for (let i = 0; i < indices.length; i++) m.set(indices[i]!, (m.get(indices[i]!) ?? 0) + values[i]!);
    for (const [col, v] of m) {
      if (Math.abs(v) < 1e-12) continue;
      this.index.push(col);
      this.value.push(v);
    }
    this.starts.push(this.index.length);
    this.rowLower.push(lower);
    this.rowUpper.push(upper);
    return this.rowLower.length - 1;
  }

  model(highs: Highs, integral: boolean): ModelData {
    const inf = highs.infinity;
    const clamp = (v: number) => (v === Number.POSITIVE_INFINITY ? inf : v === Number.NEGATIVE_INFINITY ? -inf : v);
    return {
      numCols: this.columns,
      numRows: this.rows,
      colCost: Float64Array.from(this.cost),
      colLower: Float64Array.from(this.lower, clamp),
      colUpper: Float64Array.from(this.upper, clamp),
      rowLower: Float64Array.from(this.rowLower, clamp),
      rowUpper: Float64Array.from(this.rowUpper, clamp),
      matrix: { format: "csr", numRows: this.rows, numCols: this.columns, starts: Int32Array.from(this.starts), indices: Int32Array.from(this.index), values: Float64Array.from(this.value) },
      ...(integral ? { integrality: Int32Array.from(this.integer) } : {}),
    };
  }
}
