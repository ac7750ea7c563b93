import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore } from '../../src/store/database.js';
import { runCli } from '../support/cli.js';
import { migratedDataFolder } from '../support/databases.js';

/** `beredskap audit verify` against an embedded database in a temporary directory (issue 11 item 8). */
describe('beredskap audit verify', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'beredskap-audit-'));
    await migratedDataFolder(dir);
    const store = await openStore({ dataDir: dir });
    for (let i = 1; i <= 4; i++) {
      await store.db
        .insertInto('audit_log')
        .values({ action: 'master-data.accepted', entity: 'test', entity_id: String(i), detail: '{"n": 1}' })
        .execute();
    }
    await store.close();
    env = { ...process.env, BEREDSKAP_DATA_DIR: dir, DATABASE_URL: '' };
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('passes an untouched log and prints its head; names the first edited entry and exits 1', async () => {
    const ok = await runCli(env, 'audit', 'verify');
    expect(ok.code, ok.stderr).toBe(0);
    expect(ok.stdout).toMatch(/Granskningskedjan håller: 4 poster, huvud [0-9a-f]{64}/);
    const head = /huvud ([0-9a-f]{64})/.exec(ok.stdout)![1]!;

    // An attacker with the database: set the append-only trigger aside and change entry 2.
    const store = await openStore({ dataDir: dir });
    const victim = await store.db
      .selectFrom('audit_log')
      .select('id')
      .where('chain_seq', '=', 2)
      .executeTakeFirstOrThrow();
    await sql`ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only`.execute(store.db);
    await sql`UPDATE audit_log SET action = 'master-data.rejected' WHERE id = ${victim.id}`.execute(store.db);
    await sql`ALTER TABLE audit_log ENABLE TRIGGER audit_log_append_only`.execute(store.db);
    await store.close();

    const broken = await runCli(env, 'audit', 'verify', '--expect-head', head);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(
      new RegExp(`bruten vid post ${victim.id} \\(position 2\\): its content does not match its hash`),
    );
    const json = await runCli(env, 'audit', 'verify', '--json');
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({
      ok: false,
      entries: 1,
      firstBreak: { id: victim.id, seq: 2 },
    });
  }, 240_000);
});
