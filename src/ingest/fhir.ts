import type { IngestKind } from '../domain/report.js';
import type { KindSpec, LineContext, RawValue, StockRecord } from './lines.js';
import { echo, type ProblemList } from './problems.js';
import type { ReadStats } from './records.js';
import { isObject } from './records.js';
import { EXPECTED_INSTANT, parseInstant } from './values.js';

/*
 * FHIR R5 InventoryReport (http://hl7.org/fhir/R5/inventoryreport.html), in and out.
 *
 * In R5 a listing item is { category?, quantity, item: CodeableReference }. A package is named by a
 * coding (NPL pack id, GTIN or varunummer) either directly in `item.concept`, or in a contained
 * InventoryItem referenced as `item.reference = "#id"`; lot and expiry travel in that InventoryItem's
 * `instance.lotNumber` and `instance.expiry`, as R5 places them. The stock level (1–4) is the
 * listing's `itemStatus`. Whose stock it is (issue 9 item 4), when not the holder's, is the
 * InventoryItem's `responsibleOrganization` with role `owner` (our code system), its organization
 * identified by organisation code or organisation number.
 */

export const FHIR_SYSTEMS = {
  locationCode: 'https://beredskap.se/fhir/sid/location-code',
  gln: ['https://www.gs1.org/gln', 'urn:oid:1.3.88'],
  nplPackId: 'https://beredskap.se/fhir/sid/npl-pack-id',
  gtin: ['https://www.gs1.org/gtin', 'urn:oid:1.3.160'],
  varunummer: 'https://beredskap.se/fhir/sid/varunummer',
  stockLevel: 'https://beredskap.se/fhir/CodeSystem/stock-level',
  report: 'https://beredskap.se/fhir/sid/report-id',
  organisationCode: 'https://beredskap.se/fhir/sid/organisation-code',
  organisationNumber: 'https://beredskap.se/fhir/sid/organisation-number',
  organisationRole: 'https://beredskap.se/fhir/CodeSystem/organisation-role',
} as const;

/** The role code of InventoryItem.responsibleOrganization that names whose stock it is (ours). */
export const OWNER_ROLE = 'owner';

const COUNT_TYPES = { snapshot: 'stock_snapshot', difference: 'stock_difference' } as const;

/** What the InventoryReport says about itself. */
export interface FhirEnvelope {
  kind?: IngestKind;
  clientRef?: string;
  reportedAt?: number;
}

/**
 * The two codes of R5's `InventoryReport.operationType` (0..1 CodeableConcept, "addition |
 * subtraction"; R5 binds no code system, so the code decides whatever the system).
 */
export const OPERATION_TYPES = ['addition', 'subtraction'] as const;
export type OperationType = (typeof OPERATION_TYPES)[number];

/** UCUM, the one unit system whose codes we read (http://unitsofmeasure.org). */
export const UCUM_SYSTEM = 'http://unitsofmeasure.org';

/**
 * Our choice: the UCUM codes that mean "packages" (UCUM annotations, unity). A quantity coded in any
 * other unit (mg, ml, {tablet} …) is refused, not converted: how much substance a package holds
 * differs per package, and a count of packages is what the picture needs.
 */
export const UCUM_PACKAGE_CODES: readonly string[] = ['{package}', '{packages}', '{pack}', '{förpackning}'];

/**
 * Our choice: the `Quantity.unit` texts (case-insensitive) that mean packages; any other unit text is
 * refused. The read-back writes `förpackning`.
 */
export const PACKAGE_UNITS: readonly string[] = [
  'förpackning',
  'förpackningar',
  'förp',
  'fp',
  'package',
  'packages',
  'pack',
  'packs',
  ...UCUM_PACKAGE_CODES,
];

function add(problems: ProblemList, at: string, message: string, expected: string, value?: unknown): void {
  problems.add({
    at,
    field: at.slice(at.lastIndexOf('.') + 1).replace(/\[\d+\]$/, ''),
    value,
    expected,
    message: `${at}: ${message}`,
  });
}

