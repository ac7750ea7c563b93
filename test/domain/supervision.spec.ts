import { describe, expect, it } from 'vitest';
import {
  applyDispensations,
  checkDispensationApplication,
  checkDispensationDecision,
  type GrantedDispensation,
} from '../../src/domain/dispensation.js';
import { supervise, superviseOne, supervisionKey } from '../../src/domain/supervision.js';

const C = 7; // a company
const P = 101; // its package on the obligation list
const published = [{ companyId: C, packageId: P, volume: 900 }];
const dispensation = (over: Partial<GrantedDispensation> = {}): GrantedDispensation => ({
  id: 1,
  companyId: C,
  packageId: P,
  volume: 300,
  validFrom: '2026-03-01',
  validTo: '2026-06-30',
  decidedAt: '2026-02-20T10:00:00.000Z',
  ...over,
});

describe('R1: the obligation in force reflects the dispensations', () => {
  it('replaces the published volume by the granted one on each day of the validity period only', () => {
    const granted = [dispensation()];
    const on = (day: string) => applyDispensations(published, granted, day)[0]!;
    expect(on('2026-02-28')).toMatchObject({ volume: 900, publishedVolume: 900, dispensationId: null });
    expect(on('2026-03-01')).toMatchObject({ volume: 300, publishedVolume: 900, dispensationId: 1 });
    expect(on('2026-06-30')).toMatchObject({ volume: 300, dispensationId: 1 });
    expect(on('2026-07-01')).toMatchObject({ volume: 900, dispensationId: null });
  });

  it('takes the newest decision where two valid dispensations overlap', () => {
    const granted = [
      dispensation({ id: 1, volume: 300 }),
      dispensation({ id: 2, volume: 500, decidedAt: '2026-04-01T09:00:00.000Z' }),
    ];
    expect(applyDispensations(published, granted, '2026-04-15')[0]).toMatchObject({
      volume: 500,
      dispensationId: 2,
    });
  });

  it('never raises an obligation: a revision below the dispensed volume stands', () => {
    const revised = [{ companyId: C, packageId: P, volume: 250 }];
    expect(applyDispensations(revised, [dispensation()], '2026-04-01')[0]).toMatchObject({
      volume: 250,
      dispensationId: null,
    });
  });

  it("applies a dispensation only to its own company's package", () => {
    const other = [{ companyId: 8, packageId: P, volume: 900 }];
    expect(applyDispensations(other, [dispensation()], '2026-04-01')[0]!.volume).toBe(900);
  });
});

describe('dispensation applications and decisions are checked field by field', () => {
  const application = { year: 2026, packageId: P, requestedVolume: 200, reason: 'Ny upphandling' };

  it('accepts an application below the published obligation', () => {
    expect(checkDispensationApplication(application, { volume: 900 })).toEqual([]);
  });

  it('refuses a package without a published obligation, a volume not below it, and an empty reason', () => {
    expect(checkDispensationApplication(application, undefined).map((p) => p.field)).toEqual(['packageId']);
    const problems = checkDispensationApplication(
      { ...application, requestedVolume: 900, reason: ' ' },
      {
        volume: 900,
      },
    );
    expect(problems.map((p) => [p.field, p.expected])).toEqual([
      ['requestedVolume', 'fewer packs than the published obligation of 900'],
      ['reason', 'a reason in words'],
    ]);
  });

  const app2026 = { year: 2026, requestedVolume: 200, publishedVolume: 900 };
  const grant = {
    outcome: 'grant' as const,
    reason: 'Godtas',
    volume: 300,
    validFrom: '2026-03-01',
    validTo: '2026-06-30',
  };

  it('grants from the requested volume up to one pack below the published, within the year', () => {
    expect(checkDispensationDecision(grant, app2026)).toEqual([]);
    expect(checkDispensationDecision({ ...grant, volume: 200 }, app2026)).toEqual([]);
    expect(checkDispensationDecision({ ...grant, volume: 899 }, app2026)).toEqual([]);
    const low = checkDispensationDecision({ ...grant, volume: 199 }, app2026);
    expect(low).toEqual([
      expect.objectContaining({
        field: 'volume',
        value: 199,
        expected: expect.stringContaining('from the requested 200 up to 899'),
      }),
    ]);
    expect(checkDispensationDecision({ ...grant, volume: 900 }, app2026).map((p) => p.field)).toEqual([
      'volume',
    ]);
  });

  it('refuses a validity period outside the obligation year or ending before it starts', () => {
    const outside = checkDispensationDecision({ ...grant, validTo: '2027-01-31' }, app2026);
    expect(outside.map((p) => [p.field, p.expected])).toEqual([
      ['validTo', 'a day in 2026 (2026-01-01 … 2026-12-31)'],
    ]);
    const reversed = checkDispensationDecision({ ...grant, validFrom: '2026-07-01' }, app2026);
    expect(reversed.map((p) => [p.field, p.message])).toEqual([
      ['validTo', 'validTo 2026-06-30 is before validFrom 2026-07-01'],
    ]);
    expect(
      checkDispensationDecision({ ...grant, validFrom: '2026-02-30' }, app2026).map((p) => p.field),
    ).toEqual(['validFrom']);
  });

  it('denies with a reason and nothing else', () => {
    expect(checkDispensationDecision({ outcome: 'deny', reason: 'Skäl saknas' }, app2026)).toEqual([]);
    expect(
      checkDispensationDecision({ outcome: 'deny', reason: '', volume: 300 }, app2026).map((p) => p.field),
    ).toEqual(['reason', 'volume']);
  });
});

