import type { ProblemCode, ProblemParams } from './messages.js';
import { isClassifiedLocationKind } from '../domain/access.js';
import { calendarDateInSweden } from '../domain/calendar.js';
import type { Problem } from '../domain/errors.js';
import { earliestCompliantStart, isLateSalesStop, type NoticeKind } from '../domain/notice.js';
import {
  expectedDeliveryRefusal,
  EARLIEST_PLAUSIBLE_YEAR,
  expiryPassed,
  implausibleDate,
  isAgeBand,
  plausibleDates,
  PLAUSIBLE_QUANTITY,
  quantityBeyondBound,
  isInFuture,
  maySendShortageNotices,
  mayReportRegionSales,
  normaliseSex,
  ownsLocation,
  sellsPackage,
  type IngestKind,
  type Reporter,
} from '../domain/report.js';
import {
  channelOfLocationKind,
  channelOfRegionFigure,
  parseSalesChannel,
  SALES_CHANNELS,
  type SalesChannel,
} from '../domain/sales-channel.js';
import type { Catalogue, LocationRef, PackageRef } from './catalogue.js';
import type { ProblemList } from './problems.js';
import {
  EXPECTED_DATE,
  EXPECTED_EXPIRY,
  EXPECTED_INSTANT,
  EXPECTED_NUMBER,
  EXPECTED_TEXT,
  isoDateKey,
  memoise,
  parseDate,
  parseExpiry,
  parseInstant,
  parseInteger,
  parseNumber,
  unstorableCharacter,
} from './values.js';

/*
 * One validator per report kind turns the values of one line into a typed record, or adds problems
 * (where, field, value, expected) and returns undefined. The same validators serve CSV, JSON and
 * FHIR, so every format gets the same rules.
 */

/** A value as read: CSV gives strings, JSON may give numbers; absent is undefined or null. */
export type RawValue = string | number | boolean | null | undefined;

/** Where a line is: its file line (CSV), or a function giving a field's JSON path (JSON, FHIR). */
export type Locator = number | ((jsonField: string) => string);

/** A column of a report kind: its CSV header and its JSON property. */
export interface FieldSpec {
  csv: string;
  json: string;
  required: boolean;
  description: string;
}

/**
 * Swedish column names, accepted in CSV headers beside the English ones (issue 10 item 6), in any case
 * and with spaces or hyphens for underscores ('Förväntad start' is `expected_start`). One name per
 * column for every report kind; `region` is the same word in both.
 */
export const SWEDISH_COLUMN_NAMES: Readonly<Record<string, string>> = {
  location: 'plats',
  package: 'förpackning',
  quantity: 'antal',
  batch: 'batchnummer',
  expiry: 'utgångsdatum',
  stock_level: 'lagernivå',
  counted_at: 'inventerad',
  owner: 'ägare',
  date: 'datum',
  region: 'region',
  period_days: 'periodlängd',
  age_band: 'åldersgrupp',
  sex: 'kön',
  channel: 'kanal',
  expected_on: 'förväntad_leverans',
  reference: 'referens',
  type: 'typ',
  expected_start: 'förväntad_start',
  expected_end: 'förväntat_slut',
  reason: 'orsak',
  alternatives: 'alternativ',
};

/** What every validator needs: who reports, the codes, where problems go, and the time of receipt. */
export interface LineContext {
  reporter: Reporter;
  catalogue: Catalogue;
  problems: ProblemList;
  /** Accepted-but-flagged findings, e.g. a late sales stop (R4). */
  warnings: ProblemList;
  /** Time of receipt, epoch ms. */
  now: number;
  /** counted_at for stock lines that do not give one (FHIR countingDateTime, JSON countedAt, --counted-at). */
  defaultCountedAt?: number | undefined;
}

export interface LineValidator<R> {
  /**
   * The record of one line, or undefined after adding its problems. `textChecked`: the caller knows
   * no value holds a character that cannot be stored (a CSV chunk without a NUL byte), so the check
   * is skipped.
   */
  line(values: readonly RawValue[], at: Locator, textChecked?: boolean): R | undefined;
}

export interface KindSpec<R> {
  kind: IngestKind;
  fields: readonly FieldSpec[];
  validator(ctx: LineContext): LineValidator<R>;
}

// Shared helpers ----------------------------------------------------------------------------------

/**
 * A validator that first refuses any text value holding a character that cannot be stored (NUL, a
 * lone surrogate): a problem naming the line, the field and the position, for every format alike.
 */
function guarded<R>(
  fields: readonly FieldSpec[],
  make: (ctx: LineContext) => LineValidator<R>,
): (ctx: LineContext) => LineValidator<R> {
  return (ctx) => {
    const inner = make(ctx);
    return {
      line(values, at, textChecked = false) {
        if (!textChecked && !storable(values, fields, at, ctx)) return undefined;
        return inner.line(values, at, true);
      },
    };
  };
}

function storable(values: readonly RawValue[], fields: readonly FieldSpec[], at: Locator, ctx: LineContext) {
  let ok = true;
  for (let f = 0; f < values.length; f++) {
    const v = values[f];
    if (typeof v !== 'string') continue;
    const fault = unstorableCharacter(v);
    if (fault === undefined) continue;
    const spec = fields[f]!;
    const where = typeof at === 'number' ? at : at(spec.json);
    const name = typeof at === 'number' ? spec.csv : spec.json;
    ctx.problems.add({
      at: where,
      field: name,
      value: v,
      expected: EXPECTED_TEXT,
      message: `${typeof where === 'number' ? `line ${where}` : where}: ${name} ${fault}`,
    });
    ok = false;
  }
  return ok;
}

