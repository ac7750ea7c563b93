import { describe, expect, it } from 'vitest';
import {
  classOfAnswer,
  highestClass,
  INFORMATION_CLASS_NAMES_SV,
  maySeeArea,
  maySeeLocationDetail,
  maySeePackage,
  mayShowSmallAggregate,
  pictureScopeOf,
} from '../../src/domain/access.js';
import type { OrganisationKind } from '../../src/store/schema.js';

const as = (organisationKind: OrganisationKind, organisationId = 7) => ({ organisationKind, organisationId });

describe('what each organisation sees of the picture', () => {
  it('shows authorities and the joint function everything', () => {
    for (const kind of ['authority', 'joint_function'] as const) {
      expect(pictureScopeOf(as(kind))).toEqual({
        everything: true,
        regionalAggregates: true,
        companyId: null,
        groups: true,
        locationDetail: 'all',
        preparednessTier: true,
      });
      expect(maySeeLocationDetail(as(kind), { organisationId: 99 })).toBe(true);
    }
  });

  it('shows a region the national and regional aggregates and only its own locations in detail', () => {
    const region = as('region', 3);
    expect(maySeeArea(region, 'SE')).toBe(true);
    expect(maySeeArea(region, '12')).toBe(true);
    expect(maySeeLocationDetail(region, { organisationId: 3 })).toBe(true);
    expect(maySeeLocationDetail(region, { organisationId: 4 })).toBe(false);
    expect(pictureScopeOf(region).preparednessTier).toBe(false);
  });

  it('shows pharmacies, wholesalers and municipalities national aggregates and their own locations', () => {
    for (const kind of [
      'pharmacy_operator',
      'dose_pharmacy_operator',
      'wholesaler',
      'municipality',
      'other',
    ] as const) {
      expect(maySeeArea(as(kind), 'SE')).toBe(true);
      expect(maySeeArea(as(kind), '01')).toBe(false);
      expect(maySeeLocationDetail(as(kind, 5), { organisationId: 5 })).toBe(true);
      expect(maySeeLocationDetail(as(kind, 5), { organisationId: 6 })).toBe(false);
    }
  });

  it('shows a company its own packages, nationally and per region, and no groups', () => {
    const company = as('company', 42);
    expect(maySeePackage(company, { companyId: 42 })).toBe(true);
    expect(maySeePackage(company, { companyId: 43 })).toBe(false);
    expect(maySeeArea(company, '01')).toBe(true);
    expect(pictureScopeOf(company)).toMatchObject({ companyId: 42, groups: false, locationDetail: 'own' });
    expect(maySeePackage(as('region'), { companyId: 43 })).toBe(true);
  });
});

describe('small areas', () => {
  it('withholds an aggregate over one or two locations from those who do not see every location', () => {
    expect(mayShowSmallAggregate(as('region'), 2)).toBe(false);
    expect(mayShowSmallAggregate(as('region'), 3)).toBe(true);
    expect(mayShowSmallAggregate(as('region'), 0)).toBe(true);
    expect(mayShowSmallAggregate(as('authority'), 1)).toBe(true);
  });
});

describe('information classes', () => {
  it('classes location detail Skyddad, aggregates Begränsad, the rest Öppen', () => {
    expect(classOfAnswer({ aggregates: true, locationDetail: true })).toBe('protected');
    expect(classOfAnswer({ aggregates: true, locationDetail: false })).toBe('restricted');
    expect(classOfAnswer({ aggregates: false, locationDetail: false })).toBe('open');
    expect(INFORMATION_CLASS_NAMES_SV).toEqual({
      open: 'Öppen',
      restricted: 'Begränsad',
      protected: 'Skyddad',
    });
  });

  it('classes an answer by its most sensitive part', () => {
    expect(highestClass('open', 'protected', 'restricted')).toBe('protected');
    expect(highestClass()).toBe('open');
  });
});
