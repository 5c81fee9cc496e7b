import { getFormProps, getInputProps, useForm, type SubmissionResult } from "@conform-to/react";
import { getZodConstraint, parseWithZod } from "@conform-to/zod";
import { Form } from "@remix-run/react";
import { useTranslation } from "react-i18next";
import { CalendarPicker } from "~/components/calendar-picker";
import { CsrfInput, Field, FormErrors, RowActionForm } from "~/components/forms";
import type { Language } from "~/modules/i18n/config";
import { formatCalendarDay, parseCalendarDay, localizeDigits, weekdayName, weekdayOrder } from "~/modules/i18n/format";
import { groupByWeekday, type HoursRange } from "~/modules/tenancy/business-hours";
import { businessHoursSchema, holidaySchema, specialHoursSchema } from "~/modules/tenancy/schemas";

/**
 * The business-calendar editors shared by the bureau console and the client portal: the weekly grid
 * (Saturday first in Persian), holidays picked in the Jalali calendar, and special hours for a date.
 * Each form posts an `intent` so one page can hold all three.
 */
type Reply = SubmissionResult<string[]> | undefined;

export interface HolidayRow {
  id: string;
  day: string;
  name: string;
}

export interface SpecialDayRow {
  day: string;
  note: string;
  ranges: { opens: string; closes: string }[];
}

function rangeText(ranges: readonly { opens: string; closes: string }[], lang: Language) {
  return ranges.map((r) => localizeDigits(`${r.opens}–${r.closes}`, lang)).join(lang === "fa" ? "، " : ", ");
}

