import { describe, expect, it } from 'vitest';
import { criticalAlertText, DEFAULT_RETRY_POLICY, retryDelayMs, wholeDays } from '../../src/domain/alert.js';
import { signatureHeader, verifyWebhookSignature } from '../../src/domain/webhook-signature.js';

describe('alert words', () => {
  it('counts coverage in whole days, never rounding up into safety', () => {
    expect(wholeDays(4.99)).toBe(4);
    expect(wholeDays(5)).toBe(5);
    // Arithmetic noise just below a whole day counts as that day (as the picture's COVERAGE_ROUNDING_DAYS).
    expect(wholeDays(2.9999999999)).toBe(3);
  });

  it('says kritisk without the R4 signal and in the whole country for the nation', () => {
    expect(
      criticalAlertText({
        packageId: 7,
        product: 'Alvedon 500 mg, 20 tablett(er)',
        areaName: null,
        coverageDays: 1,
        criticalBelowDays: 14,
        possibleCriticalShortage: false,
      }),
    ).toEqual({
      title: 'Alvedon 500 mg, 20 tablett(er): kritisk i hela landet',
      reason: 'Alvedon 500 mg, 20 tablett(er) är nu kritisk i hela landet: täcker 1 dag, under 14 dagar.',
      link: '/products/7',
    });
  });
});

describe('delivery retries (ours)', () => {
  it('waits 30 s, then twice as long each time, at most an hour, and gives up after the tenth attempt', () => {
    const waits = Array.from({ length: 10 }, (_, i) => retryDelayMs(i + 1, DEFAULT_RETRY_POLICY));
    expect(waits).toEqual([
      30_000,
      60_000,
      120_000,
      240_000,
      480_000,
      960_000,
      1_920_000,
      3_600_000,
      3_600_000,
      null,
    ]);
    // About three hours from the first attempt to the last.
    expect(waits.reduce<number>((sum, w) => sum + (w ?? 0), 0)).toBe(11_010_000);
  });
});

describe('webhook signature', () => {
  const body = '{"id":1,"reason":"Apotek A har inte rapporterat lager"}';
  it('verifies its own header within five minutes and refuses a replay, another key or another body', () => {
    const header = signatureHeader('whsec_test', 1_772_344_800, body);
    expect(header).toMatch(/^t=1772344800,v1=[0-9a-f]{64}$/);
    expect(verifyWebhookSignature('whsec_test', header, body, 1_772_344_800 + 300)).toBe(true);
    expect(verifyWebhookSignature('whsec_test', header, body, 1_772_344_800 + 301)).toBe(false);
    expect(verifyWebhookSignature('whsec_other', header, body, 1_772_344_800)).toBe(false);
    expect(verifyWebhookSignature('whsec_test', header, body.replace('1', '2'), 1_772_344_800)).toBe(false);
    expect(verifyWebhookSignature('whsec_test', 'v1=abc', body, 1_772_344_800)).toBe(false);
  });
});
