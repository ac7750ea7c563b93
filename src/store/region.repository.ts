import type { Db } from './database.js';

export async function listRegions(db: Db) {
  return db.selectFrom('region').selectAll().orderBy('code').execute();
}

export async function findRegion(db: Db, code: string) {
  return db.selectFrom('region').selectAll().where('code', '=', code).executeTakeFirst();
}

export async function listMunicipalities(db: Db, regionCode: string) {
  return db
    .selectFrom('municipality')
    .selectAll()
    .where('region_code', '=', regionCode)
    .orderBy('name')
    .execute();
}
