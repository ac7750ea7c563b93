import { describe, expect, it } from 'vitest';
import { hashToken, mayListLocation, roleAllows, seesEverything } from '../../src/domain/access.js';

describe('roles and permissions', () => {
  it('lets a reporter write reports but not administer', () => {
    expect(roleAllows('reporter', 'report:write')).toBe(true);
    expect(roleAllows('reporter', 'admin')).toBe(false);
  });
  it('keeps readers and coordinators from writing reports', () => {
    expect(roleAllows('reader', 'report:write')).toBe(false);
    expect(roleAllows('coordinator', 'report:write')).toBe(false);
  });
  it('lets every role read the catalogue and public routes', () => {
    for (const role of ['admin', 'coordinator', 'analyst', 'reporter', 'reader'] as const) {
      expect(roleAllows(role, 'catalogue:read')).toBe(true);
      expect(roleAllows(role, 'public')).toBe(true);
    }
  });
});

describe('who sees which locations', () => {
  const regionalStock = {
    kind: 'regional_preparedness_stock' as const,
    organisationId: 10,
    regionCode: '12',
  };
  const stateStock = { kind: 'state_security_stock' as const, organisationId: 20, regionCode: '01' };
  const pharmacy = { kind: 'community_pharmacy' as const, organisationId: 30, regionCode: '01' };

  it('shows pharmacies, public facts, to everyone', () => {
    expect(
      mayListLocation({ organisationKind: 'company', organisationId: 99, regionCode: null }, pharmacy),
    ).toBe(true);
  });
  it('shows preparedness stocks to authorities and the joint function only', () => {
    expect(seesEverything({ organisationKind: 'joint_function' })).toBe(true);
    expect(
      mayListLocation({ organisationKind: 'authority', organisationId: 1, regionCode: null }, stateStock),
    ).toBe(true);
    expect(
      mayListLocation({ organisationKind: 'wholesaler', organisationId: 2, regionCode: null }, stateStock),
    ).toBe(false);
  });
  it('shows a regional stock to its own region and owner, not to another region', () => {
    expect(
      mayListLocation({ organisationKind: 'region', organisationId: 5, regionCode: '12' }, regionalStock),
    ).toBe(true);
    expect(
      mayListLocation({ organisationKind: 'region', organisationId: 6, regionCode: '01' }, regionalStock),
    ).toBe(false);
    expect(
      mayListLocation({ organisationKind: 'other', organisationId: 10, regionCode: null }, regionalStock),
    ).toBe(true);
  });
});

describe('token hashing', () => {
  it('stores the SHA-256 of a token as 64 hex digits', () => {
    // sha256("abc") is a published test vector.
    expect(hashToken('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
});
