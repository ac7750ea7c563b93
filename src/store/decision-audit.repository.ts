import type { Principal } from '../domain/access.js';
import type { Db, Tx } from './database.js';

/**
 * One audit entry per application and decision of issue 12 (item 9): who (token, user and
 * organisation), when (the entry's time), what (`action` on `entity` `entityId`) and why (`detail.reason`).
 * Written in the same transaction as the change it records.
 */
export async function auditPreparedness(
  db: Db | Tx,
  principal: Principal,
  action: string,
  entity: string,
  entityId: number | string,
  detail: Record<string, unknown> & { reason: string | null },
): Promise<void> {
  await db
    .insertInto('audit_log')
    .values({
      token_id: principal.tokenId,
      organisation_id: principal.organisationId,
      action,
      entity,
      entity_id: String(entityId),
      detail: JSON.stringify({
        userId: principal.userId,
        userName: principal.userName,
        organisation: principal.organisationCode,
        ...detail,
      }),
    })
    .execute();
}
