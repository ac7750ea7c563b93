import type { Principal } from '../domain/access.js';
import type { Db } from './database.js';

/** The principal behind a token hash, when the token exists, is not revoked and has not expired. */
export async function findPrincipalByTokenHash(
  db: Db,
  tokenSha256: string,
  now: Date,
): Promise<Principal | undefined> {
  const row = await db
    .selectFrom('api_token as t')
    .innerJoin('app_user as u', 'u.id', 't.user_id')
    .innerJoin('organisation as o', 'o.id', 't.organisation_id')
    .select([
      't.id as tokenId',
      't.role',
      't.expires_at',
      't.revoked_at',
      'u.id as userId',
      'u.name as userName',
      'o.id as organisationId',
      'o.code as organisationCode',
      'o.name as organisationName',
      'o.kind as organisationKind',
      'o.region_code as regionCode',
      'o.authority',
    ])
    .where('t.token_sha256', '=', tokenSha256)
    .executeTakeFirst();
  if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return undefined;
  return {
    tokenId: row.tokenId,
    userId: row.userId,
    userName: row.userName,
    organisationId: row.organisationId,
    organisationCode: row.organisationCode,
    organisationName: row.organisationName,
    organisationKind: row.organisationKind,
    regionCode: row.regionCode,
    role: row.role,
    authority: row.authority,
  };
}
