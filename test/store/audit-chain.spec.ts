import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { AUDIT_GENESIS_HASH } from '../../src/domain/audit-chain.js';
import { verifyAuditChain } from '../../src/store/audit.repository.js';
import type { Db, Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { describeEach, testBackends } from '../support/databases.js';

/*
 * Issue 11 item 8: the audit log is a hash chain. An attacker with access to the database sets the
 * append-only trigger aside (as the table's owner may) and edits, deletes or reorders entries; the
 * verification names the first entry that no longer holds.
 */

async function append(db: Db, n: number, action = 'test.write'): Promise<void> {
  for (let i = 0; i < n; i++) {
    await db
      .insertInto('audit_log')
      .values({ action, entity: 'test', entity_id: String(i), detail: JSON.stringify({ i, note: 'ä "q"' }) })
      .execute();
  }
}

/** Runs `statement` with the append-only trigger set aside, the way an attacker with DB access would. */
async function tamper(db: Db, statement: ReturnType<typeof sql>): Promise<void> {
  await db.transaction().execute(async (trx) => {
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(trx);
    await statement.execute(trx);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(trx);
  });
}

async function idAt(db: Db, seq: number): Promise<number> {
  const r = await db
    .selectFrom('audit_log')
    .select('id')
    .where('chain_seq', '=', seq)
    .executeTakeFirstOrThrow();
  return r.id;
}

describeEach(testBackends())('audit hash chain on $name', (backend) => {
  let store: Store;
  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(() => store.close());

  it('chains every entry to the one before and verifies an untouched log', async () => {
    const empty = await verifyAuditChain(store.db);
    expect(empty).toMatchObject({ ok: true, entries: 0, headHash: AUDIT_GENESIS_HASH });
    await append(store.db, 5);
    const rows = await store.db
      .selectFrom('audit_log')
      .select(['chain_seq', 'prev_hash', 'hash'])
      .orderBy('chain_seq')
      .execute();
    expect(rows.map((r) => r.chain_seq)).toEqual([1, 2, 3, 4, 5]);
    expect(rows[0]!.prev_hash).toBe(AUDIT_GENESIS_HASH);
    for (let i = 1; i < rows.length; i++) expect(rows[i]!.prev_hash).toBe(rows[i - 1]!.hash);
    const verdict = await verifyAuditChain(store.db);
    expect(verdict).toMatchObject({ ok: true, entries: 5, headHash: rows[4]!.hash });
    // A writer cannot choose its own chain fields: the trigger sets them.
    await sql`INSERT INTO audit_log (action, entity, chain_seq, prev_hash, hash)
              VALUES ('forged', 'test', 99, 'x', 'y')`.execute(store.db);
    expect(await verifyAuditChain(store.db)).toMatchObject({ ok: true, entries: 6 });
  });

  it('catches an entry edited in the database and names it', async () => {
    const s = await backend.open();
    try {
      await append(s.db, 4);
      const victim = await idAt(s.db, 3);
      await tamper(
        s.db,
        sql`UPDATE audit_log SET detail = '{"i": 2, "note": "harmless"}' WHERE id = ${victim}`,
      );
      const verdict = await verifyAuditChain(s.db);
      expect(verdict.ok).toBe(false);
      expect(verdict.entries).toBe(2);
      expect(verdict.firstBreak).toMatchObject({ id: victim, seq: 3 });
      expect(verdict.firstBreak!.reason).toMatch(/does not match its hash/);
    } finally {
      await s.close();
    }
  });

  it('catches an edit of the time only, and one that recomputes the edited entry’s own hash', async () => {
    const s = await backend.open();
    try {
      await append(s.db, 3);
      const second = await idAt(s.db, 2);
      await tamper(s.db, sql`UPDATE audit_log SET at = at - interval '1 microsecond' WHERE id = ${second}`);
      expect((await verifyAuditChain(s.db)).firstBreak).toMatchObject({ id: second, seq: 2 });
      // Recomputing the entry's own hash moves the break to the next entry, which still points at the old one.
      await tamper(
        s.db,
        sql`UPDATE audit_log SET hash = encode(sha256(convert_to(jsonb_build_array(
              'beredskap-audit/1', prev_hash, chain_seq, id,
              to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
              token_id, organisation_id, action, entity, entity_id, detail)::text, 'UTF8')), 'hex')
            WHERE id = ${second}`,
      );
      const verdict = await verifyAuditChain(s.db);
      expect(verdict.firstBreak).toMatchObject({ id: await idAt(s.db, 3), seq: 3 });
      expect(verdict.firstBreak!.reason).toMatch(/does not follow position 2/);
    } finally {
      await s.close();
    }
  });

  it('catches a deleted entry, in the middle and at the end', async () => {
    const s = await backend.open();
    try {
      await append(s.db, 5);
      const third = await idAt(s.db, 3);
      const fourth = await idAt(s.db, 4);
      await tamper(s.db, sql`DELETE FROM audit_log WHERE id = ${third}`);
      const verdict = await verifyAuditChain(s.db);
      expect(verdict.firstBreak).toMatchObject({ id: fourth, seq: 3 });
      expect(verdict.firstBreak!.reason).toMatch(/missing/);

      const t = await backend.open();
      try {
        await append(t.db, 3);
        await tamper(t.db, sql`DELETE FROM audit_log WHERE chain_seq = 3`);
        const end = await verifyAuditChain(t.db);
        expect(end).toMatchObject({ ok: false, entries: 2, firstBreak: { id: null, seq: 3 } });
        expect(end.firstBreak!.reason).toMatch(/deleted/);
      } finally {
        await t.close();
      }
    } finally {
      await s.close();
    }
  });

  it('catches reordered entries (positions swapped)', async () => {
    const s = await backend.open();
    try {
      await append(s.db, 4);
      const second = await idAt(s.db, 2);
      const third = await idAt(s.db, 3);
      await tamper(
        s.db,
        sql`UPDATE audit_log SET chain_seq = CASE WHEN id = ${second} THEN -3 ELSE -2 END
            WHERE id IN (${second}, ${third})`,
      );
      await tamper(s.db, sql`UPDATE audit_log SET chain_seq = -chain_seq WHERE chain_seq < 0`);
      const verdict = await verifyAuditChain(s.db);
      expect(verdict.firstBreak).toMatchObject({ id: third, seq: 2 });
    } finally {
      await s.close();
    }
  });

  it('catches a whole log rewritten with fresh hashes against a head recorded earlier', async () => {
    const s = await backend.open();
    try {
      await append(s.db, 3);
      const { headHash } = await verifyAuditChain(s.db);
      expect((await verifyAuditChain(s.db, headHash)).ok).toBe(true);
      // Rewrite: delete everything, reset the head, write three other entries through the trigger.
      await tamper(s.db, sql`DELETE FROM audit_log`);
      await sql`ALTER TABLE audit_chain_head DISABLE TRIGGER audit_chain_head_kept`.execute(s.db);
      await sql`UPDATE audit_chain_head SET seq = 0, hash = ${AUDIT_GENESIS_HASH}`.execute(s.db);
      await append(s.db, 3, 'rewritten');
      expect((await verifyAuditChain(s.db)).ok).toBe(true);
      const anchored = await verifyAuditChain(s.db, headHash);
      expect(anchored.ok).toBe(false);
      expect(anchored.firstBreak!.reason).toMatch(/not in the chain/);
    } finally {
      await s.close();
    }
  });

  it('does not fork the chain when many writers append at once', async () => {
    const s = await backend.open();
    try {
      await Promise.all(
        Array.from({ length: 24 }, (_, w) =>
          s.db.transaction().execute(async (trx) => {
            for (let i = 0; i < 3; i++) {
              await trx
                .insertInto('audit_log')
                .values({ action: 'concurrent', entity: 'writer', entity_id: `${w}.${i}` })
                .execute();
            }
          }),
        ),
      );
      const verdict = await verifyAuditChain(s.db);
      expect(verdict).toMatchObject({ ok: true, entries: 72 });
      const seqs = await s.db.selectFrom('audit_log').select('chain_seq').orderBy('chain_seq').execute();
      expect(seqs.map((r) => r.chain_seq)).toEqual(Array.from({ length: 72 }, (_, i) => i + 1));
    } finally {
      await s.close();
    }
  });

  it('chains the entries written before the migration, in the order they were written', async () => {
    const s = await backend.open({ upTo: '0015_usable_stock' });
    try {
      await sql`INSERT INTO audit_log (action, entity, detail, at) VALUES
        ('old.one', 'test', '{"b": 1, "a": [1.50, null]}', '2025-01-01T10:00:00.123456Z'),
        ('old.two', 'test', '{}', '2025-01-02T10:00:00Z')`.execute(s.db);
      await migrateToLatest(s.db);
      await append(s.db, 1, 'new.one');
      const rows = await s.db
        .selectFrom('audit_log')
        .select(['action', 'chain_seq'])
        .orderBy('chain_seq')
        .execute();
      expect(rows).toEqual([
        { action: 'old.one', chain_seq: 1 },
        { action: 'old.two', chain_seq: 2 },
        { action: 'new.one', chain_seq: 3 },
      ]);
      expect(await verifyAuditChain(s.db)).toMatchObject({ ok: true, entries: 3 });
    } finally {
      await s.close();
    }
  });
});
