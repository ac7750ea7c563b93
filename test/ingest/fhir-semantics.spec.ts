import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Reporter } from '../../src/domain/report.js';
import { AppError } from '../../src/domain/errors.js';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { SEED_CODES, seedMinimal } from '../support/seed.js';
import { ingest, refusal, reporterOf } from './helpers.js';

/*
 * Issue 11 item 2: a FHIR R5 InventoryReport means what it says. `operationType` (R5: 0..1
 * CodeableConcept, "addition | subtraction") is applied to a difference; a quantity in anything but
 * packages is refused; a countingDateTime that is not a dateTime is refused, not replaced by
 * reportedDateTime; a resend under a used identifier that is invalid answers with its problems.
 */

const NPL = 'https://beredskap.se/fhir/sid/npl-pack-id';
const LOCATION = 'https://beredskap.se/fhir/sid/location-code';
const UCUM = 'http://unitsofmeasure.org';

interface DocOptions {
  countType?: string;
  operationType?: unknown;
  quantity?: Record<string, unknown>;
  countingDateTime?: unknown;
  identifier?: string;
  package?: string;
}

/** A one-item InventoryReport at SE-APO-0002 for paracetamol; options change one thing each. */
function doc(o: DocOptions = {}): Buffer {
  const listing: Record<string, unknown> = {
    location: { identifier: { system: LOCATION, value: SEED_CODES.pharmacy2 } },
    item: [
      {
        quantity: o.quantity ?? { value: 5, unit: 'förpackning' },
        item: { concept: { coding: [{ system: NPL, code: o.package ?? SEED_CODES.paracetamol }] } },
      },
    ],
  };
  if ('countingDateTime' in o) listing.countingDateTime = o.countingDateTime;
  else listing.countingDateTime = '2026-03-01T18:00:00+01:00';
  return Buffer.from(
    JSON.stringify({
      resourceType: 'InventoryReport',
      ...(o.identifier ? { identifier: [{ value: o.identifier }] } : {}),
      status: 'active',
      countType: o.countType ?? 'difference',
      ...(o.operationType !== undefined ? { operationType: o.operationType } : {}),
      reportedDateTime: '2026-03-01T18:05:00+01:00',
      inventoryListing: [listing],
    }),
  );
}

const op = (code: string) => ({ coding: [{ code, display: code }] });

