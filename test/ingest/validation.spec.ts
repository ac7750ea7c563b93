import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal } from '../support/seed.js';
import { example, ingest, refusal, reporterOf } from './helpers.js';

const T = '2026-03-01T06:00:00+01:00';
const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';

/** Each kind of mistake a reporter makes is named with where, which field, what value and what was expected. */
describeEach(testBackends())('report validation on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
    await seedMinimal(store.db);
  });
  afterAll(() => store.close());

  const countLines = async () =>
    Number(
      (
        await store.db
          .selectFrom('stock_line')
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('lists every problem of a stock file with line, field, value and expectation, and stores none of it', async () => {
    const csv = [
      HEADER,
      `SE-APO-0001,99999999999999,1,,,1,${T}`, // 2 unknown package
      `SE-XXX-9999,20000000000011,1,,,1,${T}`, // 3 unknown location
      `SE-WHS-0001,20000000000011,1,,,1,${T}`, // 4 the wholesaler's, not APO's
      `SE-BER-0001,20000000000011,1,,,1,${T}`, // 5 a classified stock of another: answered as unknown
      `SE-APO-0001,20000000000011,-4,,,1,${T}`, // 6 negative
      `SE-APO-0001,20000000000028,tolv,,,1,${T}`, // 7 not a number
      `SE-APO-0001,20000000000035,3,L1,2026-02-28,1,${T}`, // 8 expired before counting
      `SE-APO-0002,20000000000011,3,,,1,2026-03-03T06:00:00+01:00`, // 9 counted in the future
      `SE-APO-0001,100003,5,L2,2027-01-01,1,${T}`, // 10 fine
      `SE-APO-0001,20000000000035,6,L2,2027-01-01,1,${T}`, // 11 the same package and batch again
      `SE-APO-0001,20000000000011,1,,,5,${T}`, // 12 no such stock level
      `SE-APO-0001,20000000000011,1,L3,31/12/2027,1,${T}`, // 13 not a date
      `SE-APO-0001,20000000000011,1,L4,2027-01-01,1,${T},extra`, // 14 one field too many
    ].join('\n');
    const before = await countLines();
    const err = await refusal(ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'csv', csv));
    expect(err.message).toMatch(/^report \d+ was refused with 12 problems; nothing of it was stored/);
    expect(err.problems).toEqual([
      expect.objectContaining({
        at: 2,
        field: 'package',
        value: '99999999999999',
        message: 'line 2: package 99999999999999 is unknown',
      }),
      expect.objectContaining({
        at: 3,
        field: 'location',
        value: 'SE-XXX-9999',
        message: 'line 3: location SE-XXX-9999 is unknown',
      }),
      expect.objectContaining({
        at: 4,
        field: 'location',
        expected: 'a location owned by APO',
        message: "line 4: location SE-WHS-0001 is not one of APO's locations",
      }),
      expect.objectContaining({
        at: 5,
        field: 'location',
        message: 'line 5: location SE-BER-0001 is unknown',
      }),
      expect.objectContaining({
        at: 6,
        field: 'quantity',
        value: '-4',
        expected: 'a quantity of 0 or more',
        message: 'line 6: package 20000000000011 at location SE-APO-0001: quantity -4 is below 0',
      }),
      expect.objectContaining({
        at: 7,
        field: 'quantity',
        value: 'tolv',
        expected: expect.stringContaining('12,5'),
      }),
      expect.objectContaining({
        at: 8,
        field: 'expiry',
        value: '2026-02-28',
        message: expect.stringContaining('expiry 2026-02-28 had already passed when counted on 2026-03-01'),
      }),
      expect.objectContaining({
        at: 9,
        field: 'counted_at',
        message: 'line 9: counted_at 2026-03-03T05:00:00.000Z is in the future',
      }),
      expect.objectContaining({
        at: 11,
        field: 'package',
        message:
          'line 11: package 20000000000035 at location SE-APO-0001, batch L2: duplicate of an earlier line',
      }),
      expect.objectContaining({
        at: 12,
        field: 'stock_level',
        value: '5',
        expected: 'a stock level 1, 2, 3 or 4',
      }),
      expect.objectContaining({ at: 13, field: 'expiry', value: '31/12/2027' }),
      expect.objectContaining({ at: 14, field: 'csv', value: 8, expected: '7 fields, as in the header' }),
    ]);
    expect(await countLines()).toBe(before);
    const rejected = await store.db
      .selectFrom('report')
      .selectAll()
      .where('status', '=', 'rejected')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(rejected).toMatchObject({ kind: 'stock_snapshot', line_count: 13, problem_count: 12 });
    expect(rejected.problems).toHaveLength(12);
  });

  it('names unknown and missing columns on line 1', async () => {
    const err = await refusal(
      ingest(
        store,
        await reporterOf(store, 'APO'),
        'stock_snapshot',
        'csv',
        `location,package,mängd,counted_at\nSE-APO-0001,20000000000011,3,${T}\n`,
      ),
    );
    expect(err.problems).toEqual([
      expect.objectContaining({
        at: 1,
        field: 'mängd',
        message: "line 1: unknown column 'mängd'",
        expected: expect.stringMatching(/quantity.*antal/),
      }),
      expect.objectContaining({ at: 1, field: 'quantity', message: "line 1: column 'quantity' is missing" }),
    ]);
  });

  it('accepts Swedish column names beside the English ones, in any case and with spaces (issue 10 item 6)', async () => {
    const receipt = await ingest(
      store,
      await reporterOf(store, 'APO'),
      'stock_snapshot',
      'csv',
      `Plats;Förpackning;Antal;Batchnummer;Utgångsdatum;Lagernivå;Inventerad\n` +
        `SE-APO-0001;20000000000011;7,5;SV-1;2027-06-30;1;${T}\n`,
    );
    expect(receipt).toMatchObject({ lineCount: 1 });
    const line = await store.db
      .selectFrom('stock_line')
      .select(['quantity', 'batch'])
      .where('batch', '=', 'SV-1')
      .executeTakeFirstOrThrow();
    expect(Number(line.quantity)).toBe(7.5);
    // An English and a Swedish name of one column are the same column, named twice.
    const err = await refusal(
      ingest(
        store,
        await reporterOf(store, 'APO'),
        'stock_snapshot',
        'csv',
        `location,plats,package,quantity,counted_at\nSE-APO-0001,SE-APO-0001,20000000000011,3,${T}\n`,
      ),
    );
    expect(err.problems[0]).toMatchObject({ at: 1, message: "line 1: column 'plats' appears twice" });
  });

  it('refuses a file that is not UTF-8 and names the line (Latin-1 å in a batch)', async () => {
    const latin1 = Buffer.from(
      `${HEADER}\nSE-APO-0001,20000000000011,1,,,1,${T}\nSE-APO-0001,20000000000028,1,Bättre,,1,${T}\n`,
      'latin1',
    );
    const err = await refusal(ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'csv', latin1));
    expect(err.problems).toEqual([
      expect.objectContaining({
        at: 3,
        field: 'encoding',
        value: '0xe4 74',
        expected: expect.stringContaining('UTF-8'),
      }),
    ]);
  });

  it('refuses an empty file and a header without lines', async () => {
    const apo = await reporterOf(store, 'APO');
    expect((await refusal(ingest(store, apo, 'stock_snapshot', 'csv', ''))).problems[0]!.message).toBe(
      'the file is empty',
    );
    expect(
      (await refusal(ingest(store, apo, 'stock_snapshot', 'csv', `${HEADER}\n`))).problems[0]!.message,
    ).toBe('the report has no lines');
  });

  it('refuses a quoted field that is never closed', async () => {
    const err = await refusal(
      ingest(
        store,
        await reporterOf(store, 'APO'),
        'stock_snapshot',
        'csv',
        `${HEADER}\nSE-APO-0001,20000000000011,1,"B1,,,1,${T}\n`,
      ),
    );
    expect(err.problems[0]).toMatchObject({
      at: 2,
      field: 'csv',
      message: expect.stringContaining('not closed'),
    });
  });

  it('lists at most 1,000 problems and says how many more there were', async () => {
    const lines = [
      HEADER,
      ...Array.from({ length: 1500 }, (_, i) => `SE-APO-0001,${90000000000000 + i},1,,,1,${T}`),
    ];
    const err = await refusal(
      ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'csv', lines.join('\n')),
    );
    expect(err.problems).toHaveLength(1001);
    expect(err.problems[999]).toMatchObject({ at: 1001 });
    expect(err.problems[1000]!.message).toBe('… and 500 more problems (only the first 1000 are listed)');
    expect(err.message).toMatch(/refused with 1500 problems/);
  });

  it('gives JSON paths for problems in a JSON report', async () => {
    const doc = {
      kind: 'stock_snapshot',
      countedAt: T,
      lines: [
        { location: 'SE-APO-0001', package: '20000000000011', quantity: 3 },
        { location: 'SE-APO-0001', package: '20000000000028', quantity: 'many', colour: 'red' },
        { location: 'SE-APO-0001', package: '20000000000035', quantity: { value: 3 } },
      ],
      sender: 'x',
    };
    const err = await refusal(
      ingest(store, await reporterOf(store, 'APO'), undefined, 'json', JSON.stringify(doc)),
    );
    expect(err.problems).toEqual([
      expect.objectContaining({ at: '$.sender', message: '$.sender: unknown property' }),
      expect.objectContaining({ at: '$.lines[1].colour', field: 'colour' }),
      expect.objectContaining({
        at: '$.lines[2].quantity',
        field: 'quantity',
        expected: 'a text or a number',
      }),
    ]);
  });

  it('checks values of a JSON line with the same rules and names the JSON path', async () => {
    const doc = {
      kind: 'stock_snapshot',
      countedAt: T,
      lines: [{ location: 'SE-APO-0001', package: '20000000000028', quantity: -1 }],
    };
    const err = await refusal(
      ingest(store, await reporterOf(store, 'APO'), undefined, 'json', JSON.stringify(doc)),
    );
    expect(err.problems).toEqual([
      expect.objectContaining({
        at: '$.lines[0].quantity',
        field: 'quantity',
        value: -1,
        expected: 'a quantity of 0 or more',
      }),
    ]);
  });

  it('refuses a document that is not JSON, and a JSON report whose kind differs from the route', async () => {
    const apo = await reporterOf(store, 'APO');
    expect(
      (await refusal(ingest(store, apo, 'stock_snapshot', 'json', '{"kind": "stock_snapshot", ')))
        .problems[0]!.message,
    ).toMatch(/not valid JSON/);
    const err = await refusal(ingest(store, apo, 'sales', 'json', example('stock-snapshot.json')));
    expect(err.problems[0]).toMatchObject({ at: '$.kind', value: 'stock_snapshot', expected: 'sales' });
  });

  it('refuses a FHIR resource that is not an InventoryReport', async () => {
    const err = await refusal(
      ingest(
        store,
        await reporterOf(store, 'APO'),
        undefined,
        'fhir',
        JSON.stringify({ resourceType: 'Bundle', type: 'collection' }),
      ),
    );
    expect(err.problems).toEqual([
      expect.objectContaining({ at: '$.resourceType', value: 'Bundle', expected: "'InventoryReport'" }),
    ]);
  });

  it('refuses an InventoryReport that lacks required elements, naming each JSON path', async () => {
    const doc = {
      resourceType: 'InventoryReport',
      inventoryListing: [
        {
          location: { identifier: { value: 'SE-APO-0001' } },
          item: [{ item: { concept: { coding: [{ system: 'http://snomed.info/sct', code: '123' }] } } }],
        },
      ],
    };
    const err = await refusal(
      ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'fhir', JSON.stringify(doc)),
    );
    expect(err.problems.map((p) => p.at)).toEqual([
      '$.status',
      '$.countType',
      '$.reportedDateTime',
      '$.inventoryListing[0].item[0].item.concept',
    ]);

    const complete = { ...doc, status: 'active', countType: 'snapshot', reportedDateTime: T };
    const err2 = await refusal(
      ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'fhir', JSON.stringify(complete)),
    );
    expect(err2.problems).toEqual([
      expect.objectContaining({
        at: '$.inventoryListing[0].item[0].item.concept',
        message: expect.stringContaining('no coding names a package'),
      }),
    ]);

    const noQuantity = {
      ...complete,
      inventoryListing: [
        {
          location: { identifier: { system: 'https://www.gs1.org/gln', value: '7350000001006' } },
          item: [
            {
              item: {
                concept: {
                  coding: [{ system: 'https://beredskap.se/fhir/sid/npl-pack-id', code: '20000000000011' }],
                },
              },
            },
          ],
        },
      ],
    };
    const err3 = await refusal(
      ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'fhir', JSON.stringify(noQuantity)),
    );
    expect(err3.problems).toEqual([
      expect.objectContaining({
        at: '$.inventoryListing[0].item[0].quantity.value',
        field: 'quantity',
        message: expect.stringContaining('quantity is missing'),
      }),
    ]);
  });

  it('refuses a FHIR report whose countType differs from the kind sent, and a draft', async () => {
    const apo = await reporterOf(store, 'APO');
    const err = await refusal(
      ingest(store, apo, 'stock_difference', 'fhir', example('stock-snapshot.fhir.json')),
    );
    expect(err.problems[0]).toMatchObject({
      at: '$.countType',
      value: 'stock_snapshot',
      expected: 'stock_difference',
    });
    const draft = {
      ...(JSON.parse(example('stock-snapshot.fhir.json').toString('utf8')) as object),
      status: 'draft',
    };
    expect(
      (await refusal(ingest(store, apo, undefined, 'fhir', JSON.stringify(draft)))).problems[0],
    ).toMatchObject({ at: '$.status', value: 'draft' });
  });

  it('refuses a snapshot that counts one location at two times', async () => {
    const csv = `${HEADER}\nSE-APO-0001,20000000000011,1,,,1,${T}\nSE-APO-0001,20000000000028,1,,,1,2026-03-01T07:00:00+01:00\n`;
    const err = await refusal(ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'csv', csv));
    expect(err.problems).toEqual([
      expect.objectContaining({
        at: 3,
        field: 'counted_at',
        message: 'line 3: location SE-APO-0001 is counted at two different times in one snapshot',
      }),
    ]);
  });

  it('lets companies notify shortages only of their own packages, and only companies', async () => {
    const notice = 'type,package,expected_start\nshortage,20000000000035,2026-03-10\n'; // insulin is CO-B's
    const err = await refusal(
      ingest(store, await reporterOf(store, 'CO-A'), 'shortage_notice', 'csv', notice),
    );
    expect(err.problems).toEqual([
      expect.objectContaining({
        at: 2,
        field: 'package',
        message: 'line 2: package 20000000000035 is sold by another company',
      }),
    ]);
    const err2 = await refusal(
      ingest(store, await reporterOf(store, 'APO'), 'shortage_notice', 'csv', notice),
    );
    expect(err2.problems[0]!.message).toMatch(/APO is not a company/);
    const bad = 'type,package,expected_start,expected_end\nbrist,20000000000011,2026-03-10,2026-03-01\n';
    const err3 = await refusal(ingest(store, await reporterOf(store, 'CO-A'), 'shortage_notice', 'csv', bad));
    expect(err3.problems.map((p) => p.field)).toEqual(['type', 'expected_end']);
  });

  it('lets a company plan deliveries only of its own packages, and others only into their own locations', async () => {
    const err = await refusal(
      ingest(
        store,
        await reporterOf(store, 'CO-A'),
        'expected_delivery',
        'csv',
        'package,quantity,expected_on\n20000000000035,10,2026-03-20\n',
      ),
    );
    expect(err.problems[0]).toMatchObject({
      at: 2,
      field: 'package',
      message: 'line 2: package 20000000000035 is sold by another company',
    });
    const whs = await reporterOf(store, 'WHS');
    const err2 = await refusal(
      ingest(
        store,
        whs,
        'expected_delivery',
        'csv',
        'package,quantity,expected_on\n20000000000035,10,2026-03-20\n',
      ),
    );
    expect(err2.problems[0]).toMatchObject({
      field: 'location',
      message: expect.stringContaining('only a company may report deliveries without one'),
    });
    const err3 = await refusal(
      ingest(
        store,
        whs,
        'expected_delivery',
        'csv',
        'package,quantity,expected_on,location\n20000000000035,10,2026-03-01,SE-APO-0001\n',
      ),
    );
    expect(err3.problems.map((p) => p.field)).toEqual(['expected_on', 'location']);
    const ok = await ingest(
      store,
      whs,
      'expected_delivery',
      'csv',
      'package,quantity,expected_on,location\n20000000000035,10,2026-03-20,SE-WHS-0001\n',
    );
    expect(ok.status).toBe('accepted');
  });

  it('refuses a sales channel it does not know, naming the line, the field and the channels', async () => {
    const region = await reporterOf(store, 'REG-01');
    const csv = 'date,region,package,quantity,channel\n2026-03-01,01,20000000000011,4,hospital\n';
    const err = await refusal(ingest(store, region, 'sales', 'csv', csv));
    expect(err.problems).toEqual([
      expect.objectContaining({
        at: 2,
        field: 'channel',
        value: 'hospital',
        expected: 'community_dispensing, care_requisition, dose_dispensing',
        message: "line 2: channel 'hospital' is not community_dispensing, care_requisition, dose_dispensing",
      }),
    ]);
    const json = JSON.stringify({
      kind: 'sales',
      lines: [{ date: '2026-03-01', region: '01', package: '20000000000011', quantity: 4, channel: 'x' }],
    });
    const jsonErr = await refusal(ingest(store, region, 'sales', 'json', json));
    expect(jsonErr.problems[0]).toMatchObject({ at: '$.lines[0].channel', field: 'channel' });
  });

  it('lets a region report region-level sales only for itself, and checks dates, sex and age band', async () => {
    const region = await reporterOf(store, 'REG-01');
    const ok = await ingest(
      store,
      region,
      'sales',
      'csv',
      'date,region,package,quantity\n2026-03-01,01,20000000000011,400\n',
    );
    expect(ok.summary).toMatchObject({ lines: 1, locations: 0, regions: 1 });
    const csv =
      'date,region,location,package,quantity,sex,age_band\n2026-03-01,12,,20000000000011,4,,\n2026-03-03,01,,20000000000011,4,Q,65-18\n';
    const err = await refusal(ingest(store, region, 'sales', 'csv', csv));
    expect(err.problems.map((p) => [p.at, p.field])).toEqual([
      [2, 'region'],
      [3, 'date'],
      [3, 'age_band'],
      [3, 'sex'],
    ]);
  });
});
