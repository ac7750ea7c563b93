import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/domain/errors.js';
import { mapExport, type MappedProduct } from '../../src/ingest/npl/mapper.js';
import { readLexicon, readProduct, type Lexicon } from '../../src/ingest/npl/reader.js';
import { ProblemList } from '../../src/ingest/problems.js';

const fixture = (path: string) => readFileSync(new URL(`../fixtures/npl/${path}`, import.meta.url), 'utf8');

/** The real records (licence class) and the constructed ones, read as an export names them. */
const REAL = ['real/Productdata/10010101000011.xml', 'real/Productdata/10010101000035.xml'];
const CONSTRUCTED = [
  'constructed/Productdata/99000000000011.xml', // approved human, two packages, one with a sales stop
  'constructed/Productdata/99000000000029.xml', // parallel import
  'constructed/Productdata/99000000000037.xml', // veterinary
  'constructed/Productdata/99000000000045.xml', // approved, whole product under a sales stop
];
const LEXICONS = ['organization', 'pharmaceutical-form-lx', 'productclass-lx', 'substance-lx'];

function lexicons(names = LEXICONS): Map<string, Lexicon> {
  const problems: Problem[] = [];
  const map = new Map(
    names.map((n) => {
      const file = `constructed/Lexicondata/${n}.xml`;
      return [n, readLexicon(fixture(file), n, file, problems)] as const;
    }),
  );
  expect(problems).toEqual([]);
  return map;
}

function map(files: readonly string[], lx: Map<string, Lexicon>, xml: (f: string) => string = fixture) {
  const read: Problem[] = [];
  const records = files.map((f) => readProduct(xml(f), f, read));
  const problems = new ProblemList();
  for (const p of read) problems.add(p);
  const result = mapExport(records, lx, problems);
  return { ...result, problems };
}

const byId = (products: readonly MappedProduct[], nplId: string) => {
  const p = products.find((x) => x.nplId === nplId);
  if (!p) throw new Error(`no product ${nplId}`);
  return p;
};

describe('reading real NPL records (Läkemedelsverket, urn:schemas-npl:instance:12)', () => {
  it('reads a real licence record: id, name, strength, form, class, ATC, holder, active substance, package', () => {
    const problems: Problem[] = [];
    const r = readProduct(fixture(REAL[0]!), REAL[0]!, problems);
    expect(problems).toEqual([]);
    expect(r.nplId).toMatchObject({ value: '10010101000011', line: 3, path: '/npl:medprod/mpa:nplid' });
    expect(r.name?.value).toBe('Celectol');
    expect(r.strength?.value).toBe('200 mg');
    expect(r.formCode?.value).toBe('FICOTA');
    expect(r.productClass?.value).toBe('LIC');
    expect(r.atcCode?.value).toBe('C07AB08');
    expect(r.salesStopped?.value).toBe('N');
    expect(r.organisations.map((o) => [o.orgId?.value, o.role?.value])).toEqual([
      ['ID1322285407025599', 'MAH'],
    ]);
    // Only the active ingredient (ACTI), not the salt it is related to (ARES).
    expect(r.activeSubstances.map((s) => s.value)).toEqual(['IDE4POF6UARA4VERT1']);
    expect(r.packages).toHaveLength(1);
    expect(r.packages[0]).toMatchObject({
      nplPackId: { value: '20131105100082', path: '/npl:medprod/npl:packages/npl:package[1]/mpa:nplpackid' },
      packText: { value: 'Licensförpackning' },
    });
  });
});

