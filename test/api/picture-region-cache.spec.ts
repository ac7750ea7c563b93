import { afterAll, beforeAll, expect, it } from 'vitest';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { buildStockDifference } from '../support/builders.js';
import { describeEach, testBackends } from '../support/databases.js';
import { buildPictureFixture, TODAY, type PictureFixture } from '../support/picture-fixture.js';

/**
 * The region page keeps its per-location figures of the prioritised list for the picture's last
 * refresh (they are computed in the server, and many readers ask for the same region). A refresh gives
 * the new figures: H1 holds 30 of P2 and sells 2 a day (15 days: below 30, not below 14); 10 taken
 * away leave 20, 10 days: below 14 once the picture is refreshed.
 */
describeEach(testBackends())('region page figures per refresh on $name', (backend) => {
  let store: Store;
  let app: App;
  let f: PictureFixture;

  const h1Of = async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/picture/regions/01',
      headers: { authorization: `Bearer ${f.tokens.lv}` },
    });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    return body.locations.find((l: { location: { id: number } }) => l.location.id === f.locations.h1)
      .prioritised;
  };

  beforeAll(async () => {
    store = await backend.open();
    f = await buildPictureFixture(store);
    app = await buildApp({ store, webDir: '/nonexistent' });
  });
  afterAll(async () => {
    await app.close();
    await store.close();
  });

  it('shows a location’s new stock on the region page after the refresh that follows its report', async () => {
    expect(await h1Of()).toMatchObject({ held: 1, belowCritical: 0, belowLow: 1 });
    expect(await h1Of()).toMatchObject({ belowCritical: 0 });
    await buildStockDifference(
      store.db,
      f.locations.h1,
      [{ packageId: f.packages.p2, quantity: -10, expiry: '2027-01-31' }],
      '2026-03-01T09:00:00Z',
    );
    await refreshPicture(store, { today: TODAY, locationIds: [f.locations.h1], packageIds: [f.packages.p2] });
    expect(await h1Of()).toMatchObject({ held: 1, belowCritical: 1, belowLow: 1 });
  });
});