function text(v: RawValue): string {
  if (v === undefined || v === null) return '';
  return typeof v === 'string' ? v.trim() : String(v);
}

function describe(v: RawValue): unknown {
  return typeof v === 'string' ? v : (v ?? null);
}

class Reporting {
  constructor(
    protected readonly ctx: LineContext,
    protected readonly fields: readonly FieldSpec[],
  ) {}

  protected where(at: Locator, field: number): string | number {
    const f = this.fields[field]!;
    return typeof at === 'number' ? at : at(f.json);
  }

  protected fieldName(at: Locator, field: number): string {
    const f = this.fields[field]!;
    return typeof at === 'number' ? f.csv : f.json;
  }

  protected problem(
    at: Locator,
    field: number,
    value: RawValue,
    expected: string,
    message: string,
    coded?: { code: ProblemCode; params?: ProblemParams },
  ): void {
    const where = this.where(at, field);
    const prefix = typeof where === 'number' ? `line ${where}` : where;
    const p: Problem = {
      at: where,
      field: this.fieldName(at, field),
      value: describe(value),
      expected,
      message: `${prefix}: ${message}`,
    };
    if (coded !== undefined) {
      // The field's name and the value are the problem's own (`field`, `value`): only the code's own
      // parameters are added, so that a thousand problems still fit the stored byte cap.
      p.code = coded.code;
      if (coded.params !== undefined) p.params = coded.params;
    }
    this.ctx.problems.add(p);
  }

  protected warn(at: Locator, field: number, value: RawValue, message: string): void {
    const where = this.where(at, field);
    const prefix = typeof where === 'number' ? `line ${where}` : where;
    this.ctx.warnings.add({
      at: where,
      field: this.fieldName(at, field),
      value: describe(value),
      message: `${prefix}: ${message}`,
    });
  }

  protected missing(at: Locator, field: number): void {
    const f = this.fields[field]!;
    this.problem(at, field, null, f.description, `${this.fieldName(at, field)} is missing`, {
      code: 'missing',
    });
  }

  /** A location the reporter may report for, or a problem. Classified locations of others look unknown. */
  protected ownLocation(at: Locator, field: number, raw: RawValue): LocationRef | undefined {
    const code = text(raw);
    if (code === '') {
      this.missing(at, field);
      return undefined;
    }
    const location = this.ctx.catalogue.location(code);
    const hidden =
      location !== undefined &&
      isClassifiedLocationKind(location.kind) &&
      !ownsLocation(this.ctx.reporter, location);
    if (location === undefined || hidden) {
      this.problem(
        at,
        field,
        raw,
        'a location code or GLN of one of your locations',
        `location ${code} is unknown`,
        { code: 'unknown_location' },
      );
      return undefined;
    }
    if (!ownsLocation(this.ctx.reporter, location)) {
      this.problem(
        at,
        field,
        raw,
        `a location owned by ${this.ctx.reporter.organisationCode}`,
        `location ${code} is not one of ${this.ctx.reporter.organisationCode}'s locations`,
        { code: 'not_own_location', params: { organisation: this.ctx.reporter.organisationCode } },
      );
      return undefined;
    }
    return location;
  }

  protected knownPackage(at: Locator, field: number, raw: RawValue): PackageRef | undefined {
    const code = text(raw);
    if (code === '') {
      this.missing(at, field);
      return undefined;
    }
    const pkg = this.ctx.catalogue.package(code);
    if (!pkg)
      this.problem(
        at,
        field,
        raw,
        'an NPL pack id, GTIN or varunummer of a package in the catalogue',
        `package ${code} is unknown`,
        { code: 'unknown_package' },
      );
    return pkg;
  }

  protected number(at: Locator, field: number, raw: RawValue): number | undefined {
    if (raw === undefined || raw === null || raw === '') {
      this.missing(at, field);
      return undefined;
    }
    const n = typeof raw === 'boolean' ? undefined : parseNumber(raw);
    if (n === undefined)
      this.problem(
        at,
        field,
        raw,
        EXPECTED_NUMBER,
        `${this.fieldName(at, field)} '${text(raw)}' is not a number`,
        { code: 'not_a_number' },
      );
    return n;
  }

  protected date(at: Locator, field: number, raw: RawValue): string | undefined {
    const s = text(raw);
    if (s === '') {
      this.missing(at, field);
      return undefined;
    }
    const d = parseDate(s);
    if (d === undefined)
      this.problem(at, field, raw, EXPECTED_DATE, `${this.fieldName(at, field)} '${s}' is not a date`, {
        code: 'not_a_date',
      });
    return d !== undefined && this.plausibleDate(at, field, raw, d) ? d : undefined;
  }

  private dateRange: { earliest: string; latest: string } | undefined;

  /** Whether a date lies in the plausible years (src/domain/report.ts), else a problem naming the bound. */
  protected plausibleDate(at: Locator, field: number, raw: RawValue, date: string): boolean {
    this.dateRange ??= plausibleDates(this.ctx.now);
    const why = implausibleDate(date, this.dateRange);
    if (why === undefined) return true;
    this.problem(
      at,
      field,
      raw,
      `a date from ${this.dateRange.earliest} to ${this.dateRange.latest}`,
      `${this.fieldName(at, field)} ${date} ${why}`,
    );
    return false;
  }

