import type { Db } from './database.js';

export async function listRegions(db: Db) {
  return db.selectFrom('region').selectAll().orderBy('code').execute();
}

export async function findRegion(db: Db, code: string) {
  return db.selectFrom('region').selectAll().where('code', '=', code).executeTakeFirst();
}

/** The municipalities of a region, or of the whole country (null), by name. */
export async function listMunicipalities(db: Db, regionCode: string | null) {
  let query = db.selectFrom('municipality').selectAll();
  if (regionCode !== null) query = query.where('region_code', '=', regionCode);
  return query.orderBy('name').orderBy('code').execute();
}