/** Checks the resource-level elements; problems for a document that is not an active InventoryReport. */
export function fhirEnvelope(doc: unknown, problems: ProblemList): FhirEnvelope {
  if (!isObject(doc)) {
    add(problems, '$', 'the document is not a JSON object', 'a FHIR R5 InventoryReport resource');
    return {};
  }
  if (doc.resourceType !== 'InventoryReport') {
    add(
      problems,
      '$.resourceType',
      `${typeof doc.resourceType === 'string' ? `'${doc.resourceType}'` : echo(doc.resourceType)} is not an InventoryReport`,
      "'InventoryReport'",
      doc.resourceType ?? null,
    );
    return {};
  }
  const envelope: FhirEnvelope = {};
  if (doc.status === undefined) add(problems, '$.status', 'status is missing (required, 1..1)', "'active'");
  else if (doc.status !== 'active') {
    add(
      problems,
      '$.status',
      `status ${echo(doc.status)} is not counted`,
      "'active' (draft, requested and entered-in-error reports are not stock)",
      doc.status,
    );
  }
  const countType = doc.countType;
  if (countType === 'snapshot' || countType === 'difference') envelope.kind = COUNT_TYPES[countType];
  else if (countType === undefined)
    add(problems, '$.countType', 'countType is missing (required, 1..1)', "'snapshot' or 'difference'");
  else
    add(
      problems,
      '$.countType',
      `countType ${echo(countType)} is unknown`,
      "'snapshot' or 'difference'",
      countType,
    );
  operationTypeOf(doc, problems);
  if (doc.reportedDateTime === undefined)
    add(problems, '$.reportedDateTime', 'reportedDateTime is missing (required, 1..1)', EXPECTED_INSTANT);
  else if (typeof doc.reportedDateTime !== 'string')
    add(
      problems,
      '$.reportedDateTime',
      `${echo(doc.reportedDateTime)} is not a dateTime`,
      EXPECTED_INSTANT,
      doc.reportedDateTime,
    );
  else {
    const t = parseInstant(doc.reportedDateTime);
    if (t === undefined)
      add(
        problems,
        '$.reportedDateTime',
        `'${doc.reportedDateTime}' is not a dateTime`,
        EXPECTED_INSTANT,
        doc.reportedDateTime,
      );
    else envelope.reportedAt = t;
  }
  if (Array.isArray(doc.identifier)) {
    const first: unknown = doc.identifier[0];
    if (isObject(first) && typeof first.value === 'string' && first.value.trim() !== '')
      envelope.clientRef = first.value.trim().slice(0, 200);
  }
  if (!Array.isArray(doc.inventoryListing) || doc.inventoryListing.length === 0) {
    add(
      problems,
      '$.inventoryListing',
      'there is no inventoryListing',
      'at least one listing (a location and its items)',
    );
  }
  return envelope;
}

/**
 * The operation of a difference report, from `operationType`: undefined when absent (the quantities
 * are then signed differences as given). Problems (to `problems`, when given) for a code that is
 * neither addition nor subtraction, for both at once, and for an operationType on a snapshot.
 */
export function operationTypeOf(
  doc: Record<string, unknown>,
  problems?: ProblemList,
): OperationType | undefined {
  const concept = doc.operationType;
  if (concept === undefined) return undefined;
  const expected = `a CodeableConcept with a coding whose code is 'addition' or 'subtraction'`;
  const codes = [...new Set(codings(concept).map((c) => c.code))];
  const known = codes.filter((c): c is OperationType => (OPERATION_TYPES as readonly string[]).includes(c));
  if (known.length !== 1) {
    if (problems)
      add(
        problems,
        '$.operationType',
        known.length > 1
          ? 'operationType says both addition and subtraction'
          : codes.length > 0
            ? `operationType ${codes.map((c) => `'${c}'`).join(', ')} is neither addition nor subtraction`
            : 'operationType has no coding with a code',
        expected,
        codes.length === 1 ? codes[0] : codes.length > 1 ? codes : null,
      );
    return undefined;
  }
  if (doc.countType === 'snapshot') {
    if (problems)
      add(
        problems,
        '$.operationType',
        `operationType '${known[0]}' cannot apply to a snapshot (a snapshot is the whole stock, not a change)`,
        "no operationType with countType 'snapshot'; or countType 'difference'",
        known[0],
      );
    return undefined;
  }
  return known[0];
}

/**
 * Checks that a Quantity counts packages (see PACKAGE_UNITS and UCUM_PACKAGE_CODES); adds a problem
 * and answers false when it does not. Nothing is converted.
 */
