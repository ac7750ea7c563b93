import { describe, expect, it } from 'vitest';
import {
  changedFields,
  checkNewListVersion,
  diffRegister,
  flagsOfProductClass,
  importableRegisters,
  mayImportRegister,
  packSizeOfText,
  speciesOf,
  versionChanges,
  type PackageSnapshot,
} from '../../src/domain/master-data.js';

describe('who may import a register', () => {
  const lv = { organisationKind: 'authority', authority: 'lv' } as const;
  const sos = { organisationKind: 'authority', authority: 'sos' } as const;

  it('lists the registers whose imports the caller sees: the owner its own, an administrator all', () => {
    expect(importableRegisters({ ...lv, role: 'coordinator' })).toEqual(['npl']);
    expect(importableRegisters({ ...sos, role: 'reporter' })).toEqual(['prioritised_list']);
    expect(importableRegisters({ organisationKind: 'region', role: 'admin' })).toEqual([
      'npl',
      'prioritised_list',
    ]);
    expect(importableRegisters({ ...lv, role: 'reader' })).toEqual([]);
    expect(importableRegisters({ organisationKind: 'region', role: 'coordinator' })).toEqual([]);
  });

  it('lets Läkemedelsverket import NPL and Socialstyrelsen its list, each with a role that writes', () => {
    expect(mayImportRegister({ ...lv, role: 'coordinator' }, 'npl')).toBe(true);
    expect(mayImportRegister({ ...lv, role: 'reporter' }, 'npl')).toBe(true);
    expect(mayImportRegister({ ...sos, role: 'coordinator' }, 'prioritised_list')).toBe(true);
  });
  it('refuses each the other’s register, and readers and analysts of the owner', () => {
    expect(mayImportRegister({ ...sos, role: 'coordinator' }, 'npl')).toBe(false);
    expect(mayImportRegister({ ...lv, role: 'coordinator' }, 'prioritised_list')).toBe(false);
    expect(mayImportRegister({ ...lv, role: 'reader' }, 'npl')).toBe(false);
    expect(mayImportRegister({ ...lv, role: 'analyst' }, 'npl')).toBe(false);
  });
  it('refuses a region and a company even when a company carries the owner’s authority mark', () => {
    expect(mayImportRegister({ organisationKind: 'region', authority: null, role: 'reporter' }, 'npl')).toBe(
      false,
    );
    expect(mayImportRegister({ organisationKind: 'company', authority: 'lv', role: 'reporter' }, 'npl')).toBe(
      false,
    );
  });
  it('lets an administrator import either register', () => {
    expect(
      mayImportRegister({ organisationKind: 'region', authority: null, role: 'admin' }, 'prioritised_list'),
    ).toBe(true);
  });
});

describe('NPL product classes, species and pack sizes', () => {
  it('marks a licence product (LIC, as in the real records) and a parallel import', () => {
    expect(flagsOfProductClass('LIC', undefined)).toEqual({
      licence: true,
      parallelTraded: false,
      known: true,
    });
    expect(flagsOfProductClass('PI', undefined)).toEqual({
      licence: false,
      parallelTraded: true,
      known: true,
    });
  });
  it('reads the class from the lexicon’s Swedish name when the code is not in the table', () => {
    expect(flagsOfProductClass('PARIMP', 'Parallellimporterat läkemedel')).toEqual({
      licence: false,
      parallelTraded: true,
      known: true,
    });
    expect(flagsOfProductClass('HUM', 'Humanläkemedel')).toEqual({
      licence: false,
      parallelTraded: false,
      known: true,
    });
  });
  it('calls an unknown class without lexicon unknown, setting no flag', () => {
    expect(flagsOfProductClass('XYZ', undefined)).toEqual({
      licence: false,
      parallelTraded: false,
      known: false,
    });
  });
  it('tells veterinary products by their ATCvet code (Q…) or their class name', () => {
    expect(speciesOf('QJ01CA04', undefined)).toBe('veterinary');
    expect(speciesOf('J01CA04', undefined)).toBe('human');
    expect(speciesOf('', 'Veterinärmedicinskt läkemedel')).toBe('veterinary');
  });
  it('takes the pack size from the pack text: count of units, containers, or volume', () => {
    expect(packSizeOfText('100 tablett(er) blister')).toEqual({ size: 100, unit: 'st' });
    expect(packSizeOfText('10 x 100 ml injektionsflaska')).toEqual({ size: 10, unit: 'st' });
    expect(packSizeOfText('500 ml flaska')).toEqual({ size: 500, unit: 'ml' });
    expect(packSizeOfText('30 doser')).toEqual({ size: 30, unit: 'dos' });
    expect(packSizeOfText('Licensförpackning')).toBeUndefined();
  });
});

