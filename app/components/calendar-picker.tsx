import type { LinksFunction } from "@remix-run/node";
import { useEffect, useId, useMemo, useRef, useState, type ChangeEvent, type KeyboardEvent } from "react";
import { useTranslation } from "react-i18next";
import {
  addDays,
  calendarDateOf,
  cursorOfDay,
  dayInMonth,
  dayInput,
  dayLabel,
  dayNumber,
  monthGrid,
  parseDayInput,
  sameMonth,
  shiftMonth,
  todayIn,
  weekdayOf,
  weekdayShortName,
  type MonthCursor,
} from "~/modules/i18n/calendar-month";
import { directionOf, type Language } from "~/modules/i18n/config";
import { DEFAULT_TIME_ZONE, parseGregorianDate, weekdayName } from "~/modules/i18n/format";
import calendarPickerCss from "~/styles/calendar-picker.css?url";

/** The picker's stylesheet; a route rendering it spreads this into its `links`. */
export const calendarPickerLinks: LinksFunction = () => [{ rel: "stylesheet", href: calendarPickerCss }];

export type DayMark = "holiday" | "special";

export interface CalendarPickerProps {
  /** The calendar and notation: Jalali with Persian digits for "fa", Gregorian ISO for "en" and "nl". */
  lang: Language;
  /**
   * Form field name, carried by the visible text box itself: the form posts what the user reads or
   * typed ("۱۴۰۵/۰۱/۰۱" in Persian, "2026-03-21" otherwise) and the action reads it with
   * parseCalendarDay(value, lang), as holidaySchema(lang) already does. No hidden ISO input, so the
   * field works before hydration and there is one value, not two that could disagree.
   */
  name: string;
  /** The selected day as Gregorian "YYYY-MM-DD". Changing it from outside re-selects and shows that month. */
  value?: string | null;
  /** Called with the new ISO day when a day is picked or a valid date typed, and with null when the text is cleared or stops parsing. */
  onChange?: (iso: string | null) => void;
  /** Days to flag, by ISO day. */
  marked?: Readonly<Record<string, DayMark>>;
  /** Id of the visible label: names the text box and, with the month title, the grid. */
  labelledBy?: string;
  /** Extra ids for the text box's aria-describedby (an error list). */
  describedBy?: string;
  /** Id for the text box, for a <label htmlFor>; generated when omitted. */
  id?: string;
  invalid?: boolean;
  required?: boolean;
  /** The tenant's zone, for "today" and the month shown when there is no value. */
  timeZone?: string;
  /** Today as "YYYY-MM-DD", when the loader already knows it: keeps server and browser renders identical across midnight. */
  today?: string;
}

const validIso = (v: string | null | undefined) => (v ? parseGregorianDate(v) : null);

/**
 * A month grid in the language's calendar with a typeable date box. Renders on the server: nothing
 * here reads window or the browser's clock zone during render.
 */