describe('mapping NPL records to medicines and packages', () => {
  const { mapped, warnings, problems } = map([...REAL, ...CONSTRUCTED], lexicons());

  it('accepts the export without problems', () => {
    expect(problems.list()).toEqual([]);
    expect(mapped.products).toHaveLength(6);
  });

  it('maps the real licence records: licence, human, holder as seller, names from the lexicons', () => {
    const celectol = byId(mapped.products, '10010101000011');
    expect(celectol).toMatchObject({
      name: 'Celectol',
      atcCode: 'C07AB08',
      substance: 'celiprolol',
      substanceCodes: 'IDE4POF6UARA4VERT1',
      form: 'Filmdragerad tablett',
      formCode: 'FICOTA',
      strength: '200 mg',
      species: 'human',
      productClass: 'LIC',
      holder: 'ID1322285407025599',
      seller: 'ID1322285407025599',
    });
    // A licence record names no pack size: one package of unit 'förp'.
    expect(celectol.packages).toEqual([
      {
        nplPackId: '20131105100082',
        nordicArticleNumber: null,
        gtin: null,
        packSize: 1,
        packUnit: 'förp',
        description: 'Licensförpackning',
        parallelTraded: false,
        licence: true,
        marketStatus: 'marketed',
      },
    ]);
    expect(byId(mapped.products, '10010101000035')).toMatchObject({
      name: 'Nifehexal',
      substance: 'nifedipin',
      form: 'Orala droppar, lösning',
      packages: [{ licence: true, parallelTraded: false }],
    });
  });

  it('maps an approved product: no flag, sizes from the record or the pack text, a package-level sales stop', () => {
    const p = byId(mapped.products, '99000000000011');
    expect(p).toMatchObject({
      species: 'human',
      productClass: 'HUM',
      holder: 'IDTESTORG0000001',
      seller: 'IDTESTORG0000001',
    });
    expect(p.packages).toEqual([
      expect.objectContaining({
        nplPackId: '99100000000011',
        nordicArticleNumber: '900011',
        gtin: '07359990000119',
        packSize: 20,
        packUnit: 'st',
        licence: false,
        parallelTraded: false,
        marketStatus: 'marketed',
      }),
      expect.objectContaining({
        nplPackId: '99100000000012',
        packSize: 100,
        packUnit: 'st',
        marketStatus: 'sales_stopped',
      }),
    ]);
  });

  it('maps a parallel import: parallel-traded, the holder as holder and the parallel importer as seller', () => {
    const p = byId(mapped.products, '99000000000029');
    expect(p).toMatchObject({ holder: 'IDTESTORG0000001', seller: 'IDTESTORG0000002' });
    expect(p.packages[0]).toMatchObject({ parallelTraded: true, licence: false });
    expect(mapped.organisations.get('IDTESTORG0000002')).toBe('Parallellimport Test AB');
  });

  it('maps a veterinary product by its ATCvet code', () => {
    expect(byId(mapped.products, '99000000000037')).toMatchObject({
      species: 'veterinary',
      atcCode: 'QJ01CA04',
    });
  });

  it('marks every package of a product under a sales stop', () => {
    expect(byId(mapped.products, '99000000000045').packages.map((k) => k.marketStatus)).toEqual([
      'sales_stopped',
    ]);
  });

  it('warns once per organisation the lexicon does not name, and counts the packages without a size', () => {
    expect(warnings.map((w) => w.message)).toEqual([
      expect.stringMatching(
        /lexicon organization .* has no entry ID1322285407025599: the organisation name is kept as the code/,
      ),
      expect.stringMatching(/has no entry ID1322285406516454/),
      "2 packages state no pack size (e.g. a licence record's \"Licensförpackning\"): each is counted as 1 package (unit 'förp')",
    ]);
  });
});

