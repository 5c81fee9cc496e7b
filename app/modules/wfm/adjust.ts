import type { ForecastAdjustment, ForecastFigures } from "./forecast";

/**
 * The planner's adjustments on stored statistical figures, exactly as forecast.ts applies them
 * during a run (factors multiply; a range is [from, to) local minutes; no range = the whole day), so
 * adding or removing an adjustment later gives what a fresh run would. Pure.
 */
export function applyAdjustments(
  point: { localDate: string; minuteOfDay: number; statistical: ForecastFigures },
  adjustments: readonly ForecastAdjustment[],
): { adjusted: ForecastFigures; codes: string[] } {
  let contactsFactor = 1;
  let ahtFactor = 1;
  const codes: string[] = [];
  for (const a of adjustments) {
    if (a.date !== point.localDate) continue;
    if (a.fromMinute !== undefined && point.minuteOfDay < a.fromMinute) continue;
    if (a.toMinute !== undefined && point.minuteOfDay >= a.toMinute) continue;
    contactsFactor *= 1 + (a.contactsPercent ?? 0) / 100;
    ahtFactor *= 1 + (a.ahtPercent ?? 0) / 100;
    codes.push(a.code ?? "manual");
  }
  return {
    adjusted: { contacts: Math.max(0, point.statistical.contacts * contactsFactor), ahtSeconds: Math.max(0, point.statistical.ahtSeconds * ahtFactor) },
    codes,
  };
}