export function WeeklyHoursTable({ hours, lang }: { hours: readonly HoursRange[]; lang: Language }) {
  const { t } = useTranslation("calendar");
  return (
    <div className="table-wrap">
      <table>
        <caption className="visually-hidden">{t("hours.title")}</caption>
        <tbody>
          {groupByWeekday(hours, weekdayOrder(lang)).map((day) => (
            <tr key={day.weekday} data-weekday={day.weekday}>
              <th scope="row">{weekdayName(day.weekday, lang)}</th>
              <td>{day.ranges.length === 0 ? t("hours.closed") : <bdi>{rangeText(day.ranges, lang)}</bdi>}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function WeeklyHoursForm({ hours, lastResult, lang }: { hours: readonly HoursRange[]; lastResult: Reply; lang: Language }) {
  const { t } = useTranslation("calendar");
  const order = weekdayOrder(lang);
  const [form, fields] = useForm({
    id: "business-hours",
    lastResult,
    defaultValue: { ranges: hours.map((h) => ({ weekday: String(h.weekday), opens: h.opens, closes: h.closes })) },
    constraint: getZodConstraint(businessHoursSchema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema: businessHoursSchema }),
  });
  const items = fields.ranges.getFieldList().map((field, index) => {
    const fs = field.getFieldset();
    return { field, fs, index, weekday: Number(fs.weekday.value ?? fs.weekday.initialValue) };
  });

  return (
    <Form method="post" className="form form--wide" {...getFormProps(form)}>
      <CsrfInput />
      <input type="hidden" name="intent" value="hours" />
      <FormErrors errors={form.errors} />
      <div className="calendar-week">
        {order.map((weekday) => {
          const day = weekdayName(weekday, lang);
          const dayItems = items.filter((i) => i.weekday === weekday);
          return (
            <fieldset key={weekday} className="calendar-day" data-weekday={weekday}>
              <legend>{day}</legend>
              {dayItems.length === 0 ? <p className="muted">{t("hours.closed")}</p> : null}
              {dayItems.map(({ field, fs, index }) => (
                <div key={field.key} className="calendar-range">
                  <input {...getInputProps(fs.weekday, { type: "hidden" })} />
                  <Field label={t("hours.opens")} htmlFor={fs.opens.id} errors={fs.opens.errors} errorId={fs.opens.errorId}>
                    <input {...getInputProps(fs.opens, { type: "text" })} inputMode="numeric" placeholder="08:00" dir="ltr" />
                  </Field>
                  <Field label={t("hours.closes")} htmlFor={fs.closes.id} errors={fs.closes.errors} errorId={fs.closes.errorId}>
                    <input {...getInputProps(fs.closes, { type: "text" })} inputMode="numeric" placeholder="17:00" dir="ltr" />
                  </Field>
                  <button
                    className="button button--ghost button--small"
                    {...form.remove.getButtonProps({ name: fields.ranges.name, index })}
                    aria-label={`${t("hours.removeRange")} ${day}`}
                  >
                    {t("hours.removeRange")}
                  </button>
                </div>
              ))}
              <div>
                <button
                  className="button button--ghost button--small"
                  aria-label={t("hours.addRangeTo", { day })}
                  {...form.insert.getButtonProps({
                    name: fields.ranges.name,
                    defaultValue: { weekday: String(weekday), opens: "09:00", closes: "17:00" },
                  })}
                >
                  {t("hours.addRange")}
                </button>
              </div>
            </fieldset>
          );
        })}
      </div>
      <div>
        <button type="submit" className="button">
          {t("hours.save")}
        </button>
      </div>
    </Form>
  );
}

export function HolidayTable({ holidays, canManage, lang }: { holidays: readonly HolidayRow[]; canManage: boolean; lang: Language }) {
  const { t } = useTranslation("calendar");
  if (holidays.length === 0) return <p className="muted">{t("holidays.empty")}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="holiday-table">
        <caption className="visually-hidden">{t("holidays.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("holidays.day")}</th>
            <th scope="col">{t("holidays.name")}</th>
            {canManage ? (
              <th scope="col">
                <span className="visually-hidden">{t("holidays.remove")}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {holidays.map((h) => (
            <tr key={h.id}>
              <td>
                <time dateTime={h.day}>{formatCalendarDay(h.day, lang)}</time>
              </td>
              <td>{h.name}</td>
              {canManage ? (
                <td>
                  <RowActionForm intent="removeHoliday" id={h.id} label={t("holidays.remove")} ariaLabel={t("holidays.removeLabel", { name: h.name })} />
                </td>
              ) : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** Days the picker marks, so a person choosing a date sees what is already set. */
export function markedDays(holidays: readonly HolidayRow[], specialDays: readonly SpecialDayRow[]) {
  const marked: Record<string, "holiday" | "special"> = {};
  for (const s of specialDays) marked[s.day] = "special";
  for (const h of holidays) marked[h.day] = "holiday";
  return marked;
}

/** A calendar day picked in the language's calendar, with the field's errors (holidays, special hours). */
function DayField({
  label,
  field,
  lang,
  marked,
  timeZone,
}: {
  label: string;
  field: { id: string; name: string; initialValue?: unknown; errors?: string[]; errorId: string };
  lang: Language;
  marked: Record<string, "holiday" | "special">;
  timeZone: string;
}) {
  return (
    <Field label={label} htmlFor={field.id} errors={field.errors} errorId={field.errorId}>
      <CalendarPicker
        lang={lang}
        name={field.name}
        id={field.id}
        value={typeof field.initialValue === "string" ? parseCalendarDay(field.initialValue, lang) : null}
        invalid={!!field.errors}
        describedBy={field.errors ? field.errorId : undefined}
        marked={marked}
        timeZone={timeZone}
      />
    </Field>
  );
}

export function AddHolidayForm({
  lastResult,
  lang,
  marked,
  timeZone,
}: {
  lastResult: Reply;
  lang: Language;
  marked: Record<string, "holiday" | "special">;
  timeZone: string;
}) {
  const { t } = useTranslation("calendar");
  const schema = holidaySchema(lang);
  const [form, fields] = useForm({
    // Keyed by language: the day's notation (Jalali or ISO) changes with it.
    id: `add-holiday-${lang}`,
    lastResult,
    constraint: getZodConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  return (
    <section className="card" aria-labelledby="add-holiday-title">
      <h3 id="add-holiday-title">{t("holidays.addTitle")}</h3>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="addHoliday" />
        <FormErrors errors={form.errors} />
        <DayField label={t("holidays.day")} field={fields.day} lang={lang} marked={marked} timeZone={timeZone} />
        <Field label={t("holidays.name")} htmlFor={fields.name.id} errors={fields.name.errors} errorId={fields.name.errorId}>
          <input {...getInputProps(fields.name, { type: "text" })} />
        </Field>
        <div>
          <button type="submit" className="button">
            {t("holidays.add")}
          </button>
        </div>
      </Form>
    </section>
  );
}

export function SpecialDaysTable({ days, canManage, lang }: { days: readonly SpecialDayRow[]; canManage: boolean; lang: Language }) {
  const { t } = useTranslation("calendar");
  if (days.length === 0) return <p className="muted">{t("special.empty")}</p>;
  return (
    <div className="table-wrap">
      <table data-testid="special-table">
        <caption className="visually-hidden">{t("special.title")}</caption>
        <thead>
          <tr>
            <th scope="col">{t("special.day")}</th>
            <th scope="col">{t("special.ranges")}</th>
            <th scope="col">{t("special.note")}</th>
            {canManage ? (
              <th scope="col">
                <span className="visually-hidden">{t("special.remove")}</span>
              </th>
            ) : null}
          </tr>
        </thead>
        <tbody>
          {days.map((d) => {
            const label = formatCalendarDay(d.day, lang);
            return (
              <tr key={d.day}>
                <td>
                  <time dateTime={d.day}>{label}</time>
                </td>
                <td>
                  <bdi>{rangeText(d.ranges, lang)}</bdi>
                </td>
                <td>{d.note}</td>
                {canManage ? (
                  <td>
                    <RowActionForm intent="removeSpecial" id={d.day} label={t("special.remove")} ariaLabel={t("special.removeLabel", { day: label })} />
                  </td>
                ) : null}
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function SpecialDayForm({
  lastResult,
  lang,
  marked,
  timeZone,
}: {
  lastResult: Reply;
  lang: Language;
  marked: Record<string, "holiday" | "special">;
  timeZone: string;
}) {
  const { t } = useTranslation("calendar");
  const schema = specialHoursSchema(lang);
  const [form, fields] = useForm({
    id: `special-hours-${lang}`,
    lastResult,
    defaultValue: { ranges: [{ opens: "08:00", closes: "13:00" }] },
    constraint: getZodConstraint(schema),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
  });
  const ranges = fields.ranges.getFieldList();
  return (
    <section className="card" aria-labelledby="special-form-title">
      <h3 id="special-form-title">{t("special.formTitle")}</h3>
      <p className="muted">{t("special.replaceHint")}</p>
      <Form method="post" className="form" {...getFormProps(form)}>
        <CsrfInput />
        <input type="hidden" name="intent" value="setSpecial" />
        <FormErrors errors={form.errors} />
        <DayField label={t("special.day")} field={fields.day} lang={lang} marked={marked} timeZone={timeZone} />
        <fieldset className="calendar-day">
          <legend>{t("special.ranges")}</legend>
          <FormErrors errors={fields.ranges.errors} />
          {ranges.map((field, index) => {
            const fs = field.getFieldset();
            return (
              <div key={field.key} className="calendar-range">
                <Field label={t("hours.opens")} htmlFor={fs.opens.id} errors={fs.opens.errors} errorId={fs.opens.errorId}>
                  <input {...getInputProps(fs.opens, { type: "text" })} inputMode="numeric" placeholder="08:00" dir="ltr" />
                </Field>
                <Field label={t("hours.closes")} htmlFor={fs.closes.id} errors={fs.closes.errors} errorId={fs.closes.errorId}>
                  <input {...getInputProps(fs.closes, { type: "text" })} inputMode="numeric" placeholder="13:00" dir="ltr" />
                </Field>
                <button className="button button--ghost button--small" {...form.remove.getButtonProps({ name: fields.ranges.name, index })}>
                  {t("special.removeRange")}
                </button>
              </div>
            );
          })}
          <div>
            <button
              className="button button--ghost button--small"
              {...form.insert.getButtonProps({ name: fields.ranges.name, defaultValue: { opens: "14:00", closes: "17:00" } })}
            >
              {t("special.addRange")}
            </button>
          </div>
        </fieldset>
        <Field label={t("special.note")} htmlFor={fields.note.id} errors={fields.note.errors} errorId={fields.note.errorId}>
          <input {...getInputProps(fields.note, { type: "text" })} placeholder={t("special.notePlaceholder")} />
        </Field>
        <div>
          <button type="submit" className="button">
            {t("special.save")}
          </button>
        </div>
      </Form>
    </section>
  );
}

