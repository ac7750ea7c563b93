import { describe, expect, it } from 'vitest';
import {
  expectedDeliveryRefusal,
  expiryPassed,
  isAgeBand,
  isInFuture,
  mayReportRegionSales,
  normaliseSex,
  supersedes,
} from '../../src/domain/report.js';

describe('report rules', () => {
  it('lets a region report region-level sales for itself only; authorities for any region', () => {
    expect(mayReportRegionSales({ organisationKind: 'region', regionCode: '12' }, '12')).toBe(true);
    expect(mayReportRegionSales({ organisationKind: 'region', regionCode: '12' }, '01')).toBe(false);
    expect(mayReportRegionSales({ organisationKind: 'authority', regionCode: null }, '01')).toBe(true);
    expect(mayReportRegionSales({ organisationKind: 'pharmacy_operator', regionCode: null }, '01')).toBe(
      false,
    );
  });

  it('lets a company plan deliveries of its own packages, and others only into their own locations', () => {
    const company = { organisationId: 7, organisationKind: 'company' as const };
    const wholesaler = { organisationId: 9, organisationKind: 'wholesaler' as const };
    expect(expectedDeliveryRefusal(company, { companyId: 7 }, null)).toBeNull();
    expect(expectedDeliveryRefusal(company, { companyId: 8 }, null)).toBe('not_own_package');
    expect(expectedDeliveryRefusal(wholesaler, { companyId: 7 }, null)).toBe('location_required');
    expect(expectedDeliveryRefusal(wholesaler, { companyId: 7 }, { organisationId: 9 })).toBeNull();
    expect(expectedDeliveryRefusal(wholesaler, { companyId: 7 }, { organisationId: 3 })).toBe(
      'not_own_location',
    );
  });

  it('finds an expiry before the day of counting, and a time more than five minutes ahead', () => {
    expect(expiryPassed('2026-02-28', '2026-03-01')).toBe(true);
    expect(expiryPassed('2026-03-01', '2026-03-01')).toBe(false);
    const now = Date.UTC(2026, 2, 1, 12);
    expect(isInFuture(now + 4 * 60_000, now)).toBe(false);
    expect(isInFuture(now + 6 * 60_000, now)).toBe(true);
  });

  it('takes the later count as current, and of two counts at the same time the one received last', () => {
    expect(supersedes({ countedAt: 2, id: 1 }, { countedAt: 1, id: 9 })).toBe(true);
    expect(supersedes({ countedAt: 1, id: 9 }, { countedAt: 2, id: 1 })).toBe(false);
    expect(supersedes({ countedAt: 2, id: 5 }, { countedAt: 2, id: 4 })).toBe(true);
  });

  it('reads sex and age bands as reported', () => {
    expect(normaliseSex('K')).toBe('F');
    expect(normaliseSex('m')).toBe('M');
    expect(normaliseSex('Q')).toBeUndefined();
    expect(isAgeBand('65+')).toBe(true);
    expect(isAgeBand('18-64')).toBe(true);
    expect(isAgeBand('64-18')).toBe(false);
  });
});
