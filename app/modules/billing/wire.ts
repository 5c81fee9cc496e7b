import type { InvoicePreview } from "./preview";
import type { RatedInvoice } from "./rating";

/**
 * What billing data looks like once it has crossed a loader: bigint money as decimal strings (JSON
 * has no bigint, and a Number would round amounts past 2^53), instants as ISO text. The page turns
 * strings back into BigInt only to format them (formatMoney takes strings as they are).
 */
export type Wire<T> = T extends bigint
  ? string
  : T extends Date
    ? string
    : T extends readonly (infer U)[]
      ? Wire<U>[]
      : T extends object
        ? { [K in keyof T]: Wire<T[K]> }
        : T;

export function toWire<T>(value: T): Wire<T> {
  return convert(value) as Wire<T>;
}

function convert(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(convert);
  if (value && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = convert(v);
    return out;
  }
  return value;
}


/** A rated invoice as the pages show it: lines and totals, without the plan versions behind them. */
export function ratedWire(r: RatedInvoice) {
  const { segments: _segments, ...rest } = r;
  return toWire(rest);
}

/** The running period's preview as the pages show it (usage so far and at pace, accrued and projected). */
export function previewWire(p: InvoicePreview) {
  return {
    asOf: p.asOf.toISOString(),
    elapsedMs: p.elapsedMs,
    coveredMs: p.coveredMs,
    usageToDate: p.usageToDate,
    projectedUsage: p.projectedUsage,
    accrued: ratedWire(p.accrued),
    projected: ratedWire(p.projected),
  };
}
export type PreviewWire = ReturnType<typeof previewWire>;
