import { afterAll, beforeAll, expect, it } from 'vitest';
import { isAppError, type AppError } from '../../src/domain/errors.js';
import { importLocations, importOrganisations } from '../../src/ingest/actors.js';
import type { Store } from '../../src/store/database.js';
import { buildMunicipality, buildRegion } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

const cli = { tokenId: null, organisationId: null };
const enc = (s: string) => new TextEncoder().encode(s);
// Test organisation numbers with valid Luhn check digits (not real organisations).
const ORGS = `org_number,code,name,kind,authority,region,municipality
202100-4334,LV,Läkemedelsverket,authority,lv,,
202100-5489,TLV,Tandvårds- och läkemedelsförmånsverket,authority,tlv,,
2021009994,SOS,Socialstyrelsen,authority,sos,,
202100-8889,NCT,Nationellt CT,joint_function,nct,,
556000-0001,WHS-A,Grossist A AB,wholesaler,,,
556111-1112,APO-A,Apotek A AB,pharmacy_operator,,,
212000-0019,REG-24,Region Västerbotten,region,,24,
`;

async function refusal(p: Promise<unknown>): Promise<AppError> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e;
    throw e;
  }
  throw new Error('expected the import to be refused');
}

describeEach(testBackends())('register imports on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
    await buildRegion(store.db, { code: '01', name: 'Region Stockholm' });
    await buildRegion(store.db, { code: '24', name: 'Region Västerbotten' });
    await buildRegion(store.db, { code: '25', name: 'Region Norrbotten' });
    await buildMunicipality(store.db, '24', '2480', 'Umeå');
    await buildMunicipality(store.db, '01', '0180', 'Stockholm');
  });
  afterAll(() => store.close());

  it('imports organisations with their authority marks, then re-import reports only what changed', async () => {
    const first = await importOrganisations(store, { bytes: enc(ORGS), fileName: 'orgs.csv', actor: cli });
    expect(first).toMatchObject({ rows: 7, created: 7, updated: 0, unchanged: 0 });
    const marks = await store.db
      .selectFrom('organisation')
      .select(['code', 'authority', 'kind'])
      .where('authority', 'is not', null)
      .orderBy('code')
      .execute();
    expect(marks).toEqual([
      { code: 'LV', authority: 'lv', kind: 'authority' },
      { code: 'NCT', authority: 'nct', kind: 'joint_function' },
      { code: 'SOS', authority: 'sos', kind: 'authority' },
      { code: 'TLV', authority: 'tlv', kind: 'authority' },
    ]);

    const renamed = ORGS.replace(
      'Apotek A AB,pharmacy_operator,,,',
      'Apotek A Sverige AB,pharmacy_operator,,01,',
    );
    const second = await importOrganisations(store, {
      bytes: enc(renamed),
      fileName: 'orgs2.csv',
      actor: cli,
    });
    expect(second).toMatchObject({ rows: 7, created: 0, updated: 1, unchanged: 6 });
    expect(second.changes).toEqual([
      {
        code: 'APO-A',
        action: 'updated',
        fields: [
          { field: 'name', from: 'Apotek A AB', to: 'Apotek A Sverige AB' },
          { field: 'regionCode', from: null, to: '01' },
        ],
      },
    ]);
    const audit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id', 'detail'])
      .where('id', '=', second.auditId)
      .executeTakeFirstOrThrow();
    expect(audit.action).toBe('organisations.imported');
    expect(audit.entity_id).toBe('orgs2.csv');
    expect(audit.detail).toMatchObject({ rows: 7, changes: second.changes });
  });

  it('refuses a file with bad lines, naming line, field and expectation, and stores nothing', async () => {
    const bad = `org_number,code,name,kind,authority
556000-0002,NEW-1,Nytt AB,company,
556222-2223,NEW-2,Annat AB,company,lv
556333-3334,NEW-3,Tredje AB,grossist,
`;
    const e = await refusal(importOrganisations(store, { bytes: enc(bad), fileName: 'bad.csv', actor: cli }));
    expect(e.kind).toBe('invalid');
    expect(e.problems.map((p) => [p.at, p.field])).toEqual([
      [2, 'org_number'],
      [3, 'authority'],
      [4, 'kind'],
    ]);
    expect(e.problems[0]!.message).toBe("line 2: org_number '556000-0002' is not an organisation number");
    expect(e.problems[1]!.message).toBe(
      'line 3: authority lv belongs to an organisation of kind authority, not company',
    );
    // Line 3 is a valid number but its authority is wrong: nothing of the file was stored.
    const stored = await store.db
      .selectFrom('organisation')
      .select('code')
      .where('code', 'like', 'NEW-%')
      .execute();
    expect(stored).toEqual([]);
    const refusedAudit = await store.db
      .selectFrom('audit_log')
      .select(['action', 'entity_id'])
      .where('action', '=', 'organisations.import_refused')
      .execute();
    expect(refusedAudit).toEqual([{ action: 'organisations.import_refused', entity_id: 'bad.csv' }]);
  });

  it('refuses a second organisation that claims to be Läkemedelsverket', async () => {
    const e = await refusal(
      importOrganisations(store, {
        bytes: enc('org_number,code,name,kind,authority\n556444-4445,FAKE-LV,Falskt verk,authority,lv\n'),
        actor: cli,
      }),
    );
    expect(e.problems[0]).toMatchObject({
      at: 2,
      field: 'authority',
      message: 'line 2: authority lv is organisation 202100-4334; one organisation per national actor',
    });
  });

  const LOCS = `code,gln,name,kind,organisation,region,municipality,street_address,postal_code,postal_town,latitude,longitude,serves
SE-WHS-A1,7359998000015,Lager Umeå,wholesaler_warehouse,WHS-A,,2480,Lagervägen 1,90325,Umeå,63.8258,20.2630,24 25
SE-APO-A1,,Apotek A Umeå,community_pharmacy,556111-1112,24,2480,Storgatan 1,903 26,Umeå,63.8250,20.2600,
SE-APO-A2,,Apotek A Stockholm,community_pharmacy,APO-A,01,0180,,,,,,
`;

  it('imports locations with address, coordinates and the regions a warehouse delivers to', async () => {
    const r = await importLocations(store, { bytes: enc(LOCS), fileName: 'locs.csv', actor: cli });
    expect(r).toMatchObject({ rows: 3, created: 3 });
    const wh = await store.db
      .selectFrom('location')
      .select(['id', 'region_code', 'postal_code', 'latitude', 'gln'])
      .where('code', '=', 'SE-WHS-A1')
      .executeTakeFirstOrThrow();
    expect(wh).toMatchObject({
      region_code: '24',
      postal_code: '903 25',
      latitude: 63.8258,
      gln: '7359998000015',
    });
    const areas = await store.db
      .selectFrom('location_service_area')
      .select('region_code')
      .where('location_id', '=', wh.id)
      .orderBy('region_code')
      .execute();
    expect(areas.map((a) => a.region_code)).toEqual(['24', '25']);
  });

  it('updates in place, reports the change, and closes instead of deleting', async () => {
    const changed = LOCS.replace('63.8258,20.2630,24 25', '63.8258,20.2630,01 24 25').replace(
      'SE-APO-A2,,Apotek A Stockholm,community_pharmacy,APO-A,01,0180,,,,,,\n',
      '',
    );
    const r = await importLocations(store, {
      bytes: enc(changed),
      fileName: 'locs2.csv',
      actor: cli,
      complete: true,
      now: Date.parse('2026-03-02T10:00:00Z'),
    });
    expect(r).toMatchObject({ rows: 2, created: 0, updated: 1, unchanged: 1, closed: 1 });
    expect(r.changes).toEqual([
      {
        code: 'SE-WHS-A1',
        action: 'updated',
        fields: [{ field: 'serves', from: ['24', '25'], to: ['01', '24', '25'] }],
      },
      { code: 'SE-APO-A2', action: 'closed', fields: [{ field: 'closedOn', from: null, to: '2026-03-02' }] },
    ]);
    const closed = await store.db
      .selectFrom('location')
      .select('closed_on')
      .where('code', '=', 'SE-APO-A2')
      .executeTakeFirstOrThrow();
    expect(closed.closed_on).toBe('2026-03-02');
    // Named again (active by default): reopened.
    const back = await importLocations(store, { bytes: enc(LOCS), actor: cli });
    expect(back.changes.map((c) => [c.code, c.action])).toEqual([
      ['SE-WHS-A1', 'updated'],
      ['SE-APO-A2', 'reopened'],
    ]);
  });

  it('refuses unknown organisations, places outside Sweden and regions for a pharmacy', async () => {
    const bad = `code,name,kind,organisation,region,latitude,longitude,serves
SE-X1,X,community_pharmacy,NOPE,24,,,
SE-X2,Y,community_pharmacy,APO-A,24,20.26,63.82,
SE-X3,Z,community_pharmacy,APO-A,24,,,01
SE-X4,W,community_pharmacy,APO-A,99,,,
`;
    const e = await refusal(importLocations(store, { bytes: enc(bad), actor: cli }));
    expect(e.problems.map((p) => `${p.at} ${p.field}: ${p.message}`)).toEqual(
      [
        'line 2 organisation: line 2: organisation NOPE is unknown',
        'line 3 latitude: line 3: 20.26, 63.82 is not in Sweden (latitude and longitude swapped?)',
        'line 4 serves: line 4: a community_pharmacy does not deliver to regions',
        "line 5 region: line 5: region '99' is unknown",
      ].map((s) => s.replace(/^line (\d+)/, '$1')),
    );
    const n = await store.db.selectFrom('location').select('code').where('code', 'like', 'SE-X%').execute();
    expect(n).toEqual([]);
  });
});
