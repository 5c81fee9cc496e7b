/**
 * Service level as the wallboard states it:
 *
 *   SL = contacts answered within the threshold / (contacts answered + contacts abandoned after the
 *        short-abandon threshold)
 *
 * Short abandons (the caller hung up within a few seconds: a misdial, a change of mind) count
 * neither way, which is the common definition in contact centres and the one clients sign SLAs on.
 * Contacts still waiting are left out until they are answered or abandoned. Pure.
 *
 * The definition lives in reports/kpi.ts (the "answeredAndAbandoned" variant, beside the other
 * variants and every other KPI), so the wallboard, billing's SLA credits and the reports share one;
 * this module keeps the names routing and billing have always imported.
 */
export { serviceLevel, serviceLevelFromCounts, type SlCounts, type SlResult, type SlSample } from "../reports/kpi";
