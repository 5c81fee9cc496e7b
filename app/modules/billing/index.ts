/**
 * The pure core of billing: plan versions (plan.ts), rounding (rounding.ts), usage from interaction
 * events (metering.ts), seat-hours from agent states (seats.ts), recording storage (recordings.ts)
 * over local days (days.ts), rating a period into invoice lines (rating.ts) and the running period's
 * projection (preview.ts). No I/O anywhere below: the persistence and job layers call these.
 */
export * from "./errors";
export * from "./plan";
export * from "./rounding";
export * from "./metering";
export * from "./days";
export * from "./seats";
export * from "./recordings";
export * from "./rating";
export * from "./preview";
