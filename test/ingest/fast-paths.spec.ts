import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalogue } from '../../src/ingest/catalogue.js';
import { isoDateKey, parseExpiry, parseNumber } from '../../src/ingest/values.js';
import type { Store } from '../../src/store/database.js';
import { describeEach, testBackends } from '../support/databases.js';
import { seedMinimal } from '../support/seed.js';
import { ingest, readCsvInChunks, refusal, reporterOf } from './helpers.js';

/* The shortcuts for the common shapes of a stock line answer exactly as the full code paths. */

function catalogueOf(packages: [npl: string, gtin: string | null, vnr: string | null][]): Catalogue {
  return new Catalogue(
    packages.map(([npl, gtin, vnr], i) => ({
      id: i + 1,
      npl_pack_id: npl,
      gtin,
      nordic_article_number: vnr,
      company_id: 1,
    })),
    [],
    new Set(),
  );
}

describe('fast paths of report reading', () => {
  it('finds a package by NPL pack id, GTIN or varunummer, digits only or with a scheme, NPL pack id first', () => {
    const catalogue = catalogueOf([
      ['20000000000011', '07350000000017', '100001'],
      ['09000000000012', '7350000000024', '100002'], // an NPL pack id with a leading zero
      ['100001', null, null], // another package's varunummer as NPL pack id: NPL pack id wins
      ['1234567890123456', null, null], // 16 digits: beyond the exact range of a number
    ]);
    const id = (code: string) => catalogue.package(code)?.id;
    expect(id('20000000000011')).toBe(1);
    expect(id(' 20000000000011 ')).toBe(1);
    expect(id('npl:20000000000011')).toBe(1);
    expect(id('7350000000017')).toBe(1);
    expect(id('07350000000017')).toBe(1);
    expect(id('gtin:07350000000017')).toBe(1);
    expect(id('vnr:100001')).toBe(1);
    expect(id('09000000000012')).toBe(2);
    expect(id('9000000000012')).toBeUndefined();
    expect(id('07350000000024')).toBe(2);
    expect(id('100002')).toBe(2);
    expect(id('100001')).toBe(3);
    expect(id('1234567890123456')).toBe(4);
    expect(id('1234567890123457')).toBeUndefined();
    for (const unknown of ['', '0', '20000000000012', '2000000000001', '2e13', '20000000000011.0'])
      expect(id(unknown), unknown).toBeUndefined();
  });

  it('reads whole numbers as the full number parser does', () => {
    for (const raw of ['0', '7', '007', '12', '123456789012345', '1234567890123456', '99999999999999999'])
      expect(parseNumber(raw), raw).toBe(Number(raw));
    expect(parseNumber(' 12 ')).toBe(12);
    expect(parseNumber('12,0')).toBe(12);
    expect(parseNumber('-0')).toBe(-0);
    for (const bad of ['', '1 2', '١٢', '12a', '+']) expect(parseNumber(bad), bad).toBeUndefined();
  });

  it('keys a date only when written exactly YYYY-MM-DD, and one key means one text', () => {
    expect(isoDateKey('2027-06-30')).toBe(20270630);
    expect(isoDateKey('2027-02-30')).toBe(20270230); // a key, not a judgement: parseExpiry decides
    expect(parseExpiry('2027-02-30')).toBeUndefined();
    for (const other of ['2027-06', ' 2027-06-30', '2027-6-30', '2027/06/30', '2027-06-3x', '20270630'])
      expect(isoDateKey(other), other).toBe(-1);
  });

  it('reads ASCII chunks and then a multi-byte letter split between chunks, and a file of one column', async () => {
    const text = 'location,package,batch\nSE-APO-0001,20000000000011,L1\nSE-APO-0001,20000000000028,Lå2\n';
    const bytes = Buffer.from(text);
    const whole = await readCsvInChunks(bytes, bytes.length);
    expect(whole.rows[2]).toEqual(['SE-APO-0001', '20000000000028', 'Lå2']);
    for (let size = 1; size <= 80; size++)
      expect(await readCsvInChunks(bytes, size), `chunks of ${size}`).toEqual(whole);

    const column = Buffer.from('package\n1\n\n2\r\n3');
    const one = await readCsvInChunks(column, column.length);
    expect(one.rows).toEqual([['package'], ['1'], ['2'], ['3']]);
    expect(one.lines).toEqual([1, 2, 4, 5]);
    for (let size = 1; size <= 5; size++)
      expect(await readCsvInChunks(column, size), `chunks of ${size}`).toEqual(one);
  });
});

describeEach(testBackends())('stock lines through the fast paths on $name', (backend) => {
  let store: Store;

  beforeAll(async () => {
    store = await backend.open();
    await seedMinimal(store.db);
  });
  afterAll(() => store.close());

  it('judges one expiry against the day each location was counted', async () => {
    const csv = [
      'location,package,quantity,batch,expiry,stock_level,counted_at',
      'SE-APO-0001,20000000000011,1,L1,2026-02-27,1,2026-02-26T06:00:00+01:00', // 2 fine
      'SE-APO-0002,20000000000011,1,L1,2026-02-27,1,2026-03-01T06:00:00+01:00', // 3 expired
      'SE-APO-0001,20000000000028,1,L1,2026-02-27,1,2026-02-26T06:00:00+01:00', // 4 fine
      'SE-APO-0002,20000000000028,1,L1,2026-02-27,1,2026-03-01T06:00:00+01:00', // 5 expired
    ].join('\n');
    const err = await refusal(ingest(store, await reporterOf(store, 'APO'), 'stock_snapshot', 'csv', csv));
    expect(err.problems.map((p) => [p.at, p.field])).toEqual([
      [3, 'expiry'],
      [5, 'expiry'],
    ]);
    expect(err.problems[0]?.message).toBe(
      'line 3: package 20000000000011 at location SE-APO-0002: expiry 2026-02-27 had already passed when counted on 2026-03-01',
    );
  });
});
