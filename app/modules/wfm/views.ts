/**
 * What the WFM pages read and send: the shapes returned by the WFM server functions, and (at the end)
 * the list of those functions with their signatures. Written for the pages engineer; the backend keeps
 * it current. Everything here is JSON-safe on purpose (Remix serialises loader data anyway): instants
 * are ISO-8601 UTC strings, local dates "YYYY-MM-DD" in the zone named beside them, week minutes are
 * integers from the roster week's Saturday 00:00 local (bureau zone, Asia/Tehran by default; a shift
 * belongs to the day it starts on and may run past midnight), days 0 = Saturday … 6 = Friday.
 *
 * Nothing here is translated: codes and translation keys (namespace `wfm`) come back, the page
 * renders them. Numbers are raw (0-1 shares, seconds, agents); the page formats (Persian digits,
 * Jalali dates from the local date strings).
 */
import type { BacktestResult, DayType, ForecastBasis, ForecastWarning } from "./forecast";
import type { StaffingLimit, StaffingModel, StaffingResult } from "./erlang";
import type { RosterPhase, RosterStatus, RosterViolationCode } from "./roster-types";

export type Iso = string;
export type LocalDate = string;
export type IntervalMinutes = 15 | 30;

// ---------------------------------------------------------------------------------------------
// Common

/** A tenant queue as WFM sees it (bureau pages: every tenant's; the client portal: its own). */
export interface WfmQueueRef {
  queueId: string;
  tenantId: string;
  tenantName: string;
  tenantSlug: string;
  queueKey: string;
  queueName: string;
  /** 0-1 (80/20 → 0.8). */
  slTarget: number;
  slThresholdSeconds: number;
  /** The tenant's zone: the forecast's local dates and intervals are in it. */
  timeZone: string;
  /** Mean patience from the queue's abandon history when it has enough of it (Erlang A), else null (Erlang C). */
  patienceSeconds: number | null;
}

export interface WfmSettingsView {
  /** Bureau-wide share of paid time off the phones (breaks, training, leave), default 0.3. */
  shrinkage: number;
  /** Highest planned occupancy, default 0.85. */
  maxOccupancy: number;
  intervalMinutes: IntervalMinutes;
  /** The bureau's zone: the roster week is Saturday 00:00 here. */
  timeZone: string;
  /** Default roster solve budget in seconds. */
  rosterTimeLimitSeconds: number;
}

/** One day of a roster week. */
export interface WeekDay {
  day: number;
  date: LocalDate;
  /** Saturday … Friday; 6 = Friday (the weekend). */
  startsAt: Iso;
  /** A holiday of any tenant served (informational). */
  holiday: boolean;
}

// ---------------------------------------------------------------------------------------------
// Runs (forecast and roster jobs)

export type WfmRunKind = "forecast" | "roster";
export type WfmRunStatus = "queued" | "running" | "done" | "failed";

export interface WfmRunView {
  id: string;
  kind: WfmRunKind;
  status: WfmRunStatus;
  /** Roster: the solver's phase (RosterPhase); forecast: "history" | "forecast" | "backtest" | "store". */
  phase: RosterPhase | "history" | "forecast" | "backtest" | "store" | null;
  /** 0-1, monotone while running. */
  progress: number;
  /** Roster: the week (Saturday); forecast: the first forecast day. */
  weekStart: LocalDate | null;
  weeks: number | null;
  /** Roster: best objective so far and the solver's gap while optimising. */
  objective: number | null;
  mipGap: number | null;
  /** Forecast: per queue backtest; roster: the roster made (see rosterId) and its report summary. */
  result: ForecastRunResult | RosterRunResult | null;
  rosterId: string | null;
  /** A code (e.g. "noAgents", "noRequirements", "error"); translation key `wfm:runs.errors.<code>`. */
  error: string | null;
  startedByName: string | null;
  createdAt: Iso;
  startedAt: Iso | null;
  finishedAt: Iso | null;
}

