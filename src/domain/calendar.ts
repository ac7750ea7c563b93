import { AppError } from './errors.js';

/**
 * Calendar days as 'YYYY-MM-DD' strings, the form the store returns dates in. Arithmetic goes through
 * a whole "day number" (days since 1970-01-01, UTC) so that no time zone or daylight-saving shift can
 * move a date. Pure: there is no clock here; callers pass `today`.
 */

const MS_PER_DAY = 86_400_000;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/**
 * Days since 1970-01-01 for a 'YYYY-MM-DD' date.
 * @throws AppError('invalid') when the text is not a real calendar date (e.g. '2026-02-30').
 */
export function dayNumber(date: string): number {
  // The same few hundred dates recur across every package and location: remember them.
  const known = DAY_NUMBERS.get(date);
  if (known !== undefined) return known;
  const day = parseDayNumber(date);
  if (DAY_NUMBERS.size >= 50_000) DAY_NUMBERS.clear();
  DAY_NUMBERS.set(date, day);
  return day;
}

const DAY_NUMBERS = new Map<string, number>();

function parseDayNumber(date: string): number {
  const m = ISO_DATE.exec(date);
  if (m === null) throw invalidDate(date);
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(year, month - 1, day);
  if (new Date(ms).getUTCDate() !== day || month < 1 || month > 12) throw invalidDate(date);
  return ms / MS_PER_DAY;
}

/** The 'YYYY-MM-DD' date of a day number (the inverse of {@link dayNumber}). */
export function dateOfDayNumber(day: number): string {
  return new Date(day * MS_PER_DAY).toISOString().slice(0, 10);
}

/** `date` moved by `days` (negative to go back). */
export function addDays(date: string, days: number): string {
  return dateOfDayNumber(dayNumber(date) + days);
}

/** Whole days from `from` to `to`: positive when `to` is later. */
export function daysBetween(from: string, to: string): number {
  return dayNumber(to) - dayNumber(from);
}

/**
 * `date` moved by whole calendar months. When the target month is shorter, the result is its last day
 * (2025-12-31 + 2 months = 2026-02-28), as Swedish law counts periods in months.
 */
export function addCalendarMonths(date: string, months: number): string {
  dayNumber(date); // validates
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7)) - 1 + months;
  const day = Number(date.slice(8, 10));
  const targetYear = year + Math.floor(month / 12);
  const targetMonth = ((month % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  return dateOfDayNumber(Date.UTC(targetYear, targetMonth, Math.min(day, lastDay)) / MS_PER_DAY);
}

const SWEDISH_DATE = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/**
 * The calendar date in Sweden of an instant, e.g. a notice's `notified_at` timestamp:
 * 2026-01-31T23:30:00Z is already 2026-02-01 in Stockholm.
 */
export function calendarDateInSweden(instant: Date): string {
  return SWEDISH_DATE.format(instant);
}

function invalidDate(value: string): AppError {
  return AppError.invalid(`'${value}' is not a calendar date`, [
    { value, expected: 'a date YYYY-MM-DD', message: `'${value}' is not a calendar date` },
  ]);
}
