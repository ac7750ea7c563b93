import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp, BUILD_WEB_COMMAND, type App } from '../../src/api/app.js';
import { openStore, type Store } from '../../src/store/database.js';
import { migrateToLatest } from '../../src/store/migrate.js';
import { ROOT, runCli } from '../support/cli.js';

describe('beredskap --version', () => {
  it("prints package.json's version", async () => {
    const { version } = JSON.parse(await readFile(join(ROOT, 'package.json'), 'utf8')) as { version: string };
    const result = await runCli(process.env, '--version');
    expect(result.code).toBe(0);
    expect(result.stdout.trim()).toBe(version);
  });
});

// PGlite only: what / answers does not depend on the database.
describe('serve without a built dashboard', () => {
  let store: Store;
  let app: App;
  beforeAll(async () => {
    store = await openStore({});
    await migrateToLatest(store.db);
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers / and a dashboard route with a page saying how to build it, not 404', async () => {
    for (const url of ['/', '/katalog']) {
      const res = await app.inject({ method: 'GET', url });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.body).toContain(BUILD_WEB_COMMAND);
      expect(res.body).toContain('Instrumentpanelen är inte byggd');
      expect(res.body).toContain('The dashboard is not built');
    }
    expect(BUILD_WEB_COMMAND).toBe('npm run build:web');
  });

  it('still answers an unknown API path with 404 in the error model', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/nothing-here' });
    expect(res.statusCode).toBe(404);
  });
});