export interface ForecastRunResult {
  kind: "forecast";
  horizonStart: Iso;
  weeks: number;
  intervalMinutes: IntervalMinutes;
  queues: { queueId: string; queueName: string; tenantName: string; intervals: number; backtest: BacktestView | null; warnings: ForecastWarning[] }[];
}

export interface RosterRunResult {
  kind: "roster";
  rosterId: string;
  status: RosterStatus;
  hardViolations: number;
  underStaffedAgentIntervals: number;
  overStaffedAgentIntervals: number;
  gapToLpBound: number;
  shifts: number;
  agentsScheduled: number;
  solver: "highs" | "greedy";
}

// ---------------------------------------------------------------------------------------------
// Forecast

/** The held-out-week test of the statistical model (adjustments excluded), shares 0-1. */
export interface BacktestView {
  heldOutWeekStart: Iso;
  intervals: number;
  intervalsWithContacts: number;
  mape: number | null;
  wape: number | null;
  bias: number | null;
  dailyMape: number | null;
  dailyWape: number | null;
  ahtWape: number | null;
}

export interface ForecastAdjustmentView {
  id: string;
  queueId: string;
  date: LocalDate;
  /** Local minutes [from, to); both null = the whole day. */
  fromMinute: number | null;
  toMinute: number | null;
  /** +20 = +20%. */
  contactsPercent: number;
  ahtPercent: number;
  /** "manual" | "campaign" | "holiday" | "event" (translation `wfm:adjustments.codes.<code>`). */
  code: AdjustmentCode;
  note: string;
  createdByName: string | null;
  createdAt: Iso;
}
export const ADJUSTMENT_CODES = ["manual", "campaign", "holiday", "event"] as const;
export type AdjustmentCode = (typeof ADJUSTMENT_CODES)[number];

export interface ForecastPointView {
  start: Iso;
  localDate: LocalDate;
  minuteOfDay: number;
  weekday: number;
  dayType: DayType;
  basis: ForecastBasis;
  statistical: { contacts: number; ahtSeconds: number };
  adjusted: { contacts: number; ahtSeconds: number };
  /** Codes of the adjustments applied here. */
  adjustments: string[];
}

export interface HistoryPointView {
  start: Iso;
  localDate: LocalDate;
  minuteOfDay: number;
  contacts: number;
  /** 0 when no contact. */
  ahtSeconds: number;
}

/** Per local day, for the chart's overview (history days and forecast days). */
export interface ForecastDayView {
  date: LocalDate;
  weekday: number;
  holiday: boolean;
  history: number | null;
  statistical: number | null;
  adjusted: number | null;
}

export interface ForecastSeriesView {
  queue: WfmQueueRef;
  intervalMinutes: IntervalMinutes;
  /** The run that produced the stored forecast (null: never forecast). */
  run: { id: string; finishedAt: Iso | null } | null;
  generatedAt: Iso | null;
  /** Actuals: the `historyWeeks` weeks before the forecast's first day. */
  history: HistoryPointView[];
  forecast: ForecastPointView[];
  days: ForecastDayView[];
  adjustments: ForecastAdjustmentView[];
  backtest: BacktestView | null;
  model: { trendPerWeek: number; daysUsed: Record<string, number>; warnings: ForecastWarning[] } | null;
}

// ---------------------------------------------------------------------------------------------
// Staffing (requirements)

/** The calculator's answer (page and POST /api/v1/wfm/staffing). */
export type StaffingCalcView = StaffingResult;
export type StaffingCalcResult = { ok: true; result: StaffingCalcView } | { ok: false; field: string; messageKey: string };

export interface StaffingQueueRow {
  queue: WfmQueueRef;
  model: StaffingModel;
  /** Per interval of the week (7 × intervals a day). */
  contacts: number[];
  ahtSeconds: number[];
  /** Agents the queue needs alone (Erlang C/A). */
  standalone: number[];
  /** Its share of its pool (fractional, ADR 0008). */
  agents: number[];
  /** Whole heads to schedule after shrinkage: what the roster covers. */
  heads: number[];
  /** Standalone service level at `standalone` agents. */
  serviceLevel: number[];
  limitedBy: StaffingLimit[];
  /** Index into `pools`. */
  pool: number;
}

