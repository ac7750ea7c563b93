import { SaxesParser, type SaxesTagNS } from 'saxes';
import type { Problem } from '../../domain/errors.js';

/**
 * Reads Läkemedelsverket's NPL export with a streaming SAX parser (saxes): one `npl:medprod` document
 * per medicinal product (schema namespace urn:schemas-npl:instance:12, elements of
 * urn:schemas-npl:mpa:12), and the lexicons the products refer to. No DOM is built: each product
 * becomes a small record of the fields beredskap uses, each with the line and XML path it came from,
 * so that a problem can name them. docs/master-data.md lists the elements read.
 */

export const NPL_NS = 'urn:schemas-npl:instance:12';
export const MPA_NS = 'urn:schemas-npl:mpa:12';

/** A value read from the file, with where it stands. */
export interface Located {
  value: string;
  /** 1-based line of the element. */
  line: number;
  /** XML path of the element, e.g. `/npl:medprod/npl:packages/npl:package[2]/mpa:nplpackid`. */
  path: string;
}

export interface NplPackageRecord {
  line: number;
  path: string;
  nplPackId?: Located;
  packText?: Located;
  /** Nordic article number (varunummer): `mpa:vnr`; the element name is ours (docs/master-data.md). */
  nordicArticleNumber?: Located;
  /** `mpa:gtin`; the element name is ours (docs/master-data.md). */
  gtin?: Located;
  /** `mpa:pack-size`, with the unit in `mpa:pack-size-unit-lx@v`; ours (docs/master-data.md). */
  packSize?: Located;
  packUnit?: Located;
  /** A sales stop of this package alone: `mpa:salesstopped@v` inside the package. */
  salesStopped?: Located;
}

export interface NplOrganisationRef {
  orgId?: Located;
  role?: Located;
}

export interface NplProductRecord {
  /** The file, as named within the export. */
  file: string;
  /** False when the file could not be read to its end (its problems say why): nothing of it is mapped. */
  complete: boolean;
  nplId?: Located;
  name?: Located;
  strength?: Located;
  formCode?: Located;
  productClass?: Located;
  atcCode?: Located;
  salesStopped?: Located;
  organisations: NplOrganisationRef[];
  /** NSL substance ids of the active ingredients (`npl:ingredient` with role ACTI). */
  activeSubstances: Located[];
  packages: NplPackageRecord[];
}

/** Element keys: the namespace's usual prefix and the local name; other namespaces keep their URI. */
function keyOf(tag: SaxesTagNS): string {
  // The export's own prefixes are 'mpa' and 'npl': then the tag's name is the key, no new string.
  if (tag.uri === MPA_NS) return tag.prefix === 'mpa' ? tag.name : `mpa:${tag.local}`;
  if (tag.uri === NPL_NS) return tag.prefix === 'npl' ? tag.name : `npl:${tag.local}`;
  return tag.uri ? `{${tag.uri}}${tag.local}` : tag.local;
}

function attr(tag: SaxesTagNS, name: string): string | undefined {
  return tag.attributes[name]?.value;
}

/** Elements whose text is a value we keep. */
const TEXT_FIELDS = new Set(['mpa:nplid', 'mpa:nplpackid', 'mpa:v', 'mpa:vnr', 'mpa:gtin', 'mpa:pack-size']);

/** Where a saxes error message already says its position ("file:line:col: message"), the message alone. */
function errorText(err: Error): string {
  return err.message.replace(/^[^:]*:\d+:\d+:\s*/, '');
}

/**
 * Reads one product document. Problems with the document itself (not well-formed, not an
 * `npl:medprod`) are added to `problems`; the record holds what could be read.
 */
