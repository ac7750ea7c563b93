import { describe, expect, it } from 'vitest';
import { SUPPLY_TIERS } from '../../src/domain/supply-tier.js';
import { formatDateTimeIn } from '../../src/web/components/freshness.js';
import { demandText } from '../../src/web/components/picture.js';
import { DICTIONARIES, formatNumberIn, interpolate, LOCALES } from '../../src/web/i18n.js';

const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('dashboard dictionaries', () => {
  it('give every Swedish message an English one with the same placeholders', () => {
    const { sv, en } = DICTIONARIES;
    expect(Object.keys(en).sort()).toEqual(Object.keys(sv).sort());
    const mismatched = Object.keys(sv).filter((key) => {
      const k = key as keyof typeof sv;
      return placeholders(sv[k]).join() !== placeholders(en[k]).join();
    });
    expect(mismatched).toEqual([]);
  });

  it('leave no message empty', () => {
    for (const dictionary of Object.values(DICTIONARIES)) {
      expect(Object.entries(dictionary).filter(([, text]) => text.trim() === '')).toEqual([]);
    }
  });

  it('fill placeholders and keep unknown ones visible', () => {
    expect(interpolate('Visar {from}–{to} av {total}', { from: 1, to: 25, total: '1 234' })).toBe(
      'Visar 1–25 av 1 234',
    );
    expect(interpolate('Sida {page} av {pages}', { page: 2 })).toBe('Sida 2 av {pages}');
  });
});

describe('English mode follows English (issue 10 item 8)', () => {
  it('writes numbers with point decimals and comma thousands in English, comma decimals in Swedish', () => {
    expect(formatNumberIn('en', 1234567.5)).toBe('1,234,567.5');
    expect(formatNumberIn('en', 12.25, { minimumFractionDigits: 1, maximumFractionDigits: 1 })).toBe('12.3');
    expect(formatNumberIn('sv', 1234567.5)).toBe('1\u00a0234\u00a0567,5');
  });

  it('names every supply tier in both languages, in English in English', () => {
    for (const tier of SUPPLY_TIERS) {
      expect(DICTIONARIES.sv[`tier.${tier}`]).toBeTruthy();
      expect(DICTIONARIES.en[`tier.${tier}`]).toBeTruthy();
    }
    expect(DICTIONARIES.en['tier.wholesale']).toBe('Wholesale');
    expect(DICTIONARIES.sv['tier.wholesale']).toBe('Partihandel');
  });

  it('shows every time in Swedish time with its zone, in either language', () => {
    expect(formatDateTimeIn(LOCALES.sv, '2026-03-01T06:00:00Z')).toBe('1 mars 2026 07:00 CET');
    expect(formatDateTimeIn(LOCALES.en, '2026-07-01T06:00:00Z')).toBe('1 Jul 2026, 08:00 CEST');
  });

  it('never shows a demand above zero as 0: one pack a year a day reads "< 0,01"', () => {
    const sv = (n: number, o?: Intl.NumberFormatOptions) => formatNumberIn('sv', n, o);
    const en = (n: number, o?: Intl.NumberFormatOptions) => formatNumberIn('en', n, o);
    expect(demandText(1 / 365, sv)).toBe('< 0,01');
    expect(demandText(1 / 365, en)).toBe('< 0.01');
    expect(demandText(0.005, sv)).toBe('0,01');
    expect(demandText(0, sv)).toBe('0');
    expect(demandText(0.72, sv)).toBe('0,72');
    expect(demandText(58.93, sv)).toBe('58,9');
  });
});