describe('R1 supervision: stock owned in Sweden against the obligation in force, per package and day', () => {
  const inForce = (volume: number, publishedVolume = volume, dispensationId: number | null = null) => ({
    companyId: C,
    packageId: P,
    volume,
    publishedVolume,
    dispensationId,
  });

  it('is compliant when the stock reaches the obligation', () => {
    expect(superviseOne('2026-03-02', inForce(900), 900, undefined)).toMatchObject({
      status: 'compliant',
      shortfall: 0,
      belowSince: null,
    });
  });

  it('is below by the packs missing, since the first day of the run', () => {
    // Obligation 900, the company owns 620 (400 at a wholesaler, 220 in its own warehouse): 280 short.
    const first = superviseOne('2026-03-02', inForce(900), 620, undefined);
    expect(first).toMatchObject({ status: 'below', shortfall: 280, belowSince: '2026-03-02' });
    // Three days later, still below (the stored status of 03-04 carries the run's start).
    const later = superviseOne('2026-03-05', inForce(900), 700, {
      day: '2026-03-04',
      status: 'below',
      belowSince: '2026-03-02',
    });
    expect(later).toMatchObject({ status: 'below', shortfall: 200, belowSince: '2026-03-02' });
    // Compliant again breaks the run; the next shortfall starts anew.
    const again = superviseOne('2026-03-09', inForce(900), 10, {
      day: '2026-03-06',
      status: 'compliant',
      belowSince: null,
    });
    expect(again).toMatchObject({ status: 'below', shortfall: 890, belowSince: '2026-03-09' });
  });

  it('is under dispensation when only the dispensation makes it compliant, below when not even that', () => {
    // Published 900, dispensation to 300.
    expect(superviseOne('2026-04-01', inForce(300, 900, 1), 950, undefined).status).toBe('compliant');
    expect(superviseOne('2026-04-01', inForce(300, 900, 1), 400, undefined)).toMatchObject({
      status: 'under_dispensation',
      shortfall: 0,
    });
    expect(superviseOne('2026-04-01', inForce(300, 900, 1), 250, undefined)).toMatchObject({
      status: 'below',
      shortfall: 50,
    });
  });

  it('counts no stock as none held, and ignores a stored status of the same day', () => {
    const rows = supervise(
      '2026-03-02',
      [inForce(900), { ...inForce(40), packageId: 102 }],
      new Map([[supervisionKey(C, 102), 40]]),
      new Map([
        [supervisionKey(C, P), { day: '2026-03-02', status: 'below' as const, belowSince: '2026-02-01' }],
      ]),
    );
    expect(rows.map((r) => [r.packageId, r.stock, r.status, r.shortfall, r.belowSince])).toEqual([
      [P, 0, 'below', 900, '2026-03-02'],
      [102, 40, 'compliant', 0, null],
    ]);
  });
});