  /** Whether a quantity is within the plausible bound of its kind (src/domain/report.ts), else a problem naming it. */
  protected plausibleQuantity(
    at: Locator,
    field: number,
    raw: RawValue,
    kind: keyof typeof PLAUSIBLE_QUANTITY,
    quantity: number,
  ): boolean {
    const bound = quantityBeyondBound(kind, quantity);
    if (bound === undefined) return true;
    const limit = bound.toLocaleString('en-US');
    const signed = kind === 'stock_difference';
    this.problem(
      at,
      field,
      raw,
      signed ? `a change of at most ${limit} packages either way` : `at most ${limit} packages`,
      `quantity ${quantity} is beyond the plausible bound of ${signed ? '±' : ''}${limit} packages for ${LINE_OF[kind]} (our bound PLAUSIBLE_QUANTITY.${kind})`,
    );
    return false;
  }

  protected optionalText(at: Locator, field: number, raw: RawValue, max: number): string | null | undefined {
    const s = text(raw);
    if (s === '') return null;
    if (s.length > max) {
      this.problem(
        at,
        field,
        raw,
        `at most ${max} characters`,
        `${this.fieldName(at, field)} is longer than ${max} characters`,
      );
      return undefined;
    }
    return s;
  }
}

const LINE_OF: Record<keyof typeof PLAUSIBLE_QUANTITY, string> = {
  stock_snapshot: 'a stock snapshot line',
  stock_difference: 'a stock difference line',
  sales: 'a sales line',
  expected_delivery: 'an expected delivery line',
};

// Stock: snapshot and difference ---------------------------------------------------------------------

export interface StockRecord {
  location: LocationRef;
  packageId: number;
  batch: string | null;
  expiry: string | null;
  quantity: number;
  stockLevel: number;
  /** epoch ms */
  countedAt: number;
  /** Whose stock it is when not the holder's (R2, issue 9 item 4); null: the holder's own. */
  ownerId: number | null;
}

const STOCK_FIELDS: readonly FieldSpec[] = [
  {
    csv: 'location',
    json: 'location',
    required: true,
    description: 'location code (e.g. SE-APO-0042) or GLN',
  },
  { csv: 'package', json: 'package', required: true, description: 'NPL pack id, GTIN or varunummer' },
  { csv: 'quantity', json: 'quantity', required: true, description: 'packages (decimal comma or point)' },
  { csv: 'batch', json: 'batch', required: false, description: 'batch (lot) number' },
  { csv: 'expiry', json: 'expiry', required: false, description: 'expiry date YYYY-MM-DD or YYYY-MM' },
  {
    csv: 'stock_level',
    json: 'stockLevel',
    required: false,
    description: 'stock level 1–4 (SOU 2021:19), default 1',
  },
  {
    csv: 'counted_at',
    json: 'countedAt',
    required: true,
    description: 'when the stock was counted (date and time)',
  },
  {
    csv: 'owner',
    json: 'owner',
    required: false,
    description: 'the code or organisation number of the organisation whose stock it is (empty: your own)',
  },
];
const S_LOCATION = 0;
const S_PACKAGE = 1;
const S_QUANTITY = 2;
const S_BATCH = 3;
const S_EXPIRY = 4;
const S_LEVEL = 5;
const S_COUNTED = 6;
const S_OWNER = 7;

/** 1900-01-01T00:00Z: no count is earlier (EARLIEST_PLAUSIBLE_YEAR). */
const EARLIEST_PLAUSIBLE_INSTANT = Date.UTC(EARLIEST_PLAUSIBLE_YEAR, 0, 1);

/** "package X at location Y", for messages. */
function what(v: readonly RawValue[]): string {
  return `package ${text(v[S_PACKAGE])} at location ${text(v[S_LOCATION])}`;
}

/** An expiry as read, and whether it had passed on the day of counting named (filled in when needed). */
interface CheckedExpiry {
  expiry: string | undefined;
  countedOn: string;
  passed: boolean;
}

class StockValidator extends Reporting implements LineValidator<StockRecord> {
  private readonly countedAtOfLocation = new Map<number, { at: number; line: string | number }>();
  /** Per location: package × stock level → the batch(es) seen. Numbers, not strings: millions of lines. */
  private readonly seenAt = new Map<number, Map<number, string | Set<string>>>();
  private readonly seenDifference = new Set<string>();
  private readonly instant = memoise(parseInstant);
  private readonly expiryOf = memoise(parseExpiry);
  /**
   * Expiries written 'YYYY-MM-DD', by their digits: a few thousand dates recur across millions of
   * lines, and a number keys a map without hashing a fresh slice of the file on every line.
   */
  private readonly expiryByDigits = new Map<number, CheckedExpiry>();
  // Lines come grouped by location and counting time: remember the last ones.
  private lastLocationRaw: RawValue = undefined;
  private lastLocation: LocationRef | undefined;
  private lastSeen: Map<number, string | Set<string>> | undefined;
  private lastCountedAt = Number.NaN;
  private lastCountedOn = '';

  constructor(
    ctx: LineContext,
    private readonly difference: boolean,
  ) {
    super(ctx, STOCK_FIELDS);
  }

  private countedOn(countedAt: number): string {
    if (countedAt !== this.lastCountedAt) {
      this.lastCountedAt = countedAt;
      this.lastCountedOn = calendarDateInSweden(new Date(countedAt));
    }
    return this.lastCountedOn;
  }

