import { sql } from 'kysely';
import type { Principal } from '../domain/access.js';
import { checkDelivery, type AllocationDeliveryInput, type QuotaStanding } from '../domain/allocation.js';
import { AppError } from '../domain/errors.js';
import type { Db, Tx } from './database.js';
import { auditPreparedness } from './decision-audit.repository.js';

/*
 * Wholesaler deliveries under an allocation's quota (issue 13 item 2: "the wholesaler sees, per
 * recipient, what it may deliver under the decision"; docs/allocation.md). A supplying wholesaler
 * records what it delivered to a recipient; the wholesaler's own delivery id makes a resend harmless;
 * a delivery that would take the recipient over its quota is refused.
 */

/** A recorded delivery, with where the recipient's quota stands after it. */
export interface RecordedDelivery {
  id: number;
  allocationId: number;
  deliveryId: string;
  recipientKey: string;
  recipientName: string;
  quantity: number;
  deliveredOn: string;
  recordedBy: string;
  recordedAt: string;
  /** True when this delivery id had been recorded before with the same content (nothing new stored). */
  replayed: boolean;
  standing: QuotaStanding;
}

const dayText = (d: unknown): string =>
  d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10);

/** What has been delivered to each recipient of the allocations, by every supplier: allocation → key → quantity. */
export async function deliveredByRecipient(
  db: Db | Tx,
  allocationIds: readonly number[],
): Promise<Map<number, Map<string, number>>> {
  const out = new Map<number, Map<string, number>>();
  if (allocationIds.length === 0) return out;
  const rows = await db
    .selectFrom('allocation_delivery')
    .where('allocation_id', 'in', [...allocationIds])
    .groupBy(['allocation_id', 'recipient_key'])
    .select(['allocation_id', 'recipient_key'])
    .select((eb) => eb.fn.sum<string | number>('quantity').as('delivered'))
    .execute();
  for (const r of rows) {
    const id = Number(r.allocation_id);
    const m = out.get(id) ?? new Map<string, number>();
    m.set(r.recipient_key, Number(r.delivered));
    out.set(id, m);
  }
  return out;
}

/**
 * Records a supplying wholesaler's delivery under a decided allocation, in one transaction with the
 * allocation row locked (two deliveries to one recipient cannot both pass the quota). Not a supplier
 * of the allocation, or no such allocation: not found. Audited.
 */
export async function recordDelivery(
  db: Db,
  principal: Principal,
  allocationId: number,
  input: AllocationDeliveryInput,
): Promise<RecordedDelivery> {
  return db.transaction().execute(async (trx) => {
    const { rows } = await sql<{ status: string; unit: string }>`
      SELECT status, unit FROM allocation WHERE id = ${allocationId} FOR UPDATE`.execute(trx);
    const allocation = rows[0];
    const supplier = await trx
      .selectFrom('allocation_supplier')
      .select('organisation_id')
      .where('allocation_id', '=', allocationId)
      .where('organisation_id', '=', principal.organisationId)
      .executeTakeFirst();
    // A draft is nobody's business but the planners': "not found", as for one who supplies nothing.
    if (!allocation || !supplier || allocation.status === 'draft')
      throw AppError.notFound(`allocation ${allocationId}`);

    const earlier = await trx
      .selectFrom('allocation_delivery')
      .selectAll()
      .where('organisation_id', '=', principal.organisationId)
      .where('delivery_id', '=', input.deliveryId)
      .executeTakeFirst();
    const line = await trx
      .selectFrom('allocation_line')
      .select(['recipient_key', 'recipient_name', 'allocated'])
      .where('allocation_id', '=', allocationId)
      .where('recipient_key', '=', input.recipientKey)
      .executeTakeFirst();
    const decision = await trx
      .selectFrom('allocation_decision')
      .select(['valid_from', 'valid_to'])
      .where('allocation_id', '=', allocationId)
      .where('outcome', '=', 'decided')
      .orderBy('id', 'desc')
      .executeTakeFirst();
    const delivered =
      (await deliveredByRecipient(trx, [allocationId])).get(allocationId)?.get(input.recipientKey) ?? 0;

    if (earlier) {
      const same =
        Number(earlier.allocation_id) === allocationId &&
        earlier.recipient_key === input.recipientKey &&
        Number(earlier.quantity) === input.quantity &&
        dayText(earlier.delivered_on) === input.deliveredOn;
      if (!same)
        throw AppError.conflict(
          `delivery ${input.deliveryId} was already recorded, differently: ${Number(earlier.quantity)} to ` +
            `${earlier.recipient_key} on ${dayText(earlier.delivered_on)} under allocation ${Number(earlier.allocation_id)}`,
        );
      return {
        ...toDelivery(earlier, line?.recipient_name ?? earlier.recipient_key),
        replayed: true,
        standing: standing(line ? Number(line.allocated) : 0, delivered),
      };
    }

    const verdict = checkDelivery({
      allocationId,
      status: allocation.status as 'decided' | 'withdrawn',
      unit: allocation.unit,
      validFrom:
        decision?.valid_from === undefined || decision.valid_from === null
          ? null
          : dayText(decision.valid_from),
      validTo:
        decision?.valid_to === undefined || decision.valid_to === null ? null : dayText(decision.valid_to),
      recipient: line
        ? { key: line.recipient_key, name: line.recipient_name, quota: Number(line.allocated), delivered }
        : null,
      input,
    });
    if (verdict.kind === 'invalid') throw AppError.invalid(verdict.message, verdict.problems);
    if (verdict.kind === 'conflict') throw AppError.conflict(verdict.message);

    const row = await trx
      .insertInto('allocation_delivery')
      .values({
        allocation_id: allocationId,
        organisation_id: principal.organisationId,
        delivery_id: input.deliveryId,
        recipient_key: input.recipientKey,
        quantity: input.quantity,
        delivered_on: input.deliveredOn,
        token_id: principal.tokenId,
        recorded_by: principal.userName,
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    await auditPreparedness(trx, principal, 'allocation.delivered', 'allocation', allocationId, {
      reason: null,
      deliveryId: input.deliveryId,
      recipientKey: input.recipientKey,
      quantity: input.quantity,
      deliveredOn: input.deliveredOn,
    });
    return {
      ...toDelivery(row, line!.recipient_name),
      replayed: false,
      standing: standing(Number(line!.allocated), delivered + input.quantity),
    };
  });
}

function standing(quota: number, delivered: number): QuotaStanding {
  return { quota, delivered, remaining: Math.max(0, quota - delivered) };
}

function toDelivery(
  r: {
    id: number;
    allocation_id: number;
    delivery_id: string;
    recipient_key: string;
    quantity: number | string;
    delivered_on: string;
    recorded_by: string;
    recorded_at: Date;
  },
  recipientName: string,
) {
  return {
    id: Number(r.id),
    allocationId: Number(r.allocation_id),
    deliveryId: r.delivery_id,
    recipientKey: r.recipient_key,
    recipientName,
    quantity: Number(r.quantity),
    deliveredOn: dayText(r.delivered_on),
    recordedBy: r.recorded_by,
    recordedAt: new Date(r.recorded_at).toISOString(),
  };
}
