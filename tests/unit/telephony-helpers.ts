import { createInstance } from "i18next";
import { i18nOptions } from "~/modules/i18n/config";
import { loadResourcesFromDisk } from "~/modules/i18n/resources.node.server";
import { calendarSchema } from "~/modules/ivr/calendar";
import { operatorFlow } from "~/modules/ivr/examples";
import { initialCallState, step, type CallState, type IvrEnv, type IvrEvent, type StepResult } from "~/modules/ivr/interpreter";
import { type Flow } from "~/modules/ivr/model";

/** The real i18next with the real locale files, as the webhook and the simulator page use it. */
const i18n = createInstance();
await i18n.init({ ...i18nOptions, resources: loadResourcesFromDisk(), initImmediate: false });
export const t = (key: string, options: Record<string, unknown>) => i18n.t(key, options) as string;

const calendar = calendarSchema.parse({
  hours: [6, 0, 1, 2, 3].map((weekday) => ({ weekday, opens: "08:00", closes: "20:00" })),
  specialHours: [],
  holidays: [],
});
export const OPEN: IvrEnv = { calendar, now: new Date("2026-03-22T06:30:00Z") }; // Sunday 10:00 Tehran
export const CLOSED: IvrEnv = { calendar, now: new Date("2026-03-27T06:30:00Z") }; // Friday

/** Starts a call on the operator flow and feeds events; returns the last step and the final state. */
export function drive(events: IvrEvent[], opts: { language?: "fa" | "en"; env?: IvrEnv; flow?: Flow } = {}): StepResult & { state: CallState } {
  let state = initialCallState("v1");
  let last: StepResult = { actions: [], state };
  for (const event of [{ type: "start", caller: "+989121234567", language: opts.language ?? "fa" } as IvrEvent, ...events]) {
    last = step(opts.flow ?? operatorFlow, state, event, opts.env ?? OPEN);
    state = last.state;
  }
  return last;
}
