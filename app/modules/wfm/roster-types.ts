import { z } from "zod";

/**
 * Types of the weekly roster engine. Time is integer minutes from the start of the roster week
 * (Saturday 00:00 local time); a day is 0 (Saturday) … 6 (Friday); a shift belongs to the day it
 * starts on and may run past midnight (23:00-07:00). The caller converts to UTC instants and Jalali
 * dates; the engine never sees a clock.
 */

export const MINUTES_PER_DAY = 1440;
export const DAYS_PER_WEEK = 7;

export interface ShiftSegment {
  /** Minutes from the shift day's 00:00; may exceed 1440 for the part after midnight. */
  startMinute: number;
  durationMinutes: number;
}

export interface BreakRule {
  kind: "meal" | "short";
  durationMinutes: number;
  /** Window the break must lie in, in minutes from the shift's start. */
  earliestStartOffset: number;
  latestEndOffset: number;
}

export interface ShiftTemplate {
  id: string;
  /** One segment for a plain shift, two or more (in order, with gaps) for a split shift. */
  segments: ShiftSegment[];
  breaks?: BreakRule[];
  /** Days (0 = Saturday) the template may be used; every day when omitted. */
  days?: number[];
  /** Overrides the night rule: at least NIGHT_MIN_MINUTES between 22:00 and 06:00. */
  night?: boolean;
}

export interface Contract {
  id: string;
  /** Hard cap on paid minutes a week: 44 h (2640) by Iranian labour law for full time. */
  maxWeeklyMinutes: number;
  /** Hard floor (default 0). */
  minWeeklyMinutes?: number;
  /** What the agent is paid for; falling short costs `weights.hoursShortPerHour` (default = max). */
  targetWeeklyMinutes?: number;
  /** Paid minutes of a template must be within [min, max] for this contract. */
  minShiftMinutes: number;
  maxShiftMinutes: number;
  maxNightShifts: number;
  /** Minimum rest between the end of one shift and the start of the next (default 720 = 12 h). */
  minRestMinutes?: number;
  /** Days a week without any shift, leave days included (default 1). */
  minDaysOff?: number;
  /** Minutes a day of approved leave counts as worked against the weekly cap and target. */
  leaveDayCreditMinutes?: number;
  /** Templates the contract may work; all fitting the shift-length rule when omitted. */
  templateIds?: string[];
}

export interface UnavailableWindow {
  day: number;
  /** Minutes from that day's 00:00, [from, to). */
  fromMinute: number;
  toMinute: number;
}

export interface AgentPreferences {
  /** Template id → preference, positive for liked, negative for disliked (about −3 … 3). */
  templates?: Record<string, number>;
  /** Days the agent would rather have off. */
  daysOff?: number[];
}

export interface RosterAgent {
  id: string;
  /** Queues (of any tenant) the agent may serve: eligibility from skills and tenant assignments. */
  queues: string[];
  contractId: string;
  /** Days of this week with approved leave. */
  leaveDays?: number[];
  /** Hours the agent cannot work (availability, hourly leave). */
  unavailable?: UnavailableWindow[];
  preferences?: AgentPreferences;
  /** End of the agent's last shift before this week, in week minutes (≤ 0, or > 0 for a shift that ran into Saturday). */
  previousShiftEnd?: number;
}

export interface QueueRequirement {
  queueId: string;
  /**
   * Agents to have at work on the queue per interval of the week (7 × intervals a day): scheduled
   * heads, break shrinkage included (erlang.ts `scheduledHeads`, combine.ts `heads`). People are
   * whole, so a fraction is rounded up.
   */
  required: number[];
  /**
   * Agents needed on the phones (the Erlang number, before break shrinkage). When given, coverage
   * after breaks is reported against it; otherwise against `required`.
   */
  inSeat?: number[];
  /** SLA importance: multiplies the under-coverage cost (default 1). */
  weight?: number;
}

