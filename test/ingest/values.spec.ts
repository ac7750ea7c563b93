import { describe, expect, it } from 'vitest';
import { parseExpiry, parseInstant, parseNumber } from '../../src/ingest/values.js';

describe('report values', () => {
  it('reads numbers with a decimal comma or point and grouped thousands', () => {
    expect(parseNumber('12')).toBe(12);
    expect(parseNumber('12,5')).toBe(12.5);
    expect(parseNumber(' 12.5 ')).toBe(12.5);
    expect(parseNumber('-4')).toBe(-4);
    expect(parseNumber('1 234,5')).toBe(1234.5);
    expect(parseNumber('1\u00a0234')).toBe(1234);
    expect(parseNumber(7)).toBe(7);
    for (const bad of ['', 'tolv', '1.234,5', '0x1F', '1e3', '12,', 'NaN'])
      expect(parseNumber(bad), bad).toBeUndefined();
  });

  it('reads expiry as a date or a year and month (its last day)', () => {
    expect(parseExpiry('2027-09')).toBe('2027-09-30');
    expect(parseExpiry('2028-02')).toBe('2028-02-29');
    expect(parseExpiry('2027-06-30')).toBe('2027-06-30');
    expect(parseExpiry('2027-02-30')).toBeUndefined();
    expect(parseExpiry('31/12/2027')).toBeUndefined();
  });

  it('reads a time without offset as Swedish time, winter and summer', () => {
    expect(new Date(parseInstant('2026-03-01 06:00')!).toISOString()).toBe('2026-03-01T05:00:00.000Z');
    expect(new Date(parseInstant('2026-07-01T06:00:00')!).toISOString()).toBe('2026-07-01T04:00:00.000Z');
    expect(new Date(parseInstant('2026-03-01')!).toISOString()).toBe('2026-02-28T23:00:00.000Z');
    expect(new Date(parseInstant('2026-03-01T06:00:00+01:00')!).toISOString()).toBe(
      '2026-03-01T05:00:00.000Z',
    );
    expect(new Date(parseInstant('2026-03-01T05:00:00.5Z')!).toISOString()).toBe('2026-03-01T05:00:00.500Z');
    expect(parseInstant('2026-13-01T00:00Z')).toBeUndefined();
    expect(parseInstant('1 mars 2026')).toBeUndefined();
  });
});