describeEach(testBackends())('FHIR InventoryReport semantics on $name', (backend) => {
  let store: Store;
  let apo: Reporter;

  beforeAll(async () => {
    store = await backend.open();
    await seedMinimal(store.db);
    apo = await reporterOf(store, 'APO');
  });
  afterAll(() => store.close());

  async function differenceOf(reportId: number): Promise<number[]> {
    const rows = await store.db
      .selectFrom('stock_difference_line')
      .select('quantity')
      .where('report_id', '=', reportId)
      .execute();
    return rows.map((r) => Number(r.quantity));
  }

  async function reportCount(): Promise<number> {
    const r = await store.db
      .selectFrom('report')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('status', '=', 'accepted')
      .executeTakeFirstOrThrow();
    return Number(r.n);
  }

  it('stores a difference with operationType subtraction of 5 as −5, and addition of 5 as +5', async () => {
    const sub = await ingest(
      store,
      apo,
      undefined,
      'fhir',
      doc({ operationType: op('subtraction'), identifier: 'sub-5' }),
    );
    expect(await differenceOf(sub.id)).toEqual([-5]);
    const add = await ingest(
      store,
      apo,
      undefined,
      'fhir',
      doc({ operationType: op('addition'), identifier: 'add-5' }),
    );
    expect(await differenceOf(add.id)).toEqual([5]);
  });

  it('keeps a signed difference without operationType as given (−20 stays −20)', async () => {
    const r = await ingest(
      store,
      apo,
      undefined,
      'fhir',
      doc({ quantity: { value: -20, unit: 'förpackning' }, identifier: 'signed' }),
    );
    expect(await differenceOf(r.id)).toEqual([-20]);
  });

  it('refuses what operationType cannot mean: a negative quantity under it, an unknown code, a snapshot with it', async () => {
    const before = await reportCount();
    const negative = await refusal(
      ingest(
        store,
        apo,
        undefined,
        'fhir',
        doc({ operationType: op('subtraction'), quantity: { value: -5, unit: 'förpackning' } }),
      ),
    );
    expect(negative.problems[0]).toMatchObject({
      at: '$.inventoryListing[0].item[0].quantity.value',
      value: -5,
    });
    expect(negative.problems[0]?.message).toMatch(/subtraction/);

    const unknown = await refusal(
      ingest(store, apo, undefined, 'fhir', doc({ operationType: op('transfer') })),
    );
    expect(unknown.problems[0]).toMatchObject({ at: '$.operationType', value: 'transfer' });

    const textOnly = await refusal(
      ingest(store, apo, undefined, 'fhir', doc({ operationType: { text: 'minus' } })),
    );
    expect(textOnly.problems[0]).toMatchObject({ at: '$.operationType' });

    const both = await refusal(
      ingest(
        store,
        apo,
        undefined,
        'fhir',
        doc({ operationType: { coding: [{ code: 'addition' }, { code: 'subtraction' }] } }),
      ),
    );
    expect(both.problems[0]).toMatchObject({ at: '$.operationType' });

    const snapshot = await refusal(
      ingest(store, apo, undefined, 'fhir', doc({ countType: 'snapshot', operationType: op('addition') })),
    );
    expect(snapshot.problems[0]).toMatchObject({ at: '$.operationType' });
    expect(await reportCount()).toBe(before);
  });

  it('refuses a quantity that is not in packages (mg in UCUM, a unit word, a comparator) and stores nothing', async () => {
    const before = await reportCount();
    const mg = await refusal(
      ingest(
        store,
        apo,
        undefined,
        'fhir',
        doc({ quantity: { value: 500, unit: 'mg', system: UCUM, code: 'mg' } }),
      ),
    );
    expect(mg.problems[0]).toMatchObject({ at: '$.inventoryListing[0].item[0].quantity.code', value: 'mg' });
    expect(mg.problems[0]?.message).toMatch(/not packages/);

    const ml = await refusal(
      ingest(store, apo, undefined, 'fhir', doc({ quantity: { value: 500, unit: 'ml' } })),
    );
    expect(ml.problems[0]).toMatchObject({ at: '$.inventoryListing[0].item[0].quantity.unit', value: 'ml' });

    const tablets = await refusal(
      ingest(store, apo, undefined, 'fhir', doc({ quantity: { value: 30, system: UCUM, code: '{tablet}' } })),
    );
    expect(tablets.problems[0]).toMatchObject({ at: '$.inventoryListing[0].item[0].quantity.code' });

    const otherSystem = await refusal(
      ingest(
        store,
        apo,
        undefined,
        'fhir',
        doc({ quantity: { value: 3, system: 'http://snomed.info/sct', code: '{package}' } }),
      ),
    );
    expect(otherSystem.problems[0]).toMatchObject({ at: '$.inventoryListing[0].item[0].quantity.system' });

    const comparator = await refusal(
      ingest(store, apo, undefined, 'fhir', doc({ quantity: { value: 5, comparator: '>=' } })),
    );
    expect(comparator.problems[0]).toMatchObject({
      at: '$.inventoryListing[0].item[0].quantity.comparator',
      value: '>=',
    });
    expect(await reportCount()).toBe(before);
  });

  it('takes packages however they are written: no unit, förpackning, UCUM {package}', async () => {
    for (const [i, quantity] of [
      { value: 1 },
      { value: 2, unit: 'förpackning' },
      { value: 3, unit: 'packages' },
      { value: 4, unit: 'förpackning', system: UCUM, code: '{package}' },
    ].entries()) {
      const r = await ingest(store, apo, undefined, 'fhir', doc({ quantity, identifier: `packs-${i}` }));
      expect(await differenceOf(r.id)).toEqual([quantity.value]);
    }
  });

  it('refuses a countingDateTime that is not a dateTime instead of counting at reportedDateTime', async () => {
    const before = await reportCount();
    for (const countingDateTime of [20260301, '', '   ', null, { value: '2026-03-01' }, 'yesterday']) {
      const err = await refusal(ingest(store, apo, undefined, 'fhir', doc({ countingDateTime })));
      expect(err.problems[0], JSON.stringify(countingDateTime)).toMatchObject({
        at: '$.inventoryListing[0].countingDateTime',
      });
    }
    expect(await reportCount()).toBe(before);
    // Absent, it is the reportedDateTime (R5: countingDateTime 0..1).
    const r = await ingest(
      store,
      apo,
      undefined,
      'fhir',
      doc({ countingDateTime: undefined, identifier: 'no-ct' }),
    );
    expect(r.status).toBe('accepted');
  });

  it('answers an invalid document resent under a used identifier with its problems, not only a conflict', async () => {
    await ingest(
      store,
      apo,
      undefined,
      'fhir',
      doc({ identifier: 'used-once', operationType: op('addition') }),
    );
    const err = await ingest(
      store,
      apo,
      undefined,
      'fhir',
      doc({ identifier: 'used-once', package: '99999999999999' }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).kind).toBe('invalid');
    expect((err as AppError).problems[0]).toMatchObject({
      at: '$.inventoryListing[0].item[0].item.concept',
      value: 'npl:99999999999999',
    });
    // A valid different document under that identifier is still the conflict it was.
    const conflict = await ingest(
      store,
      apo,
      undefined,
      'fhir',
      doc({ identifier: 'used-once', quantity: { value: 6 } }),
    ).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((conflict as AppError).kind).toBe('conflict');
  });
});