export interface RosterWeights {
  /** Per agent-interval missing, times the queue's weight (default 10). */
  under?: number;
  /** Per agent-interval beyond the requirement (default 1). */
  over?: number;
  /** Per agent working on Friday, so days off fall on Friday where coverage allows (default 0.5). */
  friday?: number;
  /** Per hour below an agent's target (default 0.25). */
  hoursShortPerHour?: number;
  /**
   * Unfairness: an agent's k-th night shift of the week costs (k − 1) × this (default 2), so nights
   * are spread over the agents who may work them instead of piling onto a few.
   */
  nightFairness?: number;
  /** Per preference point (default 0.2). */
  preference?: number;
}

export interface RosterInput {
  intervalMinutes?: 15 | 30 | 60;
  requirements: QueueRequirement[];
  agents: RosterAgent[];
  contracts: Contract[];
  templates: ShiftTemplate[];
  weights?: RosterWeights;
  /**
   * The week repeats: the hours of Friday's night shift after midnight cover Saturday morning of the
   * same roster (default true). Off: they fall outside the roster and cover nothing.
   */
  wrap?: boolean;
}

export const NIGHT_START = 22 * 60;
export const NIGHT_END = 6 * 60;
/** Iranian labour law: night work is 22:00-06:00; a shift with at least 3 h of it is a night shift. */
export const NIGHT_MIN_MINUTES = 180;
export const DEFAULT_REST_MINUTES = 720;
export const DEFAULT_WEEKLY_MINUTES = 44 * 60;

export const DEFAULT_WEIGHTS: Required<RosterWeights> = { under: 10, over: 1, friday: 0.5, hoursShortPerHour: 0.25, nightFairness: 2, preference: 0.2 };

// ---------------------------------------------------------------------------------------------
// Output

export interface RosterBreak {
  kind: "meal" | "short";
  /** Week minutes. */
  start: number;
  end: number;
}

export interface RosterShift {
  agentId: string;
  day: number;
  templateId: string;
  /** Week minutes, [start, end) per worked segment. */
  segments: { start: number; end: number }[];
  breaks: RosterBreak[];
  paidMinutes: number;
  night: boolean;
}

export type RosterViolationCode =
  | "unknownAgent"
  | "unknownTemplate"
  | "segmentsMismatch"
  | "templateDay"
  | "templateNotInContract"
  | "shiftLength"
  | "twoShiftsOneDay"
  | "overlap"
  | "rest"
  | "leave"
  | "unavailable"
  | "daysOff"
  | "maxWeeklyMinutes"
  | "minWeeklyMinutes"
  | "nightShifts"
  | "breakMissing"
  | "breakOutsideWindow"
  | "breakOutsideWork"
  | "breakOverlap"
  | "coverageNotEligible";

export interface RosterViolation {
  code: RosterViolationCode;
  agentId?: string;
  day?: number;
  queueId?: string;
  interval?: number;
}

export interface QueueCoverage {
  queueId: string;
  required: number[];
  /** `inSeat` when given. */
  inSeat?: number[];
  /** Agents at work allocated to the queue per interval, before breaks. */
  atWork: number[];
  /** Agents on the phones allocated to the queue per interval, after breaks. */
  staffed: number[];
}

export type RosterPhase = "prepare" | "lowerBound" | "optimise" | "assign" | "breaks" | "report";

export interface RosterProgress {
  phase: RosterPhase;
  /** Overall completion 0-1, monotone. */
  fraction: number;
  /** Best objective so far and the solver's relative gap, while optimising. */
  objective?: number;
  mipGap?: number;
}

export type RosterStatus = "optimal" | "gapReached" | "timeLimit" | "interrupted";

