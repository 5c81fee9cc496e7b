import { z } from "zod";
import { LANGUAGES } from "../i18n/config";
import { instantOfLocal, localTimeIn } from "../ivr/calendar";
import { FORMATS, REPORT_KINDS } from "./catalog";
import { periodContainingDay, previousReportPeriod, REPORT_CALENDARS, type ReportCalendar, type ReportPeriod, type Span } from "./periods";

/**
 * Scheduled reports: what a subscription is, and when it runs. A subscription sends the period that
 * just ended (a day, a week, a month; Jalali or Gregorian boundaries) shortly after its end in the
 * subscription's zone: the delay lets the last minutes' contacts reach the rollups first. Pure.
 */
export const FREQUENCIES = ["daily", "weekly", "monthly"] as const;
export type Frequency = (typeof FREQUENCIES)[number];
export const SPAN_OF: Record<Frequency, Span> = { daily: "day", weekly: "week", monthly: "month" };

/** After a period ends, how long before its report is sent (two rollup runs at least). */
export const SEND_DELAY_MS = 10 * 60_000;

const email = z.string().trim().toLowerCase().email();

export const subscriptionSchema = z.object({
  name: z.string().trim().min(1).max(120),
  report: z.enum(REPORT_KINDS),
  frequency: z.enum(FREQUENCIES),
  calendar: z.enum(REPORT_CALENDARS),
  format: z.enum(FORMATS),
  locale: z.enum(LANGUAGES),
  /** Comma, semicolon or newline separated addresses (1-20). */
  recipients: z
    .string()
    .transform((s) => s.split(/[\s,;،]+/).filter(Boolean))
    .pipe(z.array(email).min(1).max(20))
    .or(z.array(email).min(1).max(20)),
  /** The report's filters (queue, channel, direction, SL choice), as the report page's query holds them. */
  params: z.record(z.string()).default({}),
});
export type SubscriptionInput = z.input<typeof subscriptionSchema>;
export type Subscription = z.output<typeof subscriptionSchema>;

/** The instant a local day starts in a zone. */
export function dayStart(iso: string, timeZone: string): Date {
  return instantOfLocal(iso, 0, timeZone);
}

/** The period running at an instant, in the subscription's calendar and zone. */
export function runningPeriod(frequency: Frequency, calendar: ReportCalendar, timeZone: string, at: Date): ReportPeriod {
  return periodContainingDay(SPAN_OF[frequency], localTimeIn(at, timeZone).day, calendar);
}

/** When the period running at `at` will be sent: its end in the zone, plus the delay. */
export function nextRunAt(frequency: Frequency, calendar: ReportCalendar, timeZone: string, at: Date): Date {
  const p = runningPeriod(frequency, calendar, timeZone, at);
  return new Date(dayStart(p.endDay, timeZone).getTime() + SEND_DELAY_MS);
}

/** The period a run due at `runAt` sends: the one that ended just before it. */
export function periodForRun(frequency: Frequency, calendar: ReportCalendar, timeZone: string, runAt: Date): ReportPeriod {
  const running = runningPeriod(frequency, calendar, timeZone, new Date(runAt.getTime() - SEND_DELAY_MS));
  return previousReportPeriod(running);
}
