import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

/*
 * The global setup of a test run (vitest.config.ts): a folder where test/support/databases.ts leaves
 * the migrated templates that every fresh test database starts from, made by the first test file that
 * needs one; at the end of the run, the folder and the PostgreSQL template databases go.
 */

/** The environment variable that names the run's template folder (inherited by the test workers). */
export const TEMPLATES_ENV = 'BEREDSKAP_TEST_TEMPLATES';

/** A PostgreSQL template database made in the folder `dir` is marked there by a file of this prefix. */
export const POSTGRES_TEMPLATE_MARK = 'postgres-template-';

export default async function setup(): Promise<() => Promise<void>> {
  const dir = await mkdtemp(join(tmpdir(), 'beredskap-templates-'));
  process.env[TEMPLATES_ENV] = dir;
  return async () => {
    const adminUrl = process.env.TEST_DATABASE_URL;
    const made = (await readdir(dir)).filter((f) => f.startsWith(POSTGRES_TEMPLATE_MARK));
    if (adminUrl && made.length > 0) {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      try {
        for (const mark of made) {
          const name = mark.slice(POSTGRES_TEMPLATE_MARK.length);
          await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
        }
      } finally {
        await client.end();
      }
    }
    await rm(dir, { recursive: true, force: true });
  };
}
