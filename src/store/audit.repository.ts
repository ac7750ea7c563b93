import { sql } from 'kysely';
import { ChainVerifier, type ChainVerdict } from '../domain/audit-chain.js';
import type { Db, Tx } from './database.js';

/**
 * The canonical serialisation of an audit entry, as SQL over `audit_log`'s columns: the expression
 * migration 0016_audit_chain.sql hashes when it chains an entry. Built-in functions only, so the
 * verifier does not depend on a function someone with access to the database could replace; the
 * hash itself is computed here, in the application.
 */
const AUDIT_CANONICAL_SQL = sql<string>`jsonb_build_array(
  'beredskap-audit/1', prev_hash, chain_seq, id,
  to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
  token_id, organisation_id, action, entity, entity_id, detail
)::text`;

/** Entries read per query while verifying. */
const PAGE = 2_000;

function entriesQuery(db: Db | Tx) {
  return db
    .selectFrom('audit_log')
    .select(['id', 'chain_seq as seq', 'prev_hash as prevHash', 'hash', AUDIT_CANONICAL_SQL.as('canonical')]);
}

/**
 * Verifies the audit hash chain from its first entry to its head: every entry in place, unchanged,
 * none missing, the head where the last entry is. Stops at the first entry that does not hold.
 * `expectHead`: a head hash recorded earlier, outside the database, that must be in the chain.
 */
export async function verifyAuditChain(db: Db | Tx, expectHead?: string): Promise<ChainVerdict> {
  const verifier = new ChainVerifier(expectHead);
  // Rows without a position (written with the trigger disabled) would sort apart: they are a break.
  const unchained = await entriesQuery(db)
    .where('chain_seq', 'is', null)
    .orderBy('id')
    .limit(1)
    .executeTakeFirst();
  if (unchained) verifier.check(unchained);
  let after = 0;
  while (!verifier.done) {
    const page = await entriesQuery(db)
      .where('chain_seq', '>', after)
      .orderBy('chain_seq')
      .orderBy('id')
      .limit(PAGE)
      .execute();
    for (const e of page) if (!verifier.check(e)) break;
    if (page.length < PAGE) break;
    after = page[page.length - 1]!.seq ?? after;
  }
  const head = await db.selectFrom('audit_chain_head').select(['seq', 'hash']).executeTakeFirst();
  return verifier.finish(head ?? null);
}