  /** Whether this location, package, stock level and batch came before in the report (and remembers it). */
  private seenBefore(location: LocationRef, packageId: number, stockLevel: number, batch: string): boolean {
    let seen = this.lastSeen;
    if (seen === undefined || location !== this.lastLocation) {
      seen = this.seenAt.get(location.id);
      if (seen === undefined) this.seenAt.set(location.id, (seen = new Map<number, string | Set<string>>()));
      this.lastSeen = seen;
    }
    const key = packageId * 4 + stockLevel - 1;
    const prev = seen.get(key);
    if (prev === undefined) {
      seen.set(key, batch);
      return false;
    }
    if (typeof prev === 'string') {
      if (prev === batch) return true;
      seen.set(key, new Set([prev, batch]));
      return false;
    }
    if (prev.has(batch)) return true;
    prev.add(batch);
    return false;
  }

  /**
   * The owner a line names: an organisation id, null for the holder's own (no owner, or the
   * reporter itself), or undefined after a problem. Lines come grouped, so the last one is kept.
   */
  private ownerOf(at: Locator, raw: RawValue): number | null | undefined {
    if (raw === this.lastOwnerRaw && typeof raw === 'string') return this.lastOwnerId;
    const code = text(raw);
    const org = this.ctx.catalogue.organisation(code);
    if (org === undefined) {
      this.problem(at, S_OWNER, raw, STOCK_FIELDS[S_OWNER]!.description, `owner ${code} is unknown`);
      return undefined;
    }
    const id = org.id === this.ctx.reporter.organisationId ? null : org.id;
    this.lastOwnerRaw = raw;
    this.lastOwnerId = id;
    return id;
  }

  private lastOwnerRaw: RawValue = undefined;
  private lastOwnerId: number | null = null;

