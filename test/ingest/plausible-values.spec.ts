import { afterAll, beforeAll, expect, it } from 'vitest';
import { PLAUSIBLE_QUANTITY } from '../../src/domain/report.js';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal } from '../support/seed.js';
import { ingest, refusal, reporterOf } from './helpers.js';

const T = '2026-03-01T06:00:00+01:00';
const HEADER = 'location,package,quantity,batch,expiry,stock_level,counted_at';

/** Issue 11 item 3: years before 1900 or far ahead, and quantities beyond our bound per kind, are refused. */
describeEach(testBackends())('plausible values on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
    await seedMinimal(store.db);
  });
  afterAll(() => store.close());

  const accepted = async () =>
    Number(
      (
        await store.db
          .selectFrom('report')
          .select((eb) => eb.fn.countAll().as('n'))
          .where('status', '=', 'accepted')
          .executeTakeFirstOrThrow()
      ).n,
    );

  it('refuses a year before 1900 instead of reading 0099 as 1999, and a date more than 50 years ahead', async () => {
    const apo = await reporterOf(store, 'APO');
    const stock = await refusal(
      ingest(
        store,
        apo,
        'stock_snapshot',
        'csv',
        [
          HEADER,
          `SE-APO-0001,20000000000011,1,A,0099-12-31,1,${T}`,
          `SE-APO-0001,20000000000011,1,B,0099-12,1,${T}`,
          `SE-APO-0001,20000000000011,1,C,2999-01-01,1,${T}`,
          `SE-APO-0002,20000000000011,1,,,1,0099-12-31T06:00:00+01:00`,
        ].join('\n'),
      ),
    );
    expect(stock.problems).toEqual([
      {
        at: 2,
        field: 'expiry',
        value: '0099-12-31',
        expected: 'a date from 1900-01-01 to 2076-12-31',
        message: 'line 2: expiry 0099-12-31 is before 1900-01-01 (no date before 1900 is plausible)',
      },
      expect.objectContaining({
        at: 3,
        field: 'expiry',
        message: expect.stringContaining('expiry 0099-12-31 is before'),
      }),
      expect.objectContaining({
        at: 4,
        field: 'expiry',
        message: 'line 4: expiry 2999-01-01 is after 2076-12-31 (more than 50 years ahead is not plausible)',
      }),
      expect.objectContaining({
        at: 5,
        field: 'counted_at',
        expected: 'a time in or after 1900',
        message: expect.stringMatching(
          /^line 5: counted_at 0099-12-3\dT.* is before 1900 \(not plausible\)$/,
        ),
      }),
    ]);

    const companyA = await reporterOf(store, 'CO-A');
    const delivery = await refusal(
      ingest(
        store,
        companyA,
        'expected_delivery',
        'json',
        JSON.stringify({ lines: [{ package: '20000000000011', quantity: 5, expectedOn: '9999-12-31' }] }),
      ),
    );
    expect(delivery.problems[0]).toMatchObject({
      at: '$.lines[0].expectedOn',
      message:
        '$.lines[0].expectedOn: expectedOn 9999-12-31 is after 2076-12-31 (more than 50 years ahead is not plausible)',
    });
    const sales = await refusal(
      ingest(
        store,
        apo,
        'sales',
        'csv',
        'date,location,package,quantity\n0099-12-31,SE-APO-0001,20000000000011,3\n',
      ),
    );
    expect(sales.problems[0]!.message).toBe(
      'line 2: date 0099-12-31 is before 1900-01-01 (no date before 1900 is plausible)',
    );
    expect(await accepted()).toBe(0);
  });

  it('refuses quantities beyond the plausible bound of each kind, naming the bound', async () => {
    const apo = await reporterOf(store, 'APO');
    const snapshot = await refusal(
      ingest(
        store,
        apo,
        'stock_snapshot',
        'json',
        JSON.stringify({
          countedAt: T,
          lines: [
            { location: 'SE-APO-0001', package: '20000000000011', quantity: 1e30 },
            {
              location: 'SE-APO-0001',
              package: '20000000000028',
              quantity: PLAUSIBLE_QUANTITY.stock_snapshot,
            },
          ],
        }),
      ),
    );
    expect(snapshot.problems).toEqual([
      {
        at: '$.lines[0].quantity',
        field: 'quantity',
        value: 1e30,
        expected: 'at most 10,000,000 packages',
        message:
          '$.lines[0].quantity: quantity 1e+30 is beyond the plausible bound of 10,000,000 packages for a stock snapshot line (our bound PLAUSIBLE_QUANTITY.stock_snapshot)',
      },
    ]);
    const difference = await refusal(
      ingest(
        store,
        apo,
        'stock_difference',
        'json',
        JSON.stringify({
          countedAt: T,
          lines: [{ location: 'SE-APO-0001', package: '20000000000011', quantity: -1e29 }],
        }),
      ),
    );
    expect(difference.problems[0]).toMatchObject({
      expected: 'a change of at most 10,000,000 packages either way',
      message: expect.stringContaining(
        'quantity -1e+29 is beyond the plausible bound of ±10,000,000 packages',
      ),
    });
    const sales = await refusal(
      ingest(
        store,
        apo,
        'sales',
        'csv',
        'date,location,package,quantity\n2026-03-01,SE-APO-0001,20000000000011,1 000 001\n',
      ),
    );
    expect(sales.problems[0]!.message).toBe(
      'line 2: quantity 1000001 is beyond the plausible bound of 1,000,000 packages for a sales line (our bound PLAUSIBLE_QUANTITY.sales)',
    );
    const delivery = await refusal(
      ingest(
        store,
        await reporterOf(store, 'CO-A'),
        'expected_delivery',
        'csv',
        'package,quantity,expected_on\n20000000000011,10000001,2026-04-01\n',
      ),
    );
    expect(delivery.problems[0]!.expected).toBe('at most 10,000,000 packages');
    expect(await accepted()).toBe(0);
  });

  it('accepts a quantity at the bound and dates at the edges of the plausible years', async () => {
    const receipt = await ingest(
      store,
      await reporterOf(store, 'APO'),
      'stock_snapshot',
      'csv',
      [
        HEADER,
        `SE-APO-0001,20000000000011,${PLAUSIBLE_QUANTITY.stock_snapshot},A,2076-12-31,1,${T}`,
        `SE-APO-0001,20000000000028,0,,,1,${T}`,
      ].join('\n'),
    );
    expect(receipt).toMatchObject({ status: 'accepted', lineCount: 2 });
  });
});
