import { describe, expect, it } from 'vitest';
import {
  changedFields,
  isAuthority,
  isGln,
  mayDecide,
  mayImportRegister,
  maySeeOwnedStock,
  parseOrganisationNumber,
  sumByOwnerAndHolder,
} from '../../src/domain/actors.js';

const lv = { kind: 'authority', authority: 'lv' } as const;
const tlv = { kind: 'authority', authority: 'tlv' } as const;
const sos = { kind: 'authority', authority: 'sos' } as const;
const nct = { kind: 'joint_function', authority: 'nct' } as const;
const unnamedAuthority = { kind: 'authority', authority: null } as const;

describe('national actors', () => {
  it('tells Läkemedelsverket, TLV, Socialstyrelsen and Nationellt CT apart', () => {
    expect(isAuthority(lv, 'lv')).toBe(true);
    expect(isAuthority(tlv, 'lv')).toBe(false);
    expect(isAuthority(tlv, 'tlv')).toBe(true);
    expect(isAuthority(sos, 'sos')).toBe(true);
    expect(isAuthority(nct, 'nct')).toBe(true);
    expect(isAuthority(unnamedAuthority, 'lv')).toBe(false);
  });

  it('never takes an organisation of another kind for an authority, whatever its mark', () => {
    expect(isAuthority({ kind: 'company', authority: 'lv' }, 'lv')).toBe(false);
    expect(isAuthority({ kind: 'authority', authority: 'nct' }, 'nct')).toBe(false);
  });

  it('only Läkemedelsverket decides obligations and redistribution, only TLV compensation (R1, R3)', () => {
    expect(mayDecide(lv, 'obligation')).toBe(true);
    expect(mayDecide(lv, 'redistribution')).toBe(true);
    expect(mayDecide(tlv, 'obligation')).toBe(false);
    expect(mayDecide(tlv, 'compensation')).toBe(true);
    expect(mayDecide(lv, 'compensation')).toBe(false);
    expect(mayDecide(sos, 'prioritisedList')).toBe(true);
    expect(mayDecide(nct, 'redistribution')).toBe(false);
  });

  it('lets the register owner (LV) and administrators import actors and places, nobody else', () => {
    const as = (
      kind: 'authority' | 'company',
      authority: 'lv' | 'tlv' | null,
      role: 'admin' | 'coordinator' | 'reader',
    ) => ({
      organisationKind: kind,
      authority,
      role,
    });
    expect(mayImportRegister(as('authority', 'lv', 'coordinator'), 'locations')).toBe(true);
    expect(mayImportRegister(as('authority', 'lv', 'reader'), 'locations')).toBe(false);
    expect(mayImportRegister(as('authority', 'tlv', 'coordinator'), 'organisations')).toBe(false);
    expect(mayImportRegister(as('company', null, 'admin'), 'organisations')).toBe(true);
    expect(mayImportRegister(as('company', null, 'coordinator'), 'organisations')).toBe(false);
  });
});

describe('identifiers', () => {
  it('reads organisation numbers with or without dash and checks the Luhn digit', () => {
    expect(parseOrganisationNumber('5560000001')).toBe('556000-0001');
    expect(parseOrganisationNumber('556111-1112')).toBe('556111-1112');
    expect(parseOrganisationNumber('16556111-1112')).toBe('556111-1112');
    expect(parseOrganisationNumber('556111-1113')).toBeUndefined(); // wrong check digit
    expect(parseOrganisationNumber('55611-1112')).toBeUndefined();
  });

  it('checks the GS1 check digit of a GLN', () => {
    // 735999800001 → weights 1,3,1,3…: 7+9+5+27+9+27+8+0+0+0+0+3 = 95, check digit 5.
    expect(isGln('7359998000015')).toBe(true);
    expect(isGln('7359998000016')).toBe(false);
    expect(isGln('735999800001')).toBe(false);
  });
});

describe('changedFields', () => {
  it('names each changed field with its old and new value, regions compared as a list', () => {
    const before = { name: 'Apotek Hjorten', postalTown: 'Umeå', serves: ['24', '25'] };
    const after = { name: 'Apotek Hjorten Ålidhem', postalTown: 'Umeå', serves: ['24', '25'] };
    expect(changedFields(before, after, ['name', 'postalTown', 'serves'])).toEqual([
      { field: 'name', from: 'Apotek Hjorten', to: 'Apotek Hjorten Ålidhem' },
    ]);
  });
});

describe('stock by owner and by holder (R2)', () => {
  const W = 1;
  const C = 2;
  const R = 3;
  it('sums a wholesaler’s stock held for a company apart from its own', () => {
    const lines = [
      { ownerId: C, holderId: W, quantity: 100 },
      { ownerId: W, holderId: W, quantity: 30 },
      { ownerId: R, holderId: R, quantity: 50 },
    ];
    expect(sumByOwnerAndHolder(lines)).toEqual({
      total: 180,
      byOwner: [
        { organisationId: C, quantity: 100, apart: 100 },
        { organisationId: R, quantity: 50, apart: 0 },
        { organisationId: W, quantity: 30, apart: 0 },
      ],
      byHolder: [
        { organisationId: W, quantity: 130, apart: 100 },
        { organisationId: R, quantity: 50, apart: 0 },
      ],
    });
  });

  it('shows a line to its owner, its holder and authorities only', () => {
    const line = { ownerId: C, holderId: W };
    expect(maySeeOwnedStock({ organisationKind: 'company', organisationId: C }, line)).toBe(true);
    expect(maySeeOwnedStock({ organisationKind: 'wholesaler', organisationId: W }, line)).toBe(true);
    expect(maySeeOwnedStock({ organisationKind: 'authority', organisationId: 9 }, line)).toBe(true);
    expect(maySeeOwnedStock({ organisationKind: 'company', organisationId: 8 }, line)).toBe(false);
    expect(maySeeOwnedStock({ organisationKind: 'region', organisationId: R }, line)).toBe(false);
  });
});
