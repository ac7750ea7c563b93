import { sql } from 'kysely';
import { groupKey, normaliseText } from '../../domain/demand.js';
import { matchesListItem, type ListItemRef } from '../../domain/risk.js';
import type { CopyFn, Db, Tx } from '../database.js';
import { PRIORITISED_LIST_CODE } from './settings.js';
import { csvLines, idIn } from './sql.js';

export interface ProductRow {
  id: number;
  pack_size: number;
  company_id: number;
  substance: string;
  strength: string;
  form: string;
  atc_code: string;
  species: 'human' | 'veterinary';
}

/**
 * Each package's identity as the domain computes it: group key, normalised substance and ATC code,
 * and whether it matches an entry of the prioritised list in force on `today`. Full (ids null):
 * rewrites the table with COPY; otherwise upserts the packages named.
 */
export async function writeProducts(
  trx: Tx,
  copy: CopyFn | null,
  today: string,
  ids: readonly number[] | null,
): Promise<void> {
  const entries = await prioritisedEntries(trx, today);
  const bySubstance = new Map<string, ListItemRef[]>();
  for (const e of entries) {
    const key = normaliseText(e.substance);
    bySubstance.set(key, [...(bySubstance.get(key) ?? []), e]);
  }
  const products = await sql<ProductRow>`
    SELECT p.id, p.pack_size, p.company_id, m.substance, m.strength, m.form, m.atc_code, m.species
    FROM package p JOIN medicine m ON m.id = p.medicine_id
    WHERE ${idIn('p.id', ids)}`.execute(trx);
  const rows = products.rows.map((p) => {
    const substanceKey = normaliseText(p.substance);
    const atcKey = p.atc_code.replace(/\s+/g, '').toUpperCase();
    const prioritised = (bySubstance.get(substanceKey) ?? []).some((e) =>
      matchesListItem({ atcCode: p.atc_code, substance: p.substance, form: p.form }, e),
    );
    return {
      package_id: p.id,
      // Human and veterinary packages never form one group (the species is part of the key).
      group_key: groupKey(p),
      substance_key: substanceKey,
      atc_key: atcKey,
      atc4: atcKey.slice(0, 5),
      pack_size: p.pack_size,
      company_id: p.company_id,
      prioritised,
    };
  });

  if (ids === null && copy !== null) {
    await sql`TRUNCATE picture_product`.execute(trx);
    const columns = [
      'package_id',
      'group_key',
      'substance_key',
      'atc_key',
      'atc4',
      'pack_size',
      'company_id',
      'prioritised',
    ] as const;
    await copy('picture_product', columns, csvLines(rows, columns));
    return;
  }
  for (let i = 0; i < rows.length; i += 1000) {
    await trx
      .insertInto('picture_product')
      .values(rows.slice(i, i + 1000))
      .onConflict((oc) =>
        oc.column('package_id').doUpdateSet((eb) => ({
          group_key: eb.ref('excluded.group_key'),
          substance_key: eb.ref('excluded.substance_key'),
          atc_key: eb.ref('excluded.atc_key'),
          atc4: eb.ref('excluded.atc4'),
          pack_size: eb.ref('excluded.pack_size'),
          company_id: eb.ref('excluded.company_id'),
          prioritised: eb.ref('excluded.prioritised'),
        })),
      )
      .execute();
  }
}

/** The version of the prioritised list in force on `day`: the newest valid on it, or null. */
export async function prioritisedListInForce(
  trx: Db,
  day: string,
): Promise<{ id: number; version: string; validFrom: string } | null> {
  const rows = await sql<{ id: number; version: string; valid_from: string }>`
    SELECT l2.id, l2.version, l2.valid_from FROM product_list l2
    WHERE l2.code = ${PRIORITISED_LIST_CODE} AND l2.valid_from <= ${day}::date
      AND (l2.valid_to IS NULL OR l2.valid_to >= ${day}::date)
    ORDER BY l2.valid_from DESC, l2.id DESC LIMIT 1`.execute(trx);
  const r = rows.rows[0];
  return r === undefined ? null : { id: Number(r.id), version: r.version, validFrom: r.valid_from };
}

/** The entries of the prioritised list in force on `today` (the newest version in force). */
export async function prioritisedEntries(trx: Db, today: string): Promise<ListItemRef[]> {
  const list = await prioritisedListInForce(trx, today);
  if (list === null) return [];
  const rows = await sql<{
    code: string;
    position: number;
    atc_code: string;
    substance: string;
    form: string | null;
  }>`
    SELECT l.code, i.position, i.atc_code, i.substance, i.form
    FROM product_list_item i JOIN product_list l ON l.id = i.list_id
    WHERE l.id = ${list.id}
    ORDER BY i.position`.execute(trx);
  return rows.rows.map((r) => ({
    listCode: r.code,
    position: r.position,
    atcCode: r.atc_code,
    substance: r.substance,
    form: r.form,
  }));
}
