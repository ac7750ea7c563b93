import { describe, expect, it } from 'vitest';
import { DICTIONARIES, interpolate } from '../../src/web/i18n.js';

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