  line(v: readonly RawValue[], at: Locator): StockRecord | undefined {
    const problems = this.ctx.problems;
    const before = problems.total;
    let location: LocationRef | undefined;
    const locationRaw = v[S_LOCATION];
    if (
      locationRaw === this.lastLocationRaw &&
      this.lastLocation !== undefined &&
      typeof locationRaw === 'string'
    )
      location = this.lastLocation;
    else location = this.ownLocation(at, S_LOCATION, locationRaw);
    const pkg = this.knownPackage(at, S_PACKAGE, v[S_PACKAGE]);
    const quantity = this.number(at, S_QUANTITY, v[S_QUANTITY]);
    if (quantity !== undefined)
      this.plausibleQuantity(
        at,
        S_QUANTITY,
        v[S_QUANTITY],
        this.difference ? 'stock_difference' : 'stock_snapshot',
        quantity,
      );
    if (quantity !== undefined && !this.difference && quantity < 0) {
      this.problem(
        at,
        S_QUANTITY,
        v[S_QUANTITY],
        'a quantity of 0 or more',
        `${what(v)}: quantity ${quantity} is below 0`,
        { code: 'stock_below_zero', params: { package: text(v[S_PACKAGE]), location: text(v[S_LOCATION]) } },
      );
    }
    const batch = this.optionalText(at, S_BATCH, v[S_BATCH], 100);

    let expiry: string | null | undefined = null;
    let checked: CheckedExpiry | undefined;
    const expiryRaw = text(v[S_EXPIRY]);
    if (expiryRaw !== '') {
      const digits = isoDateKey(expiryRaw);
      if (digits >= 0) {
        checked = this.expiryByDigits.get(digits);
        if (checked === undefined) {
          if (this.expiryByDigits.size > 10_000) this.expiryByDigits.clear();
          checked = { expiry: parseExpiry(expiryRaw), countedOn: '', passed: false };
          this.expiryByDigits.set(digits, checked);
        }
        expiry = checked.expiry;
      } else expiry = this.expiryOf(expiryRaw);
      if (expiry === undefined)
        this.problem(at, S_EXPIRY, v[S_EXPIRY], EXPECTED_EXPIRY, `expiry '${expiryRaw}' is not a date`);
      else if (!this.plausibleDate(at, S_EXPIRY, v[S_EXPIRY], expiry)) expiry = undefined;
    }

    let stockLevel = 1;
    const levelRaw = v[S_LEVEL];
    if (levelRaw === '1') stockLevel = 1;
    else if (levelRaw !== undefined && levelRaw !== null && levelRaw !== '') {
      const level = typeof levelRaw === 'boolean' ? undefined : parseInteger(levelRaw);
      if (level === undefined || level < 1 || level > 4) {
        this.problem(
          at,
          S_LEVEL,
          levelRaw,
          'a stock level 1, 2, 3 or 4',
          `stock_level '${text(levelRaw)}' is not 1, 2, 3 or 4`,
        );
      } else stockLevel = level;
    }

    let countedAt: number | undefined;
    const countedRaw = text(v[S_COUNTED]);
    if (countedRaw === '') {
      countedAt = this.ctx.defaultCountedAt;
      if (countedAt === undefined) this.missing(at, S_COUNTED);
    } else {
      countedAt = this.instant(countedRaw);
      if (countedAt === undefined)
        this.problem(
          at,
          S_COUNTED,
          v[S_COUNTED],
          EXPECTED_INSTANT,
          `counted_at '${countedRaw}' is not a date and time`,
        );
    }
    if (countedAt !== undefined && countedAt < EARLIEST_PLAUSIBLE_INSTANT) {
      this.problem(
        at,
        S_COUNTED,
        v[S_COUNTED] ?? new Date(countedAt).toISOString(),
        `a time in or after ${EARLIEST_PLAUSIBLE_YEAR}`,
        `counted_at ${new Date(countedAt).toISOString()} is before ${EARLIEST_PLAUSIBLE_YEAR} (not plausible)`,
      );
      countedAt = undefined;
    }
    if (countedAt !== undefined) {
      if (isInFuture(countedAt, this.ctx.now)) {
        this.problem(
          at,
          S_COUNTED,
          v[S_COUNTED] ?? new Date(countedAt).toISOString(),
          'a time that has passed',
          `counted_at ${new Date(countedAt).toISOString()} is in the future`,
        );
      }
      if (expiry) {
        const countedOn = this.countedOn(countedAt);
        let passed: boolean;
        if (checked === undefined) passed = expiryPassed(expiry, countedOn);
        else {
          if (checked.countedOn !== countedOn) {
            checked.countedOn = countedOn;
            checked.passed = expiryPassed(expiry, countedOn);
          }
          passed = checked.passed;
        }
        if (passed) {
          this.problem(
            at,
            S_EXPIRY,
            v[S_EXPIRY],
            `an expiry on or after the day of counting (${countedOn})`,
            `${what(v)}: expiry ${expiry} had already passed when counted on ${countedOn}`,
          );
        }
      }
    }

    // Owner-less lines (nearly all) pay one comparison here.
    let ownerId: number | null | undefined = null;
    const ownerRaw = v[S_OWNER];
    if (ownerRaw !== undefined && ownerRaw !== null && ownerRaw !== '') ownerId = this.ownerOf(at, ownerRaw);

    if (
      problems.total !== before ||
      !location ||
      !pkg ||
      quantity === undefined ||
      batch === undefined ||
      expiry === undefined ||
      countedAt === undefined ||
      ownerId === undefined
    ) {
      return undefined;
    }

    let duplicate: boolean;
    if (this.difference) {
      const key = `${location.id}|${pkg.id}|${batch ?? ''}|${stockLevel}|${countedAt}|${ownerId ?? ''}`;
      duplicate = this.seenDifference.has(key);
      this.seenDifference.add(key);
    } else {
      // A snapshot is one count of a location: all its lines carry the same time.
      if (location !== this.lastLocation || countedAt !== this.lastCountedAtOfLocation) {
        const first = this.countedAtOfLocation.get(location.id);
        if (first === undefined)
          this.countedAtOfLocation.set(location.id, {
            at: countedAt,
            line: typeof at === 'number' ? at : at('countedAt'),
          });
        else if (first.at !== countedAt) {
          this.problem(
            at,
            S_COUNTED,
            v[S_COUNTED],
            `${new Date(first.at).toISOString()}, as on ${typeof first.line === 'number' ? `line ${first.line}` : first.line}`,
            `location ${location.code} is counted at two different times in one snapshot`,
          );
          return undefined;
        }
      }
      // Two owners may hold the same batch at one location: the owner is part of the key.
      duplicate = this.seenBefore(
        location,
        pkg.id,
        stockLevel,
        ownerId === null ? (batch ?? '') : `${batch ?? ''}\u0000${ownerId}`,
      );
    }
    this.lastLocationRaw = locationRaw;
    this.lastLocation = location;
    this.lastCountedAtOfLocation = countedAt;
    if (duplicate) {
      this.problem(
        at,
        S_PACKAGE,
        v[S_PACKAGE],
        'one line per location, package, batch, stock level and owner',
        `${what(v)}${batch ? `, batch ${batch}` : ''}: duplicate of an earlier line`,
      );
      return undefined;
    }
    return { location, packageId: pkg.id, batch, expiry, quantity, stockLevel, countedAt, ownerId };
  }

  private lastCountedAtOfLocation = Number.NaN;
}

export const STOCK_SNAPSHOT: KindSpec<StockRecord> = {
  kind: 'stock_snapshot',
  fields: STOCK_FIELDS,
  validator: guarded(STOCK_FIELDS, (ctx) => new StockValidator(ctx, false)),
};

export const STOCK_DIFFERENCE: KindSpec<StockRecord> = {
  kind: 'stock_difference',
  fields: STOCK_FIELDS.map((f) =>
    f.csv === 'quantity' ? { ...f, description: 'change in packages: positive in, negative out' } : f,
  ),
  validator: guarded(STOCK_FIELDS, (ctx) => new StockValidator(ctx, true)),
};

// Sales -----------------------------------------------------------------------------------------

export interface SalesRecord {
  periodStart: string;
  periodDays: 1 | 7;
  regionCode: string;
  location: LocationRef | null;
  packageId: number;
  quantity: number;
  ageBand: string | null;
  sex: 'F' | 'M' | 'X' | null;
  /** Named, or by default the location's kind's, or the reporter's for a region total (domain/sales-channel.ts). */
  channel: SalesChannel;
}