describe('a lexicon the import was not given', () => {
  it('keeps the codes, goes on, and says which lexicon, which code and where', () => {
    const { mapped, warnings, problems } = map(REAL, new Map());
    expect(problems.any).toBe(false);
    const celectol = byId(mapped.products, '10010101000011');
    expect(celectol).toMatchObject({ form: 'FICOTA', substance: 'IDE4POF6UARA4VERT1', productClass: 'LIC' });
    // The class still sets the licence flag by its code.
    expect(celectol.packages[0]?.licence).toBe(true);
    expect(warnings).toContainEqual({
      at: 'real/Productdata/10010101000011.xml:14',
      field: '/npl:medprod/mpa:pharmaceutical-form-lx',
      value: 'FICOTA',
      expected: 'an entry of lexicon pharmaceutical-form-lx',
      message:
        'lexicon pharmaceutical-form-lx was not given: the pharmaceutical form is kept as the code FICOTA until the lexicon arrives (first in real/Productdata/10010101000011.xml line 14)',
    });
  });

  it('reports a code the given lexicon lacks', () => {
    const { warnings } = map(REAL, lexicons(['pharmaceutical-form-lx']));
    expect(warnings.map((w) => w.message)).toContainEqual(
      expect.stringMatching(
        /^lexicon substance-lx was not given: the substance is kept as the code IDE4POEOUADS5VERT1/,
      ),
    );
    expect(warnings.map((w) => w.message).some((m) => m.includes('FICOTA'))).toBe(false);
  });
});

describe('a bad file: precise problems (file, line, XML path, what was expected)', () => {
  const broken = (edit: (xml: string) => string) => (f: string) =>
    f === REAL[0] ? edit(fixture(f)) : fixture(f);

  it('names the line and column of XML that is not well-formed', () => {
    const { problems } = map(
      REAL,
      new Map(),
      broken((x) => x.replace('<mpa:v>200 mg</mpa:v>', '<mpa:v>200 mg</mpa:w>')),
    );
    expect(problems.list()).toEqual([
      expect.objectContaining({
        at: expect.stringMatching(/^real\/Productdata\/10010101000011\.xml:9:\d+$/),
        field: expect.stringMatching(/^\/npl:medprod\/mpa:strength-text/),
        expected: 'well-formed XML',
      }),
    ]);
  });

  it('names the package, its path and line, and the expected form of a bad NPL pack id', () => {
    const { problems, mapped } = map(
      REAL,
      new Map(),
      broken((x) => x.replace('20131105100082', '2013-1105')),
    );
    expect(problems.list()).toEqual([
      {
        at: 'real/Productdata/10010101000011.xml:56',
        field: '/npl:medprod/npl:packages/npl:package[1]/mpa:nplpackid',
        value: '2013-1105',
        expected: '14 digits',
        message:
          "real/Productdata/10010101000011.xml line 56: NPL pack id '2013-1105' of package 2013-1105 is not 14 digits",
      },
    ]);
    expect(mapped.products.map((p) => p.nplId)).toEqual(['10010101000035']);
  });

  it('refuses a document that is not an npl:medprod of the NPL namespace', () => {
    const { problems } = map(
      REAL,
      new Map(),
      broken((x) => x.replaceAll('urn:schemas-npl:instance:12', 'urn:schemas-npl:instance:11')),
    );
    expect(problems.list()[0]).toMatchObject({
      at: 'real/Productdata/10010101000011.xml:2',
      expected: 'an npl:medprod document (namespace urn:schemas-npl:instance:12)',
    });
  });

  it('refuses a Y/N flag that is neither, and the same package in two products', () => {
    const flag = map(
      REAL,
      new Map(),
      broken((x) => x.replace('<mpa:salesstopped v="N"', '<mpa:salesstopped v="J"')),
    );
    expect(flag.problems.list()[0]).toMatchObject({
      at: 'real/Productdata/10010101000011.xml:32',
      field: '/npl:medprod/npl:flags/mpa:salesstopped',
      value: 'J',
      expected: "'Y' or 'N' (lexicon yesno-lx)",
    });
    const twice = map(
      REAL,
      new Map(),
      broken((x) => x.replace('20131105100082', '20131219100060')),
    );
    expect(twice.problems.list()[0]?.message).toBe(
      'real/Productdata/10010101000035.xml line 51: NPL pack id 20131219100060 is also a package of real/Productdata/10010101000011.xml',
    );
  });
});