export interface StaffingPoolRow {
  queueIds: string[];
  standalone: number[];
  pooled: number[];
  heads: number[];
}

export interface StaffingWeekView {
  weekStart: LocalDate;
  timeZone: string;
  intervalMinutes: IntervalMinutes;
  days: WeekDay[];
  /** Start of every interval of the week (UTC), the index the arrays below share. */
  intervals: Iso[];
  settings: WfmSettingsView;
  queues: StaffingQueueRow[];
  pools: StaffingPoolRow[];
  /** Σ over queues. */
  totals: { contacts: number[]; agents: number[]; heads: number[] };
  /** Queues without a forecast for the week (run the forecast first). */
  missingForecast: string[];
}

// ---------------------------------------------------------------------------------------------
// Setup: contracts, templates, agents' contracts

export interface ContractView {
  id: string;
  key: string;
  name: string;
  maxWeeklyMinutes: number;
  minWeeklyMinutes: number;
  targetWeeklyMinutes: number;
  minShiftMinutes: number;
  maxShiftMinutes: number;
  maxNightShifts: number;
  minRestMinutes: number;
  minDaysOff: number;
  /** Template ids the contract may work; empty = all fitting its shift-length rule. */
  templateIds: string[];
  agents: number;
}

export interface ShiftTemplateView {
  id: string;
  key: string;
  name: string;
  /** Minutes from the day's 00:00 (may exceed 1440 after midnight). */
  segments: { startMinute: number; durationMinutes: number }[];
  breaks: { kind: "meal" | "short"; durationMinutes: number; earliestStartOffset: number; latestEndOffset: number }[];
  /** Days 0-6 it may be used; empty = every day. */
  days: number[];
  paidMinutes: number;
  night: boolean;
  split: boolean;
  active: boolean;
}

export interface AgentWfmView {
  agentId: string;
  name: string;
  employeeCode: string;
  contractId: string | null;
  /** Queues the agent may serve (from tenant queue assignments and skills). */
  queueIds: string[];
  /** Recurring unavailability, days 0-6 and local minutes [from, to). */
  unavailable: { day: number; fromMinute: number; toMinute: number }[];
  preferences: { templates: Record<string, number>; daysOff: number[] };
}

export interface WfmSetupView {
  settings: WfmSettingsView;
  contracts: ContractView[];
  templates: ShiftTemplateView[];
  agents: AgentWfmView[];
  queues: WfmQueueRef[];
}

// ---------------------------------------------------------------------------------------------
// Roster

export type RosterStatusView = "draft" | "published" | "superseded";

export interface RosterSegmentView {
  /** Week minutes [start, end). */
  start: number;
  end: number;
  startsAt: Iso;
  endsAt: Iso;
}

export interface RosterBreakView extends RosterSegmentView {
  kind: "meal" | "short";
}

export interface RosterShiftView {
  id: string;
  agentId: string;
  day: number;
  date: LocalDate;
  templateId: string;
  templateName: string;
  startsAt: Iso;
  endsAt: Iso;
  segments: RosterSegmentView[];
  breaks: RosterBreakView[];
  paidMinutes: number;
  night: boolean;
  /** Changed by hand (edit or approved swap) after the solve. */
  edited: boolean;
}

export interface RosterAgentRow {
  agentId: string;
  name: string;
  employeeCode: string;
  contractId: string;
  contractName: string;
  queueIds: string[];
  leaveDays: number[];
  paidMinutes: number;
  targetMinutes: number;
  maxWeeklyMinutes: number;
  /** One entry per day (0-6), null = off. */
  days: (RosterShiftView | null)[];
}

export interface CoverageQueueView {
  queueId: string;
  /** Heads at work required (break shrinkage included). */
  required: number[];
  /** On the phones required (the Erlang share); the "staffed" line compares with it. */
  inSeat: number[];
  /** Allocated agents at work, before breaks. */
  atWork: number[];
  /** Allocated agents on the phones, after breaks. */
  staffed: number[];
}