function isPackages(quantity: Record<string, unknown>, at: string, problems: ProblemList): boolean {
  const expected =
    `packages: no unit, or unit ${PACKAGE_UNITS.slice(0, 2)
      .map((u) => `'${u}'`)
      .join(' or ')} …, ` + `or system ${UCUM_SYSTEM} with code ${UCUM_PACKAGE_CODES.join(', ')}`;
  const { unit, system, code, comparator } = quantity;
  if (comparator !== undefined) {
    add(
      problems,
      `${at}.comparator`,
      `comparator ${echo(comparator)}: a stock count is exact, not a bound`,
      'no comparator',
      comparator,
    );
    return false;
  }
  if (code !== undefined || system !== undefined) {
    if (system !== UCUM_SYSTEM) {
      add(
        problems,
        `${at}.system`,
        `unit system ${echo(system ?? null)} is not UCUM; the quantity is not known to be packages`,
        expected,
        system ?? null,
      );
      return false;
    }
    if (typeof code !== 'string' || !UCUM_PACKAGE_CODES.includes(code)) {
      add(
        problems,
        `${at}.code`,
        `unit ${echo(code ?? null)} is not packages (not converted: the content of a package differs per package)`,
        expected,
        code ?? null,
      );
      return false;
    }
  }
  if (unit !== undefined) {
    if (typeof unit !== 'string' || !PACKAGE_UNITS.includes(unit.trim().toLowerCase())) {
      add(
        problems,
        `${at}.unit`,
        `unit ${echo(unit)} is not packages (not converted: the content of a package differs per package)`,
        expected,
        unit,
      );
      return false;
    }
  }
  return true;
}

function codings(concept: unknown): { system: string; code: string }[] {
  if (!isObject(concept) || !Array.isArray(concept.coding)) return [];
  return concept.coding.flatMap((c: unknown) =>
    isObject(c) && typeof c.code === 'string'
      ? [{ system: typeof c.system === 'string' ? c.system : '', code: c.code }]
      : [],
  );
}

/** The package code of a set of codings, with its scheme as a prefix the catalogue understands. */
function packageCode(all: { system: string; code: string }[]): string | undefined {
  for (const c of all) {
    if (c.system === FHIR_SYSTEMS.nplPackId) return `npl:${c.code}`;
    if ((FHIR_SYSTEMS.gtin as readonly string[]).includes(c.system)) return `gtin:${c.code}`;
    if (c.system === FHIR_SYSTEMS.varunummer) return `vnr:${c.code}`;
  }
  return undefined;
}

const PACKAGE_EXPECTED = `a coding with system ${FHIR_SYSTEMS.nplPackId}, ${FHIR_SYSTEMS.gtin[0]} or ${FHIR_SYSTEMS.varunummer}`;