export interface RosterReport {
  status: RosterStatus;
  /** From the independent validator: must be empty. */
  hardViolations: RosterViolation[];
  /** Σ over queue-intervals of missing agents on the phones after breaks, against `inSeat` (else `required`), in agent-intervals. */
  underStaffedAgentIntervals: number;
  overStaffedAgentIntervals: number;
  /** Queue-intervals short by more than 0.05 agent. */
  underStaffedQueueIntervals: number;
  /** Against `required` (heads at work) before breaks: what the optimiser sees. */
  modelUnderAgentIntervals: number;
  modelOverAgentIntervals: number;
  /** Roster objective: under + over coverage against heads at work, Friday work, hours below target, night spread. */
  objective: number;
  /** LP relaxation of the aggregated model: no roster can score below it. */
  lpBound: number;
  /** (objective − lpBound) / lpBound. */
  gapToLpBound: number;
  /** Planned shifts no agent could take: 0, since the plan is made of individually feasible weeks (kept for hand-edited plans). */
  unassignedShifts: number;
  agentsScheduled: number;
  shifts: number;
  /** Agents short of their target minutes, and the total hours short. */
  agentsBelowTarget: number;
  hoursBelowTarget: number;
  /** Sizes: the compact model (LP bound), the patterns generated and the rounds it took. */
  model: { classes: number; groups: number; columns: number; rows: number; integers: number; patterns: number; subclasses: number; generationRounds: number };
  timingsMs: { prepare: number; lowerBound: number; optimise: number; assign: number; breaks: number; report: number; total: number };
  /** Input oddities that did not stop the solve (codes). */
  warnings: string[];
}

export interface RosterResult {
  shifts: RosterShift[];
  coverage: QueueCoverage[];
  report: RosterReport;
}

// ---------------------------------------------------------------------------------------------
// Input schema

const err = (key: string) => `wfm:roster.errors.${key}`;
const minute = z.number().int({ message: err("minute") });

const segmentSchema = z.object({ startMinute: minute.min(0).max(2 * MINUTES_PER_DAY), durationMinutes: minute.min(1).max(MINUTES_PER_DAY) });
const breakSchema = z.object({
  kind: z.enum(["meal", "short"]),
  durationMinutes: minute.min(1).max(240),
  earliestStartOffset: minute.min(0),
  latestEndOffset: minute.min(1),
});
const templateSchema = z.object({
  id: z.string().min(1),
  segments: z.array(segmentSchema).min(1).max(4),
  breaks: z.array(breakSchema).max(6).optional(),
  days: z.array(z.number().int().min(0).max(6)).optional(),
  night: z.boolean().optional(),
});
const contractSchema = z.object({
  id: z.string().min(1),
  maxWeeklyMinutes: minute.min(0).max(7 * MINUTES_PER_DAY),
  minWeeklyMinutes: minute.min(0).optional(),
  targetWeeklyMinutes: minute.min(0).optional(),
  minShiftMinutes: minute.min(1),
  maxShiftMinutes: minute.min(1).max(MINUTES_PER_DAY),
  maxNightShifts: z.number().int().min(0).max(7),
  minRestMinutes: minute.min(0).max(MINUTES_PER_DAY).optional(),
  minDaysOff: z.number().int().min(0).max(7).optional(),
  leaveDayCreditMinutes: minute.min(0).optional(),
  templateIds: z.array(z.string()).optional(),
});
const agentSchema = z.object({
  id: z.string().min(1),
  queues: z.array(z.string()),
  contractId: z.string(),
  leaveDays: z.array(z.number().int().min(0).max(6)).optional(),
  unavailable: z.array(z.object({ day: z.number().int().min(0).max(6), fromMinute: minute.min(0), toMinute: minute.max(2 * MINUTES_PER_DAY) })).optional(),
  preferences: z.object({ templates: z.record(z.number().finite()).optional(), daysOff: z.array(z.number().int().min(0).max(6)).optional() }).optional(),
  previousShiftEnd: minute.max(MINUTES_PER_DAY).optional(),
});

/**
 * Structural and cross-reference checks of a roster input; issue paths name the offending element
 * (e.g. ["agents", 3, "contractId"]) and messages are translation keys.
 */