export interface CoverageView {
  intervals: Iso[];
  queues: CoverageQueueView[];
  totals: { required: number[]; inSeat: number[]; atWork: number[]; staffed: number[] };
}

/** Refusals of an edit itself, before any rule is checked. */
export type RosterEditErrorCode = "unknownShift" | "unknownAgent" | "unknownTemplate" | "sameAgent" | "badDay";

export interface RosterViolationView {
  code: RosterViolationCode | RosterEditErrorCode;
  /** `wfm:roster.errors.<code>` */
  messageKey: string;
  agentId: string | null;
  agentName: string | null;
  day: number | null;
  date: LocalDate | null;
  queueId: string | null;
  interval: number | null;
}

export interface RosterReportView {
  status: RosterStatus;
  hardViolations: RosterViolationView[];
  underStaffedAgentIntervals: number;
  overStaffedAgentIntervals: number;
  underStaffedQueueIntervals: number;
  objective: number;
  lpBound: number;
  gapToLpBound: number;
  agentsScheduled: number;
  shifts: number;
  agentsBelowTarget: number;
  hoursBelowTarget: number;
  timingsMs: Record<string, number>;
  warnings: string[];
  solver: "highs" | "greedy";
}

export interface RosterSummaryView {
  id: string;
  weekStart: LocalDate;
  status: RosterStatusView;
  version: number;
  runId: string | null;
  createdAt: Iso;
  publishedAt: Iso | null;
  publishedByName: string | null;
  edits: number;
  hardViolations: number;
  gapToLpBound: number;
}

export interface RosterWeekView {
  roster: RosterSummaryView;
  timeZone: string;
  intervalMinutes: IntervalMinutes;
  days: WeekDay[];
  queues: WfmQueueRef[];
  templates: ShiftTemplateView[];
  agents: RosterAgentRow[];
  coverage: CoverageView;
  report: RosterReportView;
  /** Pending leave and swap requests touching this week. */
  pendingLeave: number;
  pendingSwaps: number;
}

/** A planner's hand edit. Shifts are referred to by id; a move keeps the agent and changes day/template. */
export type RosterEdit =
  | { kind: "swap"; shiftId: string; otherShiftId: string }
  | { kind: "reassign"; shiftId: string; agentId: string }
  | { kind: "move"; shiftId: string; day: number; templateId: string }
  | { kind: "add"; agentId: string; day: number; templateId: string }
  | { kind: "remove"; shiftId: string };

export type RosterEditResult =
  | {
      ok: true;
      /** Nothing was stored (preview). */
      preview: boolean;
      coverage: CoverageView;
      report: RosterReportView;
      /** The shifts created or changed (ids of removed ones in `removed`). */
      changed: RosterShiftView[];
      removed: string[];
    }
  | { ok: false; violations: RosterViolationView[] };

// ---------------------------------------------------------------------------------------------
// Leave and swaps

export type RequestStatus = "pending" | "approved" | "rejected" | "cancelled";
export const LEAVE_KINDS = ["annual", "sick", "unpaid", "other"] as const;
export type LeaveKind = (typeof LEAVE_KINDS)[number];

/** Intervals where the published roster now falls below requirement (after an approved leave/swap). */
export interface CoverageHoleView {
  queueId: string;
  interval: number;
  startsAt: Iso;
  required: number;
  staffed: number;
  short: number;
}

export interface LeaveRequestView {
  id: string;
  agentId: string;
  agentName: string;
  kind: LeaveKind;
  /** Local dates (bureau zone), inclusive. */
  fromDate: LocalDate;
  toDate: LocalDate;
  /** Hourly leave on one day: local minutes [from, to); both null = whole days. */
  fromMinute: number | null;
  toMinute: number | null;
  reason: string;
  status: RequestStatus;
  decidedByName: string | null;
  decisionReason: string | null;
  decidedAt: Iso | null;
  createdAt: Iso;
  /** Published shifts the leave overlaps (what approving removes from the roster). */
  affectedShifts: RosterShiftView[];
}