/** Validated stock records of an InventoryReport (the envelope already checked), in one batch. */
export function* fhirStockRecords(
  spec: KindSpec<StockRecord>,
  doc: unknown,
  ctx: LineContext,
  stats: ReadStats,
): Generator<StockRecord[]> {
  if (!isObject(doc) || !Array.isArray(doc.inventoryListing)) return;
  const problems = ctx.problems;
  const contained = new Map<string, { value: Record<string, unknown>; path: string }>();
  if (Array.isArray(doc.contained)) {
    doc.contained.forEach((r: unknown, i) => {
      if (isObject(r) && typeof r.id === 'string')
        contained.set(r.id, { value: r, path: `$.contained[${i}]` });
    });
  }
  const validator = spec.validator(ctx);
  // Problems of operationType are the envelope's; here only its meaning is applied.
  const operation = operationTypeOf(doc);
  const out: StockRecord[] = [];
  const listings: unknown[] = doc.inventoryListing;
  listings.forEach((listing, li) => {
    const lp = `$.inventoryListing[${li}]`;
    if (!isObject(listing)) {
      add(problems, lp, 'not an object', 'a listing { location, countingDateTime, item[] }');
      return;
    }
    // location: Reference(Location) by identifier
    let location: RawValue;
    const ref = listing.location;
    const identifier = isObject(ref) ? ref.identifier : undefined;
    if (!isObject(identifier) || typeof identifier.value !== 'string') {
      add(
        problems,
        `${lp}.location`,
        'the location is not identified',
        `location.identifier { system: ${FHIR_SYSTEMS.locationCode} or ${FHIR_SYSTEMS.gln[0]}, value }`,
      );
    } else {
      const system = typeof identifier.system === 'string' ? identifier.system : '';
      if ((FHIR_SYSTEMS.gln as readonly string[]).includes(system)) location = `gln:${identifier.value}`;
      else if (system === '' || system === FHIR_SYSTEMS.locationCode) location = identifier.value;
      else
        add(
          problems,
          `${lp}.location.identifier.system`,
          `identifier system '${system}' is unknown`,
          `${FHIR_SYSTEMS.locationCode} or ${FHIR_SYSTEMS.gln[0]}`,
          system,
        );
    }
    // stock level from itemStatus
    let level: RawValue;
    const status = codings(listing.itemStatus).find((c) => c.system === FHIR_SYSTEMS.stockLevel);
    if (status) level = status.code;
    // R5 countingDateTime 0..1 dateTime: absent, the report's reportedDateTime stands in; present, it
    // must be a dateTime (never silently replaced).
    let countedAt: RawValue;
    const counting = listing.countingDateTime;
    if (counting !== undefined) {
      if (typeof counting === 'string' && counting.trim() !== '') countedAt = counting;
      else {
        add(
          problems,
          `${lp}.countingDateTime`,
          `${echo(counting)} is not a dateTime`,
          EXPECTED_INSTANT,
          typeof counting === 'object' ? echo(counting) : counting,
        );
        // The items are still checked, so that the answer lists every problem; none is stored.
      }
    }
    if (!Array.isArray(listing.item) || listing.item.length === 0) {
      add(
        problems,
        `${lp}.item`,
        'the listing has no items',
        'at least one item; to report that nothing is in stock, list items with quantity 0',
      );
      return;
    }
    const items: unknown[] = listing.item;
    items.forEach((item, ii) => {
      const ip = `${lp}.item[${ii}]`;
      stats.lines++;
      if (!isObject(item)) {
        add(problems, ip, 'not an object', 'an item { quantity, item }');
        return;
      }
      let pkg: RawValue;
      let batch: RawValue;
      let expiry: RawValue;
      let owner: RawValue;
      let ownerPath = `${ip}.owner`;
      let itemPath: string;
      let instancePath = `${ip}.item`;
      const codeable = item.item;
      if (!isObject(codeable)) {
        add(problems, `${ip}.item`, 'item is missing (required, 1..1)', PACKAGE_EXPECTED);
        return;
      }
      const reference = isObject(codeable.reference) ? codeable.reference.reference : undefined;
      if (typeof reference === 'string') {
        const target = reference.startsWith('#') ? contained.get(reference.slice(1)) : undefined;
        if (!target || target.value.resourceType !== 'InventoryItem') {
          add(
            problems,
            `${ip}.item.reference`,
            `'${reference}' is not a contained InventoryItem`,
            "'#id' of an InventoryItem in contained",
            reference,
          );
          return;
        }
        const codes = Array.isArray(target.value.code) ? target.value.code.flatMap(codings) : [];
        pkg = packageCode(codes);
        itemPath = `${target.path}.code`;
        const responsible = target.value.responsibleOrganization;
        if (Array.isArray(responsible)) {
          responsible.forEach((r: unknown, k) => {
            if (
              !isObject(r) ||
              !codings(r.role).some(
                (c) => c.system === FHIR_SYSTEMS.organisationRole && c.code === OWNER_ROLE,
              )
            )
              return;
            const rp = `${target.path}.responsibleOrganization[${k}].organization.identifier`;
            const id = isObject(r.organization) ? r.organization.identifier : undefined;
            const system = isObject(id) && typeof id.system === 'string' ? id.system : '';
            if (
              !isObject(id) ||
              typeof id.value !== 'string' ||
              (system !== FHIR_SYSTEMS.organisationCode && system !== FHIR_SYSTEMS.organisationNumber)
            ) {
              add(
                problems,
                rp,
                'the owner is not identified',
                `identifier { system: ${FHIR_SYSTEMS.organisationCode} or ${FHIR_SYSTEMS.organisationNumber}, value }`,
              );
              owner = null;
              return;
            }
            owner = id.value;
            ownerPath = rp;
          });
        }
        const instance = target.value.instance;
        if (isObject(instance)) {
          instancePath = `${target.path}.instance`;
          if (typeof instance.lotNumber === 'string') batch = instance.lotNumber;
          if (typeof instance.expiry === 'string') expiry = instance.expiry;
        }
      } else {
        pkg = packageCode(codings(codeable.concept));
        itemPath = `${ip}.item.concept`;
      }
      if (pkg === undefined) {
        add(problems, itemPath, 'no coding names a package', PACKAGE_EXPECTED);
        return;
      }
      if (isObject(item.quantity) && !isPackages(item.quantity, `${ip}.quantity`, problems)) return;
      const value = isObject(item.quantity) ? item.quantity.value : undefined;
      if (value !== undefined && typeof value !== 'number') {
        add(problems, `${ip}.quantity.value`, 'not a number', 'a decimal number (FHIR decimal)', value);
        return;
      }
      let quantity = value;
      if (operation !== undefined && quantity !== undefined) {
        // operationType gives the direction; the quantity is how much was added or taken away.
        if (quantity < 0) {
          add(
            problems,
            `${ip}.quantity.value`,
            `quantity ${quantity} under operationType '${operation}' is ambiguous: ` +
              `the ${operation} is the quantity itself, 0 or more`,
            'a quantity of 0 or more (the direction is operationType)',
            quantity,
          );
          return;
        }
        if (operation === 'subtraction' && quantity > 0) quantity = -quantity;
      }
      const paths: Record<string, string> = {
        location: `${lp}.location.identifier`,
        package: itemPath,
        quantity: `${ip}.quantity.value`,
        batch: `${instancePath}.lotNumber`,
        expiry: `${instancePath}.expiry`,
        stockLevel: `${lp}.itemStatus`,
        countedAt: `${lp}.countingDateTime`,
        owner: ownerPath,
      };
      const values: RawValue[] = [location, pkg, quantity, batch, expiry, level, countedAt, owner];
      if (location === undefined) return; // already a problem of the listing
      const record = validator.line(values, (field) => paths[field] ?? `${ip}.${field}`);
      if (record !== undefined && !problems.any) out.push(record);
    });
  });
  if (out.length > 0 && !problems.any) yield out;
}

