import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Store } from '../store/database.js';

/** GET /api/health: open to all; says whether the database answers. */
export const healthRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app, { store }) => {
  app.get(
    '/health',
    {
      config: { permission: 'public' },
      schema: {
        tags: ['system'],
        summary: 'Liveness and database reachability',
        security: [],
        response: {
          200: Type.Object({
            status: Type.Literal('ok'),
            database: Type.String(),
            synthetic: Type.Boolean({
              description: 'the data set is synthetic (demo): the dashboard shows a banner',
            }),
          }),
        },
      },
    },
    async () => {
      const synthetic = await store.db
        .selectFrom('report')
        .select('id')
        .where('kind', '=', 'synthetic')
        .limit(1)
        .executeTakeFirst();
      return { status: 'ok' as const, database: store.backend, synthetic: synthetic !== undefined };
    },
  );
};