export interface SwapRequestView {
  id: string;
  requesterId: string;
  requesterName: string;
  colleagueId: string;
  colleagueName: string;
  /** The requester's shift the colleague takes. */
  shift: RosterShiftView;
  /** The colleague's shift the requester takes in return; null = the colleague just takes it over. */
  colleagueShift: RosterShiftView | null;
  reason: string;
  /** pending until the planner decides; the planner can approve only once the colleague accepted. */
  status: RequestStatus;
  colleagueAcceptedAt: Iso | null;
  decidedByName: string | null;
  decisionReason: string | null;
  decidedAt: Iso | null;
  createdAt: Iso;
}

export interface LeaveDecisionResult {
  request: LeaveRequestView;
  /** Shifts removed from the published roster by the approval. */
  removedShifts: string[];
  /** Holes against the published roster (empty = no warning). */
  holes: CoverageHoleView[];
}

export type SwapDecisionResult = { ok: true; request: SwapRequestView; holes: CoverageHoleView[] } | { ok: false; violations: RosterViolationView[] };

// ---------------------------------------------------------------------------------------------
// Adherence

/** What the schedule says an agent should be doing. */
export type ScheduledActivity = "work" | "meal" | "short" | "off";
/** What the agent did, from agent_state_events grouped: work = available/offered/busy/on_hold/wrap_up/escalation/missed. */
export type ActualActivity = "work" | "break" | "offline";

export interface AdherenceAgentDay {
  agentId: string;
  agentName: string;
  date: LocalDate;
  /** Scheduled minutes (work + breaks) of the day's shift. */
  scheduledMinutes: number;
  scheduledWorkMinutes: number;
  /** Minutes doing what was scheduled (work when work, break when break). */
  inAdherenceMinutes: number;
  /** Minutes logged in working (any time of the day, scheduled or not). */
  workedMinutes: number;
  /** inAdherence / scheduled, 0-1; null with nothing scheduled. */
  adherence: number | null;
  /** worked / scheduled work, 0-1 (may exceed 1); null with nothing scheduled. */
  conformance: number | null;
  /** The day's timeline, one entry per interval of the day. */
  intervals: { start: Iso; scheduled: ScheduledActivity; actual: ActualActivity; adherentMinutes: number; scheduledMinutes: number }[];
}

export interface AdherenceDayView {
  date: LocalDate;
  timeZone: string;
  intervalMinutes: IntervalMinutes;
  agents: AdherenceAgentDay[];
  totals: { scheduledMinutes: number; inAdherenceMinutes: number; adherence: number | null; conformance: number | null };
  /** Whether the day has a published roster. */
  published: boolean;
}

export interface OutOfAdherenceRow {
  agentId: string;
  agentName: string;
  scheduled: ScheduledActivity;
  /** The raw agent state now (agent_states.state). */
  state: string;
  actual: ActualActivity;
  /** Since when the mismatch has lasted. */
  since: Iso;
  minutes: number;
  shiftId: string | null;
}

export interface OutOfAdherenceView {
  at: Iso;
  toleranceMinutes: number;
  rows: OutOfAdherenceRow[];
  /** Agents scheduled now. */
  scheduledNow: number;
}

// ---------------------------------------------------------------------------------------------
// The agent's own week and the client's plan

export interface MyScheduleView {
  agentId: string;
  weekStart: LocalDate;
  timeZone: string;
  days: WeekDay[];
  /** Only from a published roster (a draft is never shown to agents). */
  published: boolean;
  publishedAt: Iso | null;
  shifts: RosterShiftView[];
  paidMinutes: number;
  leave: LeaveRequestView[];
  /** Swaps the agent asked for, and those asked of the agent (to accept or decline). */
  swaps: SwapRequestView[];
  /** Colleagues' published shifts this week that a swap could target (name and shift only). */
  swapCandidates: { agentId: string; agentName: string; shift: RosterShiftView }[];
  /** The agent's own calendar feed (tokened URL path, e.g. /wfm/ical/<token>.ics) and the session download. */
  icalPath: string;
  feedPath: string;
}