/** One line of current stock, as read back. */
export interface StockEntry {
  nplPackId: string;
  gtin: string | null;
  name: string;
  batch: string | null;
  expiry: string | null;
  stockLevel: number;
  quantity: number;
  /** Code of the organisation whose stock it is; null or absent: the location's own. */
  owner?: string | null;
}

/**
 * The current stock of a location as a FHIR R5 InventoryReport (countType snapshot): one listing per
 * stock level, items coded by NPL pack id and GTIN, lot and expiry in contained InventoryItems.
 * Sending it back in is accepted as a snapshot of the same stock.
 */
export function toInventoryReport(
  location: { code: string; gln: string | null; name: string },
  asOf: Date | null,
  entries: readonly StockEntry[],
  now: Date,
): Record<string, unknown> {
  const contained: Record<string, unknown>[] = [];
  const byLevel = new Map<number, Record<string, unknown>[]>();
  entries.forEach((e, i) => {
    const coding = [
      { system: FHIR_SYSTEMS.nplPackId, code: e.nplPackId, display: e.name },
      ...(e.gtin ? [{ system: FHIR_SYSTEMS.gtin[0], code: e.gtin }] : []),
    ];
    let item: Record<string, unknown>;
    const owner = e.owner ?? null;
    if (e.batch !== null || e.expiry !== null || owner !== null) {
      const id = `item-${i + 1}`;
      contained.push({
        resourceType: 'InventoryItem',
        id,
        status: 'active',
        code: [{ coding }],
        ...(owner !== null
          ? {
              responsibleOrganization: [
                {
                  role: { coding: [{ system: FHIR_SYSTEMS.organisationRole, code: OWNER_ROLE }] },
                  organization: { identifier: { system: FHIR_SYSTEMS.organisationCode, value: owner } },
                },
              ],
            }
          : {}),
        ...(e.batch !== null || e.expiry !== null
          ? {
              instance: {
                ...(e.batch !== null ? { lotNumber: e.batch } : {}),
                ...(e.expiry !== null ? { expiry: e.expiry } : {}),
              },
            }
          : {}),
      });
      item = { reference: { reference: `#${id}` } };
    } else item = { concept: { coding } };
    const list = byLevel.get(e.stockLevel) ?? [];
    list.push({ quantity: { value: e.quantity, unit: 'förpackning' }, item });
    byLevel.set(e.stockLevel, list);
  });
  const identifier = { system: FHIR_SYSTEMS.locationCode, value: location.code };
  return {
    resourceType: 'InventoryReport',
    ...(contained.length > 0 ? { contained } : {}),
    status: 'active',
    countType: 'snapshot',
    reportedDateTime: now.toISOString(),
    inventoryListing: [...byLevel.entries()]
      .sort(([a], [b]) => a - b)
      .map(([level, item]) => ({
        location: { identifier, display: location.name },
        itemStatus: {
          coding: [{ system: FHIR_SYSTEMS.stockLevel, code: String(level), display: `nivå ${level}` }],
        },
        ...(asOf ? { countingDateTime: asOf.toISOString() } : {}),
        item,
      })),
  };
}