export function readProduct(xml: string, file: string, problems: Problem[]): NplProductRecord {
  const record: NplProductRecord = {
    file,
    complete: true,
    organisations: [],
    activeSubstances: [],
    packages: [],
  };
  const parser = new SaxesParser({ xmlns: true, fileName: file });
  /** Keys of the open elements, the root first; and the index of each among same-key siblings. */
  const stack: string[] = [];
  const indexes: number[] = [];
  // The last child opened at each depth and its index: repeated elements (packages, organisations)
  // follow each other, so counting runs of the same key numbers them without a map per element.
  const lastKey: string[] = [];
  const lastIndex: number[] = [];
  let text: string | null = null;
  let ingredientRole: string | undefined;
  let ingredientSubstance: Located | undefined;
  let rootSeen = false;

  const path = (): string => {
    let p = '';
    for (let i = 0; i < stack.length; i++) {
      const index = indexes[i] ?? 1;
      p += `/${stack[i]}${index > 1 || stack[i] === 'npl:package' ? `[${index}]` : ''}`;
    }
    return p;
  };
  const here = (value: string): Located => ({ value, line: parser.line, path: path() });
  const inPackage = (): NplPackageRecord | undefined =>
    stack.includes('npl:package') ? record.packages[record.packages.length - 1] : undefined;

  parser.on('opentag', (tag) => {
    const key = keyOf(tag);
    const depth = stack.length;
    const index = lastKey[depth] === key ? (lastIndex[depth] ?? 0) + 1 : 1;
    lastKey[depth] = key;
    lastIndex[depth] = index;
    lastKey[depth + 1] = '';
    stack.push(key);
    indexes.push(index);

    if (stack.length === 1) {
      rootSeen = true;
      if (key !== 'npl:medprod') {
        problems.push({
          at: `${file}:${parser.line}`,
          field: `/${key}`,
          value: tag.name,
          expected: `an npl:medprod document (namespace ${NPL_NS})`,
          message: `${file} line ${parser.line}: the root element is ${tag.name} (${tag.uri || 'no namespace'}), not npl:medprod of ${NPL_NS}`,
        });
        throw new StopReading();
      }
      return;
    }
    const v = attr(tag, 'v');
    switch (key) {
      case 'mpa:medprodname':
        if (v !== undefined && stack[stack.length - 2] === 'npl:names') record.name ??= here(v);
        break;
      case 'mpa:pharmaceutical-form-lx':
        if (v !== undefined && stack.length === 2) record.formCode = here(v);
        break;
      case 'mpa:productclass-lx':
        if (v !== undefined && stack.length === 2) record.productClass = here(v);
        break;
      case 'mpa:atc-code-lx':
        if (v !== undefined && stack[stack.length - 2] === 'npl:classifications') record.atcCode ??= here(v);
        break;
      case 'mpa:salesstopped': {
        if (v === undefined) break;
        const pkg = inPackage();
        if (pkg) pkg.salesStopped = here(v);
        else if (stack[stack.length - 2] === 'npl:flags' && stack.length === 3) record.salesStopped = here(v);
        break;
      }
      case 'mpa:organization':
        if (stack[stack.length - 2] === 'npl:organizations') record.organisations.push({});
        break;
      case 'mpa:organization-lx': {
        const org = record.organisations[record.organisations.length - 1];
        if (org && v !== undefined && stack[stack.length - 2] === 'mpa:organization') org.orgId = here(v);
        break;
      }
      case 'mpa:organization-role-lx': {
        const org = record.organisations[record.organisations.length - 1];
        if (org && v !== undefined && stack[stack.length - 2] === 'mpa:organization') org.role = here(v);
        break;
      }
      case 'npl:ingredient':
        ingredientRole = undefined;
        ingredientSubstance = undefined;
        break;
      case 'mpa:ingredient-role-lx':
        if (stack[stack.length - 2] === 'npl:ingredient') ingredientRole = v;
        break;
      case 'mpa:substance-lx':
        if (v !== undefined && stack[stack.length - 2] === 'npl:ingredient') ingredientSubstance = here(v);
        break;
      case 'npl:package':
        if (stack[stack.length - 2] === 'npl:packages')
          record.packages.push({ line: parser.line, path: path() });
        break;
      case 'mpa:pack-size-unit-lx': {
        const pkg = inPackage();
        if (pkg && v !== undefined) pkg.packUnit = here(v);
        break;
      }
      default:
        if (TEXT_FIELDS.has(key)) text = '';
    }
  });

  parser.on('text', (t) => {
    if (text !== null) text += t;
  });

  parser.on('closetag', () => {
    const key = stack[stack.length - 1];
    if (text !== null && key !== undefined && TEXT_FIELDS.has(key)) {
      const value = text.trim();
      const parent = stack[stack.length - 2];
      const pkg = inPackage();
      switch (key) {
        case 'mpa:nplid':
          if (stack.length === 2) record.nplId = here(value);
          break;
        case 'mpa:nplpackid':
          if (pkg) pkg.nplPackId = here(value);
          break;
        case 'mpa:vnr':
          if (pkg) pkg.nordicArticleNumber = here(value);
          break;
        case 'mpa:gtin':
          if (pkg) pkg.gtin = here(value);
          break;
        case 'mpa:pack-size':
          if (pkg) pkg.packSize = here(value);
          break;
        case 'mpa:v':
          if (parent === 'mpa:strength-text' && stack.length === 3) record.strength = here(value);
          else if (parent === 'mpa:pack-text' && pkg) pkg.packText = here(value);
          break;
      }
      text = null;
    }
    if (key === 'npl:ingredient' && ingredientRole === 'ACTI' && ingredientSubstance)
      record.activeSubstances.push(ingredientSubstance);
    stack.pop();
    indexes.pop();
  });

  try {
    parser.write(xml).close();
    if (!rootSeen) throw new Error('the file holds no element');
  } catch (err) {
    record.complete = false;
    if (!(err instanceof StopReading)) {
      const message = err instanceof Error ? errorText(err) : String(err);
      problems.push({
        at: `${file}:${parser.line}:${parser.column + 1}`,
        field: path() || '/',
        expected: 'well-formed XML',
        message: `${file} line ${parser.line}, column ${parser.column + 1}: not well-formed XML: ${message}`,
      });
    }
  }
  return record;
}