export const rosterInputSchema = z
  .object({
    intervalMinutes: z.union([z.literal(15), z.literal(30), z.literal(60)]).optional(),
    requirements: z.array(
      z.object({
        queueId: z.string().min(1),
        required: z.array(z.number().finite().min(0)),
        inSeat: z.array(z.number().finite().min(0)).optional(),
        weight: z.number().finite().min(0).optional(),
      }),
    ),
    agents: z.array(agentSchema),
    contracts: z.array(contractSchema).min(1),
    templates: z.array(templateSchema).min(1),
    weights: z
      .object({
        under: z.number().min(0),
        over: z.number().min(0),
        friday: z.number().min(0),
        hoursShortPerHour: z.number().min(0),
        nightFairness: z.number().min(0),
        preference: z.number().min(0),
      })
      .partial()
      .optional(),
    wrap: z.boolean().optional(),
  })
  .superRefine((input, ctx) => {
    const interval = input.intervalMinutes ?? 30;
    const slots = (DAYS_PER_WEEK * MINUTES_PER_DAY) / interval;
    input.requirements.forEach((r, i) => {
      if (r.required.length !== slots) ctx.addIssue({ code: "custom", path: ["requirements", i, "required"], message: err("requirementLength") });
      if (r.inSeat && r.inSeat.length !== slots) ctx.addIssue({ code: "custom", path: ["requirements", i, "inSeat"], message: err("requirementLength") });
    });
    const contracts = new Set(input.contracts.map((c) => c.id));
    input.contracts.forEach((c, i) => {
      if (c.minShiftMinutes > c.maxShiftMinutes) ctx.addIssue({ code: "custom", path: ["contracts", i, "minShiftMinutes"], message: err("shiftLengthRange") });
      if ((c.minWeeklyMinutes ?? 0) > c.maxWeeklyMinutes) ctx.addIssue({ code: "custom", path: ["contracts", i, "minWeeklyMinutes"], message: err("weeklyMinutesRange") });
    });
    const templateIds = new Set<string>();
    input.templates.forEach((t, i) => {
      if (templateIds.has(t.id)) ctx.addIssue({ code: "custom", path: ["templates", i, "id"], message: err("duplicateId") });
      templateIds.add(t.id);
      let previousEnd = -1;
      t.segments.forEach((s, j) => {
        if (s.startMinute % interval !== 0 || s.durationMinutes % interval !== 0) ctx.addIssue({ code: "custom", path: ["templates", i, "segments", j], message: err("offGrid") });
        if (s.startMinute < previousEnd) ctx.addIssue({ code: "custom", path: ["templates", i, "segments", j, "startMinute"], message: err("segmentsOrder") });
        previousEnd = s.startMinute + s.durationMinutes;
      });
      if (t.segments[0]!.startMinute >= MINUTES_PER_DAY) ctx.addIssue({ code: "custom", path: ["templates", i, "segments", 0, "startMinute"], message: err("startsNextDay") });
      const span = previousEnd - t.segments[0]!.startMinute;
      if (span > MINUTES_PER_DAY) ctx.addIssue({ code: "custom", path: ["templates", i, "segments"], message: err("longerThanDay") });
      (t.breaks ?? []).forEach((b, j) => {
        if (b.latestEndOffset - b.earliestStartOffset < b.durationMinutes || b.latestEndOffset > span) {
          ctx.addIssue({ code: "custom", path: ["templates", i, "breaks", j], message: err("breakWindow") });
        }
      });
    });
    input.contracts.forEach((c, i) =>
      (c.templateIds ?? []).forEach((id, j) => {
        if (!templateIds.has(id)) ctx.addIssue({ code: "custom", path: ["contracts", i, "templateIds", j], message: err("unknownTemplate") });
      }),
    );
    const agentIds = new Set<string>();
    input.agents.forEach((a, i) => {
      if (agentIds.has(a.id)) ctx.addIssue({ code: "custom", path: ["agents", i, "id"], message: err("duplicateId") });
      agentIds.add(a.id);
      if (!contracts.has(a.contractId)) ctx.addIssue({ code: "custom", path: ["agents", i, "contractId"], message: err("unknownContract") });
      (a.unavailable ?? []).forEach((w, j) => {
        if (w.toMinute <= w.fromMinute) ctx.addIssue({ code: "custom", path: ["agents", i, "unavailable", j, "toMinute"], message: err("windowOrder") });
      });
    });
  });
