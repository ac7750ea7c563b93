import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify from 'fastify';
import { buildApp, type App } from '../../src/api/app.js';
import { installAuth } from '../../src/api/auth.js';
import type { Store } from '../../src/store/database.js';
import { buildLocation, buildOrganisation, buildRegion, buildToken } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';

describeEach(testBackends())('API access control on $name', (backend) => {
  let store: Store;
  let app: App;
  let readerToken: string;
  let adminToken: string;

  beforeAll(async () => {
    store = await backend.open();
    await buildRegion(store.db, { code: '01', name: 'Region Stockholm' });
    const org = await buildOrganisation(store.db, { kind: 'pharmacy_operator' });
    await buildLocation(store.db, org);
    readerToken = await buildToken(store.db, org, 'reader');
    adminToken = await buildToken(store.db, org, 'admin');
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('answers health without a token', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/health' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ status: 'ok', database: store.backend, synthetic: false });
  });

  it('refuses a data route without a token with 401 and the error model', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/regions' });
    expect(res.statusCode).toBe(401);
    const body = res.json();
    expect(body.error.kind).toBe('unauthenticated');
    expect(body.error.message).toMatch(/bearer token/);
    expect(body.error.correlationId).toMatch(/[0-9a-f-]{36}/);
  });

  it('refuses an unknown token and a malformed header with 401', async () => {
    for (const authorization of ['Bearer nope', 'Basic abc', 'Bearer']) {
      const res = await app.inject({ method: 'GET', url: '/api/regions', headers: { authorization } });
      expect(res.statusCode, authorization).toBe(401);
    }
  });

  it('refuses a revoked token with 401', async () => {
    const org = await buildOrganisation(store.db);
    const token = await buildToken(store.db, org, 'admin', 'revoked-token');
    await store.db
      .updateTable('api_token')
      .set({ revoked_at: new Date() })
      .where('label', '=', 'test')
      .where('organisation_id', '=', org)
      .execute();
    const res = await app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().error.message).toMatch(/revoked or expired/);
  });

  it('tells the caller who they are', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/me',
      headers: { authorization: `Bearer ${readerToken}` },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      role: 'reader',
      organisation: { kind: 'pharmacy_operator' },
      seesEverything: false,
    });
    expect(res.json().permissions).toEqual([
      'catalogue:read',
      'picture:read',
      'preparedness:read',
      'shortage:read',
    ]);
  });

  it('answers an unknown API path with 404 in the error model, token or not', async () => {
    for (const headers of [{}, { authorization: `Bearer ${adminToken}` }]) {
      const res = await app.inject({ method: 'GET', url: '/api/nothing-here', headers });
      expect(res.statusCode).toBe(404);
      expect(res.json().error.kind).toBe('not_found');
    }
  });

  it('answers bad query parameters with 400 naming the field', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/products?limit=100000',
      headers: { authorization: `Bearer ${readerToken}` },
    });
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.error.kind).toBe('invalid');
    expect(body.error.problems[0]).toMatchObject({ field: 'limit' });
    expect(body.error.problems[0].message).toMatch(/<= 500/);
  });

  it('serves the OpenAPI document, in which every data route requires the bearer scheme', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/regions', '/api/products', '/api/locations', '/api/organisations']),
    );
    expect(doc.paths['/api/health'].get.security).toEqual([]);
    expect(doc.security).toEqual([{ bearer: [] }]);
  });
});

describe('default deny', () => {
  it('refuses to start when an /api route declares no permission', async () => {
    const app = Fastify();
    installAuth(app, {} as never);
    expect(() => app.get('/api/forgotten', () => 'secret')).toThrow(
      /GET \/api\/forgotten declares no permission/,
    );
    await app.close();
  });
});