const SALES_FIELDS: readonly FieldSpec[] = [
  { csv: 'date', json: 'date', required: true, description: 'first day of the period YYYY-MM-DD' },
  {
    csv: 'location',
    json: 'location',
    required: false,
    description: 'location code or GLN (or give region)',
  },
  {
    csv: 'region',
    json: 'region',
    required: false,
    description: 'two-digit region code, for region-level figures',
  },
  { csv: 'package', json: 'package', required: true, description: 'NPL pack id, GTIN or varunummer' },
  { csv: 'quantity', json: 'quantity', required: true, description: 'packages sold or dispensed' },
  {
    csv: 'period_days',
    json: 'periodDays',
    required: false,
    description: '1 (a day, default) or 7 (a week)',
  },
  { csv: 'age_band', json: 'ageBand', required: false, description: "age band such as '0-17' or '65+'" },
  { csv: 'sex', json: 'sex', required: false, description: 'F, M or X (K is read as F)' },
  {
    csv: 'channel',
    json: 'channel',
    required: false,
    description: `${SALES_CHANNELS.join(', ')} (default: by the kind of location, or for a region total by the sender)`,
  },
];

class SalesValidator extends Reporting implements LineValidator<SalesRecord> {
  private readonly seen = new Set<string>();
  private readonly today: string;

  constructor(ctx: LineContext) {
    super(ctx, SALES_FIELDS);
    this.today = calendarDateInSweden(new Date(ctx.now));
  }

  line(v: readonly RawValue[], at: Locator): SalesRecord | undefined {
    const before = this.ctx.problems.total;
    const periodStart = this.date(at, 0, v[0]);
    if (periodStart !== undefined && periodStart > this.today) {
      this.problem(at, 0, v[0], `a day up to today (${this.today})`, `date ${periodStart} is in the future`);
    }
    let location: LocationRef | null = null;
    let regionCode = text(v[2]);
    if (text(v[1]) !== '') {
      location = this.ownLocation(at, 1, v[1]) ?? null;
      if (location && regionCode !== '' && regionCode !== location.regionCode) {
        this.problem(
          at,
          2,
          v[2],
          `${location.regionCode}, the region of ${location.code}, or nothing`,
          `region ${regionCode} is not the region of location ${location.code}`,
        );
      }
      if (location) regionCode = location.regionCode;
    } else if (regionCode === '') {
      this.problem(
        at,
        1,
        null,
        'a location, or a region for region-level figures',
        'location (or region) is missing',
      );
    } else if (!/^\d{2}$/.test(regionCode)) {
      this.problem(
        at,
        2,
        v[2],
        'a two-digit region code, e.g. 01',
        `region '${regionCode}' is not a region code`,
      );
    } else if (!mayReportRegionSales(this.ctx.reporter, regionCode)) {
      this.problem(
        at,
        2,
        v[2],
        'your own region',
        `${this.ctx.reporter.organisationCode} may not report sales for region ${regionCode}`,
      );
    } else if (!this.ctx.catalogue.regions.has(regionCode)) {
      this.problem(at, 2, v[2], 'a region code that exists', `region ${regionCode} is unknown`);
    }
    const pkg = this.knownPackage(at, 3, v[3]);
    const quantity = this.number(at, 4, v[4]);
    if (quantity !== undefined && quantity < 0)
      this.problem(at, 4, v[4], 'a quantity of 0 or more', `quantity ${quantity} is below 0`, {
        code: 'below_zero',
      });
    else if (quantity !== undefined) this.plausibleQuantity(at, 4, v[4], 'sales', quantity);
    let periodDays: 1 | 7 = 1;
    const daysRaw = v[5];
    if (daysRaw !== undefined && daysRaw !== null && daysRaw !== '') {
      const d = typeof daysRaw === 'boolean' ? undefined : parseInteger(daysRaw);
      if (d === 1 || d === 7) periodDays = d;
      else this.problem(at, 5, daysRaw, '1 or 7', `period_days '${text(daysRaw)}' is not 1 or 7`);
    }
    const ageBand = text(v[6]) || null;
    if (ageBand !== null && !isAgeBand(ageBand))
      this.problem(
        at,
        6,
        v[6],
        "an age band such as '0-17' or '65+'",
        `age_band '${ageBand}' is not an age band`,
      );
    let sex: SalesRecord['sex'] = null;
    if (text(v[7]) !== '') {
      sex = normaliseSex(text(v[7])) ?? null;
      if (sex === null) this.problem(at, 7, v[7], 'F, M or X', `sex '${text(v[7])}' is not F, M or X`);
    }
    let channel: SalesChannel | undefined;
    if (text(v[8]) !== '') {
      channel = parseSalesChannel(text(v[8]));
      if (channel === undefined)
        this.problem(
          at,
          8,
          v[8],
          SALES_CHANNELS.join(', '),
          `channel '${text(v[8])}' is not ${SALES_CHANNELS.join(', ')}`,
        );
    }
    if (this.ctx.problems.total !== before || periodStart === undefined || !pkg || quantity === undefined)
      return undefined;
    channel ??= location
      ? channelOfLocationKind(location.kind)
      : channelOfRegionFigure(this.ctx.reporter.organisationKind);
    const key = `${periodStart}|${periodDays}|${location?.id ?? regionCode}|${pkg.id}|${ageBand ?? ''}|${sex ?? ''}|${channel}`;
    if (this.seen.has(key)) {
      this.problem(
        at,
        3,
        v[3],
        'one line per day, location, package, channel, age band and sex',
        `package ${text(v[3])} on ${periodStart}: duplicate of an earlier line`,
      );
      return undefined;
    }
    this.seen.add(key);
    return {
      periodStart,
      periodDays,
      regionCode,
      location,
      packageId: pkg.id,
      quantity,
      ageBand,
      sex,
      channel,
    };
  }
}

export const SALES: KindSpec<SalesRecord> = {
  kind: 'sales',
  fields: SALES_FIELDS,
  validator: guarded(SALES_FIELDS, (ctx) => new SalesValidator(ctx)),
};