const pkg = (over: Partial<PackageSnapshot> = {}): PackageSnapshot => ({
  nplPackId: '20131105100082',
  nplId: '10010101000011',
  name: 'Celectol',
  atcCode: 'C07AB08',
  substance: 'celiprolol',
  form: 'Filmdragerad tablett',
  strength: '200 mg',
  species: 'human',
  productClass: 'LIC',
  holderId: 7,
  sellerId: 7,
  nordicArticleNumber: null,
  gtin: null,
  packSize: 1,
  packUnit: 'förp',
  description: 'Licensförpackning',
  parallelTraded: false,
  licence: true,
  marketStatus: 'marketed',
  ...over,
});

describe('what an import changes', () => {
  it('names the fields that differ', () => {
    expect(changedFields(pkg(), pkg({ strength: '400 mg', marketStatus: 'sales_stopped' }))).toEqual([
      'strength',
      'marketStatus',
    ]);
    expect(changedFields(pkg(), pkg())).toEqual([]);
  });

  it('says what each changed field was and became, for the product page', () => {
    expect(versionChanges(pkg(), pkg({ packSize: 30, marketStatus: 'sales_stopped' }))).toEqual([
      { field: 'packSize', from: 1, to: 30 },
      { field: 'marketStatus', from: 'marketed', to: 'sales_stopped' },
    ]);
    expect(versionChanges(pkg(), pkg())).toEqual([]);
  });

  it('adds, changes, keeps, and in a total export withdraws what it no longer names', () => {
    const stored = new Map([
      ['A', { snapshot: pkg({ nplPackId: 'A' }), hasHistory: false }],
      ['B', { snapshot: pkg({ nplPackId: 'B' }), hasHistory: true }],
      ['C', { snapshot: pkg({ nplPackId: 'C' }), hasHistory: false }],
      ['D', { snapshot: pkg({ nplPackId: 'D', marketStatus: 'withdrawn' }), hasHistory: true }],
    ]);
    const incoming = [pkg({ nplPackId: 'A' }), pkg({ nplPackId: 'B', packSize: 2 }), pkg({ nplPackId: 'E' })];
    const total = diffRegister(stored, incoming, 'total');
    expect(total.added).toEqual(['E']);
    expect(total.changed).toEqual([{ nplPackId: 'B', fields: ['packSize'] }]);
    expect(total.unchanged).toBe(1);
    // C is gone from the register; D was withdrawn before and stays so without a new version.
    expect(total.withdrawn.map((w) => w.snapshot.nplPackId)).toEqual(['C']);
    // C has no history yet: its state before this import becomes its first version.
    expect(total.staged.map((s) => `${s.op}:${s.snapshot.nplPackId}`)).toEqual([
      'changed:B',
      'added:E',
      'baseline:C',
      'withdrawn:C',
    ]);
    const delta = diffRegister(stored, incoming, 'delta');
    expect(delta.withdrawn).toEqual([]);
  });
});

describe('a new version of the prioritised list', () => {
  const v2023 = { version: '2023-05-12', validFrom: '2023-05-12', contentSha256: 'aaa' };

  it('may be dated back when it is the first', () => {
    expect(checkNewListVersion([], v2023, '2026-01-10').kind).toBe('new');
  });
  it('replays the same version with the same content, and refuses it with other content', () => {
    expect(checkNewListVersion([v2023], v2023, '2026-01-10').kind).toBe('replay');
    const other = checkNewListVersion([v2023], { ...v2023, contentSha256: 'bbb' }, '2026-01-10');
    expect(other.kind).toBe('refused');
  });
  it('refuses a version that starts in the past once one exists: past dates would read something new', () => {
    const past = checkNewListVersion(
      [v2023],
      { version: '2025', validFrom: '2025-06-01', contentSha256: 'c' },
      '2026-01-10',
    );
    expect(past).toMatchObject({
      kind: 'refused',
      problem: { field: 'validFrom', expected: '2026-01-10 or later' },
    });
    expect(
      checkNewListVersion(
        [v2023],
        { version: '2026', validFrom: '2026-01-10', contentSha256: 'c' },
        '2026-01-10',
      ).kind,
    ).toBe('new');
  });
  it('refuses a version that does not start after every stored one', () => {
    const later = { version: '2027', validFrom: '2027-01-01', contentSha256: 'd' };
    expect(
      checkNewListVersion(
        [v2023, later],
        { version: '2026b', validFrom: '2026-06-01', contentSha256: 'e' },
        '2026-01-10',
      ),
    ).toMatchObject({ kind: 'refused', problem: { expected: 'a date after 2027-01-01' } });
  });
});
