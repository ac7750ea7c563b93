import { dateOfDayNumber } from '../domain/calendar.js';

/*
 * Parsers for the values of a report line. Each returns the value, or `undefined` when the text is
 * not such a value; the caller turns that into a problem naming the line, field, value and what was
 * expected (the `EXPECTED_*` texts).
 */

/** What a text value must be to be stored: PostgreSQL text and jsonb hold neither NUL nor half a character. */
export const EXPECTED_TEXT =
  'text without NUL characters (U+0000) and without lone surrogates (valid Unicode)';

/**
 * Why `s` cannot be stored as text, or undefined when it can: PostgreSQL refuses a NUL character
 * (U+0000) in text and jsonb, and a lone UTF-16 surrogate (e.g. JSON "\ud800") is not a character
 * at all. Positions are 1-based, counted in UTF-16 code units as JavaScript does.
 */
export function unstorableCharacter(s: string): string | undefined {
  const nul = s.indexOf('\u0000');
  if (nul !== -1) return `contains a NUL character (U+0000) at position ${nul + 1}`;
  const lone = LONE_SURROGATE.exec(s);
  if (lone === null) return undefined;
  const hex = lone[0].charCodeAt(0).toString(16).toUpperCase();
  return `contains a lone surrogate (U+${hex}) at position ${lone.index + 1}, which is not valid Unicode`;
}

/** A high surrogate not followed by a low one, or a low one not preceded by a high one. */
export const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export const EXPECTED_NUMBER = 'a number, e.g. 12 or 12,5 (decimal comma or point)';
export const EXPECTED_DATE = 'a date YYYY-MM-DD';
export const EXPECTED_EXPIRY = 'a date YYYY-MM-DD (or YYYY-MM for the last day of that month)';
export const EXPECTED_INSTANT =
  'a date and time, e.g. 2026-03-01T06:00:00+01:00 (Swedish time when no offset is given)';

const PLAIN_NUMBER = /^[+-]?\d+(?:[.,]\d+)?$/;
const GROUPED_NUMBER = /^[+-]?\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?:[.,]\d+)?$/;

/**
 * A decimal number as reporters write it: `12`, `-4`, `12.5`, Swedish `12,5`, grouped `1 234,5`.
 * JSON numbers pass through. Thousands separators other than spaces are refused (`1.234` is 1.234).
 */
export function parseNumber(raw: string | number): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  const whole = wholeNumber(raw);
  if (whole >= 0) return whole;
  const s = raw.trim();
  if (PLAIN_NUMBER.test(s)) return Number(s.replace(',', '.'));
  if (GROUPED_NUMBER.test(s)) return Number(s.replace(/[ \u00a0\u202f]/g, '').replace(',', '.'));
  return undefined;
}

/**
 * The value of 1–15 decimal digits and nothing else (the common quantity), else -1. Exact: below
 * 2^53, and the same value as Number() gives, leading zeros included.
 */