// Expected deliveries ---------------------------------------------------------------------------------

export interface ExpectedDeliveryRecord {
  packageId: number;
  quantity: number;
  expectedOn: string;
  location: LocationRef | null;
  reference: string | null;
}

const DELIVERY_FIELDS: readonly FieldSpec[] = [
  { csv: 'package', json: 'package', required: true, description: 'NPL pack id, GTIN or varunummer' },
  { csv: 'quantity', json: 'quantity', required: true, description: 'packages expected (0 clears the plan)' },
  { csv: 'expected_on', json: 'expectedOn', required: true, description: 'expected arrival date YYYY-MM-DD' },
  {
    csv: 'location',
    json: 'location',
    required: false,
    description: 'receiving location (required unless you are the company)',
  },
  { csv: 'reference', json: 'reference', required: false, description: 'your order or shipment id' },
];

class ExpectedDeliveryValidator extends Reporting implements LineValidator<ExpectedDeliveryRecord> {
  private readonly seen = new Set<string>();
  private readonly today: string;

  constructor(ctx: LineContext) {
    super(ctx, DELIVERY_FIELDS);
    this.today = calendarDateInSweden(new Date(ctx.now));
  }

  line(v: readonly RawValue[], at: Locator): ExpectedDeliveryRecord | undefined {
    const before = this.ctx.problems.total;
    const pkg = this.knownPackage(at, 0, v[0]);
    const quantity = this.number(at, 1, v[1]);
    if (quantity !== undefined && quantity < 0)
      this.problem(at, 1, v[1], 'a quantity of 0 or more', `quantity ${quantity} is below 0`, {
        code: 'below_zero',
      });
    else if (quantity !== undefined) this.plausibleQuantity(at, 1, v[1], 'expected_delivery', quantity);
    const expectedOn = this.date(at, 2, v[2]);
    if (expectedOn !== undefined && expectedOn < this.today) {
      this.problem(
        at,
        2,
        v[2],
        `today (${this.today}) or later`,
        `expected_on ${expectedOn} has already passed`,
      );
    }
    const location = text(v[3]) === '' ? null : (this.ownLocation(at, 3, v[3]) ?? undefined);
    const reference = this.optionalText(at, 4, v[4], 100);
    if (pkg && location !== undefined) {
      const refusal = expectedDeliveryRefusal(this.ctx.reporter, pkg, location);
      if (refusal === 'not_own_package') {
        this.problem(
          at,
          0,
          v[0],
          `a package sold by ${this.ctx.reporter.organisationCode}`,
          `package ${text(v[0])} is sold by another company`,
        );
      } else if (refusal === 'location_required') {
        this.problem(
          at,
          3,
          null,
          'the receiving location (one of yours)',
          'location is missing: only a company may report deliveries without one',
        );
      }
    }
    if (
      this.ctx.problems.total !== before ||
      !pkg ||
      quantity === undefined ||
      expectedOn === undefined ||
      location === undefined ||
      reference === undefined
    ) {
      return undefined;
    }
    const key = `${pkg.id}|${location?.id ?? ''}|${expectedOn}|${reference ?? ''}`;
    if (this.seen.has(key)) {
      this.problem(
        at,
        0,
        v[0],
        'one line per package, location, date and reference',
        `package ${text(v[0])} on ${expectedOn}: duplicate of an earlier line`,
      );
      return undefined;
    }
    this.seen.add(key);
    return { packageId: pkg.id, quantity, expectedOn, location, reference };
  }
}

export const EXPECTED_DELIVERY: KindSpec<ExpectedDeliveryRecord> = {
  kind: 'expected_delivery',
  fields: DELIVERY_FIELDS,
  validator: guarded(DELIVERY_FIELDS, (ctx) => new ExpectedDeliveryValidator(ctx)),
};

// Shortage notices (R4) -----------------------------------------------------------------------------

export interface NoticeRecord {
  kind: NoticeKind;
  packageId: number;
  expectedStart: string;
  expectedEnd: string | null;
  reason: string | null;
  alternatives: string | null;
  reference: string | null;
  /** Where `expected_start` was given (line number or JSON path), the field's name and the value sent. */
  start: { at: string | number; field: string; value: unknown };
  /** The package as the sender named it, for the R4 warning. */
  packageCode: string;
}

/**
 * R4: the warning that a sales stop starts less than two months after it was first notified, or
 * undefined when it does not. `notifiedOn` is the report's receipt; `firstNotifiedOn` the first
 * notification of the notice it corrects (`firstNotifiedOn` in domain/notice.ts), which is the same
 * day for a notice that corrects nothing. Flagged, not refused.
 */
export function lateSalesStopWarning(
  r: Pick<NoticeRecord, 'kind' | 'expectedStart' | 'reference' | 'start' | 'packageCode'>,
  notifiedOn: string,
  firstNotifiedOn: string,
): Problem | undefined {
  if (!isLateSalesStop({ kind: r.kind, notifiedOn: firstNotifiedOn, expectedStart: r.expectedStart }))
    return undefined;
  const prefix = typeof r.start.at === 'number' ? `line ${r.start.at}` : r.start.at;
  const earliest = earliestCompliantStart(firstNotifiedOn);
  const when =
    firstNotifiedOn === notifiedOn
      ? `it was notified on ${notifiedOn} (R4: earliest start ${earliest})`
      : `it was first notified on ${firstNotifiedOn} (this report corrects notice ${r.reference ?? ''}; R4: earliest start ${earliest})`;
  return {
    at: r.start.at,
    field: r.start.field,
    value: r.start.value,
    message: `${prefix}: sales stop of package ${r.packageCode} starts ${r.expectedStart}, less than two months after ${when}; flagged as late`,
  };
}