export function CalendarPicker({
  lang,
  name,
  value,
  onChange,
  marked,
  labelledBy,
  describedBy,
  id,
  invalid,
  required,
  timeZone = DEFAULT_TIME_ZONE,
  today: todayProp,
}: CalendarPickerProps) {
  const { t } = useTranslation("common");
  const dir = directionOf(lang);
  const today = useMemo(() => validIso(todayProp) ?? todayIn(timeZone), [todayProp, timeZone]);

  const [selected, setSelected] = useState<string | null>(() => validIso(value));
  const [text, setText] = useState(() => (selected ? dayInput(selected, lang) : ""));
  const [cursor, setCursor] = useState<MonthCursor>(() => cursorOfDay(selected ?? today, lang));
  // The day keyboard focus last moved to; the grid's single tab stop while it is in the shown month.
  const [focusDay, setFocusDay] = useState<string | null>(null);
  // Bumped by arrow keys only, so clicking "next month" does not yank focus off the button.
  const [focusRequest, setFocusRequest] = useState(0);

  // Follow `value` and `lang` from the parent during render (not in an effect) so the first paint is right.
  // The echo of our own onChange is ignored, else the text box would be rewritten mid-typing.
  const [seen, setSeen] = useState({ value, lang });
  if (seen.value !== value || seen.lang !== lang) {
    setSeen({ value, lang });
    const next = seen.value !== value ? validIso(value) : selected;
    if (next !== selected || seen.lang !== lang) {
      setSelected(next);
      setText(next ? dayInput(next, lang) : "");
      // A language switch changes calendars: keep showing the same stretch of days.
      setCursor(cursorOfDay(next ?? dayInMonth(seen.lang, cursor, 15), lang));
    }
  }

  const grid = useMemo(() => monthGrid(lang, cursor), [lang, cursor]);
  const shown = (iso: string | null): iso is string => iso !== null && iso >= grid.firstDay && iso <= grid.lastDay;
  const tabbable = [focusDay, selected, today].find(shown) ?? grid.firstDay;

  const gridRef = useRef<HTMLTableElement>(null);
  useEffect(() => {
    if (focusRequest === 0) return;
    gridRef.current?.querySelector<HTMLButtonElement>(`button[data-iso="${tabbable}"]`)?.focus();
    // Only a new request moves focus; tabbable also changes on clicks that must keep focus where it is.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [focusRequest]);

  const uid = useId();
  const inputId = id ?? `${uid}-input`;
  const hintId = `${uid}-hint`;
  const titleId = `${uid}-title`;

  function showMonthOf(iso: string) {
    const c = cursorOfDay(iso, lang);
    if (!sameMonth(c, cursor)) setCursor(c);
  }

  function choose(iso: string) {
    setText(dayInput(iso, lang));
    setFocusDay(iso);
    showMonthOf(iso);
    if (iso !== selected) {
      setSelected(iso);
      onChange?.(iso);
    }
  }

  function onTextChange(e: ChangeEvent<HTMLInputElement>) {
    const raw = e.target.value;
    setText(raw);
    const iso = raw.trim() === "" ? null : parseDayInput(raw, lang);
    if (iso) showMonthOf(iso);
    if (iso !== selected) {
      setSelected(iso);
      onChange?.(iso);
    }
  }

  // "1405/1/1" typed with Latin digits becomes "۱۴۰۵/۰۱/۰۱" once the user leaves the box, not while typing.
  function onTextBlur() {
    if (selected) setText(dayInput(selected, lang));
  }

  function onGridKeyDown(e: KeyboardEvent<HTMLTableElement>) {
    const from = (e.target as HTMLElement).closest("button[data-iso]")?.getAttribute("data-iso");
    if (!from) return;
    // Arrows follow the screen, and in right-to-left the next day is to the left.
    const right = dir === "rtl" ? -1 : 1;
    const column = grid.weekdays.indexOf(weekdayOf(from));
    let target: string | null = null;
    switch (e.key) {
      case "ArrowRight":
        target = addDays(from, right);
        break;
      case "ArrowLeft":
        target = addDays(from, -right);
        break;
      case "ArrowDown":
        target = addDays(from, 7);
        break;
      case "ArrowUp":
        target = addDays(from, -7);
        break;
      case "Home":
        target = addDays(from, -column);
        break;
      case "End":
        target = addDays(from, 6 - column);
        break;
      case "PageUp":
      case "PageDown": {
        const at = calendarDateOf(from, lang);
        const months = (e.key === "PageUp" ? -1 : 1) * (e.shiftKey ? 12 : 1);
        target = dayInMonth(lang, shiftMonth(at, months), at.day);
        break;
      }
    }
    if (!target) return;
    e.preventDefault();
    showMonthOf(target);
    setFocusDay(target);
    setFocusRequest((n) => n + 1);
  }

  const cells = useMemo(
    () =>
      grid.weeks.map((week) =>
        week.map((cell) => {
          const mark = marked?.[cell.iso];
          const full = dayLabel(cell.iso, lang);
          return {
            ...cell,
            mark,
            label: mark ? t("calendarPicker.dayWithMark", { day: full, mark: t(`calendarPicker.${mark}`) }) : full,
            text: dayNumber(cell.dayOfMonth, lang),
          };
        }),
      ),
    [grid, marked, lang, t],
  );

  return (
    <div className="calendar-picker" dir={dir} lang={lang}>
      <input
        type="text"
        className="calendar-picker__input"
        id={inputId}
        name={name}
        value={text}
        onChange={onTextChange}
        onBlur={onTextBlur}
        // Dates are digit runs with separators; LTR keeps the caret sane in either notation.
        dir="ltr"
        inputMode="numeric"
        autoComplete="off"
        placeholder={lang === "fa" ? "۱۴۰۵/۰۱/۰۱" : "2026-03-21"}
        aria-labelledby={labelledBy}
        aria-describedby={[hintId, describedBy].filter(Boolean).join(" ")}
        aria-invalid={invalid || undefined}
        required={required}
      />
      <p id={hintId} className="calendar-picker__hint">
        {t("calendarPicker.inputHint")}
      </p>
      <div className="calendar-picker__calendar">
        <div className="calendar-picker__header">
          {/* ‹ and › are bidi-mirrored characters: inside dir="rtl" they point the other way by themselves. */}
          <button type="button" className="calendar-picker__nav" onClick={() => setCursor(grid.prev)} aria-label={t("calendarPicker.prevMonth")} title={t("calendarPicker.prevMonth")}>
            <span aria-hidden="true">‹</span>
          </button>
          <div id={titleId} className="calendar-picker__title" aria-live="polite">
            {grid.title}
          </div>
          <button type="button" className="calendar-picker__nav" onClick={() => setCursor(grid.next)} aria-label={t("calendarPicker.nextMonth")} title={t("calendarPicker.nextMonth")}>
            <span aria-hidden="true">›</span>
          </button>
          <button
            type="button"
            className="calendar-picker__today"
            onClick={() => {
              showMonthOf(today);
              setFocusDay(today);
            }}
          >
            {t("calendarPicker.today")}
          </button>
        </div>
        <table ref={gridRef} role="grid" className="calendar-picker__grid" aria-labelledby={[labelledBy, titleId].filter(Boolean).join(" ")} onKeyDown={onGridKeyDown}>
          <thead>
            <tr>
              {grid.weekdays.map((w) => (
                <th key={w} scope="col">
                  <span aria-hidden="true">{weekdayShortName(w, lang)}</span>
                  <span className="calendar-picker__sr">{weekdayName(w, lang)}</span>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cells.map((week) => (
              <tr key={week[0]!.iso}>
                {week.map((cell) => (
                  <td key={cell.iso}>
                    <button
                      type="button"
                      data-iso={cell.iso}
                      className={[
                        "calendar-picker__day",
                        cell.inMonth ? "" : "calendar-picker__day--outside",
                        cell.mark ? `calendar-picker__day--${cell.mark}` : "",
                      ]
                        .filter(Boolean)
                        .join(" ")}
                      tabIndex={cell.iso === tabbable ? 0 : -1}
                      aria-pressed={cell.iso === selected}
                      aria-current={cell.iso === today ? "date" : undefined}
                      aria-label={cell.label}
                      onClick={() => choose(cell.iso)}
                    >
                      {cell.text}
                    </button>
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {marked ? (
          <ul className="calendar-picker__legend" aria-label={t("calendarPicker.legend")}>
            <li>
              <span className="calendar-picker__swatch calendar-picker__swatch--holiday" aria-hidden="true" />
              {t("calendarPicker.holiday")}
            </li>
            <li>
              <span className="calendar-picker__swatch calendar-picker__swatch--special" aria-hidden="true" />
              {t("calendarPicker.special")}
            </li>
            <li>
              <span className="calendar-picker__swatch calendar-picker__swatch--today" aria-hidden="true" />
              {t("calendarPicker.today")}
            </li>
          </ul>
        ) : null}
      </div>
    </div>
  );
}