class StopReading extends Error {}

/** A lexicon: code → Swedish name, and the line each code stands on. */
export interface Lexicon {
  name: string;
  file: string;
  terms: Map<string, string>;
}

/**
 * Reads a lexicon file. Two shapes, as Läkemedelsverket publishes them:
 * - organisations (`organization.xml`): `<organization id="…">` elements with an `<orgname>` child;
 * - code lexicons (`…-lx.xml`): `<commonTerm>` elements with an `<mpaId>` child and one
 *   `<term-name xml:lang="sv" v="…"/>` per language (the Swedish one is kept).
 * Elements are matched by local name, whatever their namespace.
 */
export function readLexicon(xml: string, name: string, file: string, problems: Problem[]): Lexicon {
  const terms = new Map<string, string>();
  const parser = new SaxesParser({ xmlns: true, fileName: file });
  let id: string | undefined;
  let termName: string | undefined;
  let firstName: string | undefined;
  let text: string | null = null;
  let field: 'orgname' | 'mpaId' | 'term-name' | null = null;
  let termNameSv = false;

  parser.on('opentag', (tag) => {
    switch (tag.local) {
      case 'organization':
        id = attr(tag, 'id');
        termName = undefined;
        break;
      case 'commonTerm':
        id = undefined;
        termName = undefined;
        firstName = undefined;
        break;
      case 'orgname':
      case 'mpaId':
        text = '';
        field = tag.local;
        break;
      case 'term-name': {
        const lang = Object.values(tag.attributes).find((a) => a.local === 'lang')?.value;
        termNameSv = lang === 'sv';
        const v = attr(tag, 'v');
        if (v !== undefined) {
          if (termNameSv) termName = v;
          firstName ??= v;
        } else {
          text = '';
          field = 'term-name';
        }
        break;
      }
    }
  });
  parser.on('text', (t) => {
    if (text !== null) text += t;
  });
  parser.on('closetag', (tag) => {
    if (text !== null && tag.local === field) {
      const value = text.trim();
      if (field === 'orgname') termName = value;
      else if (field === 'mpaId') id = value;
      else {
        if (termNameSv) termName = value;
        firstName ??= value;
      }
      text = null;
      field = null;
    }
    if ((tag.local === 'organization' || tag.local === 'commonTerm') && id !== undefined) {
      const value = termName ?? firstName;
      if (value !== undefined) terms.set(id, value);
    }
  });
  try {
    parser.write(xml).close();
  } catch (err) {
    const message = err instanceof Error ? errorText(err) : String(err);
    problems.push({
      at: `${file}:${parser.line}:${parser.column + 1}`,
      field: name,
      expected: 'well-formed XML',
      message: `${file} line ${parser.line}, column ${parser.column + 1}: not well-formed XML: ${message}`,
    });
  }
  return { name, file, terms };
}