const NOTICE_FIELDS: readonly FieldSpec[] = [
  {
    csv: 'type',
    json: 'type',
    required: true,
    description: 'shortage (restanmälan) or sales_stop (försäljningsuppehåll)',
  },
  {
    csv: 'package',
    json: 'package',
    required: true,
    description: 'NPL pack id, GTIN or varunummer of your package',
  },
  {
    csv: 'expected_start',
    json: 'expectedStart',
    required: true,
    description: 'first day of the shortage or stop YYYY-MM-DD',
  },
  {
    csv: 'expected_end',
    json: 'expectedEnd',
    required: false,
    description: 'last day, when known YYYY-MM-DD',
  },
  { csv: 'reason', json: 'reason', required: false, description: 'why' },
  {
    csv: 'alternatives',
    json: 'alternatives',
    required: false,
    description: 'alternatives to suggest (R4 remedies)',
  },
  {
    csv: 'reference',
    json: 'reference',
    required: false,
    description: 'your notice id; sending it again corrects the notice',
  },
];

const NOTICE_TYPES: Record<string, NoticeKind> = {
  shortage: 'shortage',
  restanmälan: 'shortage',
  restsituation: 'shortage',
  sales_stop: 'sales_stop',
  försäljningsuppehåll: 'sales_stop',
};

class NoticeValidator extends Reporting implements LineValidator<NoticeRecord> {
  private readonly seen = new Set<string>();

  constructor(ctx: LineContext) {
    super(ctx, NOTICE_FIELDS);
  }

  line(v: readonly RawValue[], at: Locator): NoticeRecord | undefined {
    const before = this.ctx.problems.total;
    if (!maySendShortageNotices(this.ctx.reporter)) {
      this.problem(
        at,
        0,
        v[0],
        'a company (marketing authorisation holder or parallel importer)',
        `${this.ctx.reporter.organisationCode} is not a company; only companies send shortage notices`,
      );
      return undefined;
    }
    const typeRaw = text(v[0]);
    const kind = NOTICE_TYPES[typeRaw.toLowerCase()];
    if (typeRaw === '') this.missing(at, 0);
    else if (!kind)
      this.problem(at, 0, v[0], 'shortage or sales_stop', `type '${typeRaw}' is not shortage or sales_stop`);
    const pkg = this.knownPackage(at, 1, v[1]);
    if (pkg && !sellsPackage(this.ctx.reporter, pkg)) {
      this.problem(
        at,
        1,
        v[1],
        `a package sold by ${this.ctx.reporter.organisationCode}`,
        `package ${text(v[1])} is sold by another company`,
      );
    }
    const expectedStart = this.date(at, 2, v[2]);
    let expectedEnd: string | null | undefined = null;
    if (text(v[3]) !== '') {
      expectedEnd = this.date(at, 3, v[3]);
      if (expectedEnd !== undefined && expectedStart !== undefined && expectedEnd < expectedStart) {
        this.problem(
          at,
          3,
          v[3],
          `on or after expected_start ${expectedStart}`,
          `expected_end ${expectedEnd} is before expected_start ${expectedStart}`,
        );
      }
    }
    const reason = this.optionalText(at, 4, v[4], 2000);
    const alternatives = this.optionalText(at, 5, v[5], 2000);
    const reference = this.optionalText(at, 6, v[6], 100);
    if (
      this.ctx.problems.total !== before ||
      !kind ||
      !pkg ||
      expectedStart === undefined ||
      expectedEnd === undefined ||
      reason === undefined ||
      alternatives === undefined ||
      reference === undefined
    ) {
      return undefined;
    }
    const key = reference ?? `${kind}|${pkg.id}|${expectedStart}`;
    if (this.seen.has(key)) {
      this.problem(
        at,
        reference ? 6 : 1,
        reference ?? v[1],
        'one line per notice',
        `notice ${reference ?? `${kind} of package ${text(v[1])} from ${expectedStart}`}: duplicate of an earlier line`,
      );
      return undefined;
    }
    this.seen.add(key);
    // R4's two months are judged when the notice is written: a correction counts from the first
    // notification of the notice it corrects, which only the store knows (writeShortageNotices).
    return {
      kind,
      packageId: pkg.id,
      expectedStart,
      expectedEnd,
      reason,
      alternatives,
      reference,
      start: { at: this.where(at, 2), field: this.fieldName(at, 2), value: describe(v[2]) },
      packageCode: text(v[1]),
    };
  }
}

export const SHORTAGE_NOTICE: KindSpec<NoticeRecord> = {
  kind: 'shortage_notice',
  fields: NOTICE_FIELDS,
  validator: guarded(NOTICE_FIELDS, (ctx) => new NoticeValidator(ctx)),
};

/** The column specification of each kind (docs/reports.md lists the same). */
export const KIND_SPECS = {
  stock_snapshot: STOCK_SNAPSHOT,
  stock_difference: STOCK_DIFFERENCE,
  sales: SALES,
  expected_delivery: EXPECTED_DELIVERY,
  shortage_notice: SHORTAGE_NOTICE,
} as const;