export interface TenantStaffingQueue {
  queueId: string;
  queueKey: string;
  queueName: string;
  slTarget: number;
  slThresholdSeconds: number;
  contacts: number[];
  ahtSeconds: number[];
  /** Agents needed on the phones (its share of the bureau pool). */
  required: number[];
  /** Agents the published roster puts on its phones (after breaks); null without a published roster. */
  scheduled: number[] | null;
  /** Projected service level per interval with `scheduled` (null without a roster or without contacts). */
  projectedServiceLevel: (number | null)[] | null;
  daily: { date: LocalDate; contacts: number; requiredHours: number; scheduledHours: number | null; projectedServiceLevel: number | null }[];
}

/** The client portal's staffing plan: its own queues only, no agent data at all. */
export interface TenantStaffingPlanView {
  tenantId: string;
  weekStart: LocalDate;
  timeZone: string;
  intervalMinutes: IntervalMinutes;
  days: WeekDay[];
  intervals: Iso[];
  published: boolean;
  publishedAt: Iso | null;
  queues: TenantStaffingQueue[];
}

/*
 * ---------------------------------------------------------------------------------------------
 * Server functions (app/modules/wfm/*.server.ts), all implemented. `ctx: BureauCtx`
 * (bureau/context.server `bureauCtx(auth, request)`); permissions are checked inside (asBureau).
 * Errors: NotFoundError (404), PermissionDenied (403), WfmError { code, field?, params } (400/422:
 * `wfm:errors.<code>`; roster-run failures `wfm:runs.errors.<code>`), RosterRuleError { violations }
 * (publish of a roster that breaks a rule). Raw inputs (`unknown`) are validated with zod inside.
 * Permissions: "wfm.read" (admin, manager, team leader, planner), "wfm.manage" (admin, manager,
 * planner), "wfm.schedule.own" (agents, team leaders: their own week, leave, swaps), tenant
 * "tenant.staffing.read" (client roles; bureau admin/manager/team leader/planner).
 *
 * settings.server.ts
 *   wfmSettings(trx?): Promise<WfmSettingsView>
 *   updateWfmSettings(ctx, raw: { shrinkage; maxOccupancy; intervalMinutes?: 15|30; rosterTimeLimitSeconds? }): Promise<WfmSettingsView>   // wfm.manage, audited
 *   currentWeekStart(now?: Date, timeZone?: string): LocalDate
 *
 * setup.server.ts
 *   wfmSetup(ctx): Promise<WfmSetupView>                                                       // wfm.read
 *   saveContract(ctx, raw: Omit<ContractView, "id"|"agents"> & { id?: string }): Promise<ContractView>               // wfm.manage, audited
 *   saveShiftTemplate(ctx, raw: Omit<ShiftTemplateView, "id"|"paidMinutes"|"night"|"split"> & { id?: string; night?: boolean }): Promise<ShiftTemplateView>
 *   setAgentWfm(ctx, agentId, raw: { contractId: string | null; unavailable?; preferences? }): Promise<AgentWfmView>
 *
 * forecast.server.ts
 *   startForecastRun(ctx, input?: { weeks?: 1-6 (4); intervalMinutes?: 15|30; queueIds?: string[]; horizonStart?: LocalDate (a Saturday; default this week) }): Promise<{ runId }>  // wfm.manage, audited
 *   forecastQueues(ctx): Promise<WfmQueueRef[]>                                                 // wfm.read
 *   forecastSeries(ctx, queueId, opts?: { weekStart?: LocalDate; weeks?: 1-6 (2); historyWeeks?: 0-8 (4) }): Promise<ForecastSeriesView>
 *   addForecastAdjustment(ctx, raw: { queueId; date; fromMinute?; toMinute?; contactsPercent?; ahtPercent?; code?: AdjustmentCode; note? }): Promise<ForecastAdjustmentView>  // wfm.manage, audited (tenant log); re-applied to the stored forecast
 *   removeForecastAdjustment(ctx, adjustmentId): Promise<void>
 *
 * staffing.server.ts
 *   calculateStaffing(input: unknown): StaffingCalcResult                                      // pure wrapper: the page's calculator and the API
 *   staffingWeek(ctx, weekStart?: LocalDate): Promise<StaffingWeekView>                          // wfm.read
 *
 * runs.server.ts
 *   listWfmRuns(ctx, opts?: { kind?: WfmRunKind; limit?: number }): Promise<WfmRunView[]>         // wfm.read
 *   wfmRun(ctx, runId): Promise<WfmRunView>                                                      // poll while status is queued/running
 *
 * roster.server.ts
 *   startRosterRun(ctx, raw: { weekStart: LocalDate; timeLimitSeconds?: 2-600; solver?: "highs"|"greedy" }): Promise<{ runId }>  // wfm.manage, audited
 *   listRosters(ctx, opts?: { weekStart?: LocalDate; limit?: number }): Promise<RosterSummaryView[]>
 *   rosterWeek(ctx, sel: { rosterId?: string; weekStart?: LocalDate }): Promise<RosterWeekView | null>  // rosterId, else the week's newest draft, else its published one
 *   editRoster(ctx, rosterId, edit: RosterEdit, opts?: { preview?: boolean }): Promise<RosterEditResult>  // wfm.manage, audited; drafts and published (agents notified)
 *   publishRoster(ctx, rosterId): Promise<{ notified: number; mailed: number }>                  // wfm.manage, audited; realtime "schedule.published" + a mail per agent
 *
 * leave.server.ts
 *   listLeaveRequests(ctx, opts?: { status?: RequestStatus; weekStart?: LocalDate; agentId?: string }): Promise<LeaveRequestView[]>  // wfm.read
 *   decideLeave(ctx, requestId, raw: { approve: boolean; reason: string }): Promise<LeaveDecisionResult>             // wfm.manage, audited; reason required to reject
 *   listSwapRequests(ctx, opts?: { status?: RequestStatus }): Promise<SwapRequestView[]>
 *   decideSwap(ctx, requestId, raw: { approve: boolean; reason: string }): Promise<SwapDecisionResult>               // needs the colleague's acceptance
 *   // the agent's side ("wfm.schedule.own", ctx of the signed-in agent):
 *   requestLeave(ctx, raw: { kind: LeaveKind; fromDate; toDate; fromMinute?; toMinute?; reason }): Promise<LeaveRequestView>
 *   cancelLeave(ctx, requestId): Promise<void>
 *   requestSwap(ctx, raw: { shiftId; colleagueShiftId?: string; colleagueId?: string; reason }): Promise<SwapRequestView>
 *   respondSwap(ctx, requestId, accept: boolean): Promise<SwapRequestView>                        // the colleague
 *   cancelSwap(ctx, requestId): Promise<void>                                                    // the requester
 *
 * adherence.server.ts
 *   adherenceDay(ctx, date: LocalDate, opts?: { agentId?: string; now?: Date }): Promise<AdherenceDayView>   // wfm.read
 *   outOfAdherenceNow(ctx, opts?: { now?: Date; toleranceMinutes?: number (5) }): Promise<OutOfAdherenceView>
 *
 * schedule.server.ts
 *   mySchedule(ctx, weekStart?: LocalDate): Promise<MyScheduleView>                               // wfm.schedule.own
 *   resetScheduleFeed(ctx): Promise<string>                                                       // revokes the feed URL, returns the new token
 *   agentIcal(agentId, opts?: { now?: Date }): Promise<string>                                    // text/calendar of published shifts
 *   Resource routes (backend): /agent/schedule.ics (session), /wfm/ical/<token>.ics (feed token),
 *   /api/v1/wfm/agents/<agentId>/schedule.ics (bureau key).
 *
 * portal.server.ts
 *   tenantStaffingPlan(tenant: { id: string; timeZone: string }, weekStart?: LocalDate): Promise<TenantStaffingPlanView>
 *   // the route checks requireTenantPermission(request, slug, "tenant.staffing.read") first
 *
 * Realtime: agent channel events "schedule.published" | "schedule.changed" { rosterId, weekStart, shifts, paidMinutes }
 * (realtime/channels.ts ScheduleEvent), through the desktop's /events/agent stream.
 */
export type { BacktestResult };