function wholeNumber(s: string): number {
  const n = s.length;
  if (n === 0 || n > 15) return -1;
  let value = 0;
  for (let i = 0; i < n; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** A whole number (also `3,0`), or undefined. */
export function parseInteger(raw: string | number): number | undefined {
  const n = parseNumber(raw);
  return n !== undefined && Number.isInteger(n) ? n : undefined;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
const YEAR_MONTH = /^(\d{4})-(\d{2})$/;

const DAYS_IN_MONTH = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** A calendar date 'YYYY-MM-DD' that exists (no 2026-02-30). */
export function parseDate(raw: string): string | undefined {
  const s = raw.length === 10 ? raw : raw.trim();
  if (!ISO_DATE.test(s)) return undefined;
  const year = Number(s.slice(0, 4));
  const month = Number(s.slice(5, 7));
  const day = Number(s.slice(8, 10));
  if (month < 1 || month > 12 || day < 1) return undefined;
  const leap = month === 2 && ((year % 4 === 0 && year % 100 !== 0) || year % 400 === 0);
  return day <= DAYS_IN_MONTH[month - 1]! + (leap ? 1 : 0) ? s : undefined;
}

/**
 * The digits of a text written exactly 'YYYY-MM-DD' as one number YYYYMMDD (whether that date exists
 * or not), else -1: the same number means the same text, so it can key a cache of parsed dates
 * without hashing the text.
 */
export function isoDateKey(s: string): number {
  if (s.length !== 10 || s.charCodeAt(4) !== 45 || s.charCodeAt(7) !== 45) return -1;
  let key = 0;
  for (let i = 0; i < 10; i++) {
    if (i === 4 || i === 7) continue;
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    key = key * 10 + d;
  }
  return key;
}

/** An expiry date: 'YYYY-MM-DD', or 'YYYY-MM' as printed on packs, meaning the last day of that month. */
export function parseExpiry(raw: string): string | undefined {
  const s = raw.trim();
  const ym = YEAR_MONTH.exec(s);
  if (ym) {
    const year = Number(ym[1]);
    const month = Number(ym[2]);
    if (month < 1 || month > 12) return undefined;
    return dateOfDayNumber(utc(year, month, 0) / 86_400_000);
  }
  return parseDate(s.length > 10 && s[10] === 'T' ? s.slice(0, 10) : s);
}

const INSTANT =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * An instant as epoch milliseconds: ISO 8601 date-time with `Z` or an offset; without an offset (or
 * a bare date, meaning midnight) it is Swedish local time (Europe/Stockholm, summer time included).
 */
export function parseInstant(raw: string): number | undefined {
  const m = INSTANT.exec(raw.trim());
  if (!m) return undefined;
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const [hour, minute, second] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  if (month < 1 || month > 12 || hour > 23 || minute > 59 || second > 59) return undefined;
  const wall = utc(year, month - 1, day, hour, minute, second, ms);
  if (new Date(wall).getUTCDate() !== day) return undefined;
  const zone = m[8];
  if (zone === undefined) return swedishWallTimeToInstant(wall);
  if (zone.toUpperCase() === 'Z') return wall;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMinutes = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0');
  if (offsetMinutes > 14 * 60) return undefined;
  return wall - sign * offsetMinutes * 60_000;
}

/**
 * Date.UTC, but a year below 100 is that year (Date.UTC reads 99 as 1999, which turned a typed
 * 0099-12-31 into 1999-12-31).
 */
function utc(year: number, monthIndex: number, day: number, h = 0, m = 0, s = 0, ms = 0): number {
  const d = new Date(Date.UTC(2000, 0, 1, h, m, s, ms));
  d.setUTCFullYear(year, monthIndex, day);
  return d.getTime();
}

const STOCKHOLM_PARTS = new Intl.DateTimeFormat('en-US', {
  timeZone: 'Europe/Stockholm',
  hourCycle: 'h23',
  year: 'numeric',
  month: 'numeric',
  day: 'numeric',
  hour: 'numeric',
  minute: 'numeric',
  second: 'numeric',
});

/** Minutes Stockholm is ahead of UTC at `instant` (60 in winter, 120 in summer). */
function stockholmOffsetMinutes(instant: number): number {
  const parts: Record<string, number> = {};
  for (const p of STOCKHOLM_PARTS.formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  const asUtc = utc(
    parts.year ?? 0,
    (parts.month ?? 1) - 1,
    parts.day ?? 1,
    parts.hour ?? 0,
    parts.minute ?? 0,
    parts.second ?? 0,
  );
  return Math.round((asUtc - Math.floor(instant / 1000) * 1000) / 60_000);
}

/** The instant at which Stockholm's wall clock shows `wall` (given as if it were UTC). */
function swedishWallTimeToInstant(wall: number): number {
  const first = wall - stockholmOffsetMinutes(wall) * 60_000;
  const offset = stockholmOffsetMinutes(first);
  return wall - offset * 60_000;
}

/**
 * Remembers the last few distinct texts of a column: a stock file repeats the same counted_at on
 * every line, so parsing it once per report instead of once per line matters at millions of lines.
 */
export function memoise<T>(parse: (raw: string) => T): (raw: string) => T {
  const cache = new Map<string, T>();
  // The text of the line before, which the next line most often repeats: comparing it is cheaper
  // than hashing a fresh slice of the file for the map.
  let lastRaw: string | undefined;
  let lastValue: T | undefined;
  return (raw) => {
    if (raw === lastRaw) return lastValue as T;
    let value = cache.get(raw);
    if (value === undefined && !cache.has(raw)) {
      value = parse(raw);
      if (cache.size > 10_000) cache.clear();
      cache.set(raw, value);
    }
    lastRaw = raw;
    lastValue = value;
    return value as T;
  };
}
