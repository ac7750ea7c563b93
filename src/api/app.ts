import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError } from '../domain/errors.js';
import type { Store } from '../store/database.js';
import type { PictureMaintainer } from '../store/picture/maintainer.js';
import { installAuth } from './auth.js';
import { errorHandler } from './errors.js';
import { healthRoutes } from './health.routes.js';
import { meRoutes } from './me.routes.js';
import { regionRoutes } from './region.routes.js';
import { organisationRoutes } from './organisation.routes.js';
import { locationRoutes } from './location.routes.js';
import { masterDataRoutes } from './master-data.routes.js';
import { productListRoutes, productRoutes } from './product.routes.js';
import { reportRoutes } from './report.routes.js';
import { pictureRoutes } from './picture/routes.js';
import { actorsRoutes } from './actors.routes.js';
import { noticeRoutes } from './notice.routes.js';
import { reportingRoutes } from './reporting.routes.js';
import { alertRoutes } from './alert.routes.js';
import { obligationRoutes } from './obligation.routes.js';
import type { Alerts } from './alert.delivery.js';
import { regionalTargetRoutes } from './regional-target.routes.js';
import { fundsRoutes } from './funds.routes.js';
import { dispensationRoutes } from './dispensation.routes.js';
import { supervisionRoutes } from './supervision.routes.js';
import { compensationRoutes } from './compensation.routes.js';
import { shortageCaseRoutes } from './shortage-case.routes.js';
import { redistributionRoutes } from './redistribution.routes.js';
import { allocationRoutes } from './allocation.routes.js';

export type App = FastifyInstance;

export interface AppOptions {
  store: Store;
  /** The built dashboard (vite build output). Defaults to dist/web when it exists. */
  webDir?: string | undefined;
  logger?: boolean;
  /** Largest accepted request body in bytes (reports can be large). */
  bodyLimit?: number;
  /**
   * Keeps the situational picture up to date after each accepted report (the server passes one; without
   * it the picture changes only on `POST /api/picture/refresh` or `beredskap picture refresh`).
   */
  picture?: PictureMaintainer | undefined;
  /**
   * Evaluates subscriptions and delivers alerts (src/api/alert.delivery.ts); without it subscriptions
   * can be made (not by e-mail) but nothing evaluates them, and feed links are relative.
   */
  alerts?: Alerts | undefined;
}

/** The methods a path outside /api answers (the dashboard and its files). */
const PAGE_METHODS = 'GET, HEAD';

const DEFAULT_WEB_DIR = fileURLToPath(new URL('../../dist/web/', import.meta.url));

/** The command that builds the dashboard into dist/web. */
export const BUILD_WEB_COMMAND = 'npm run build:web';

/** What `/` answers when the dashboard has not been built: how to build it, in Swedish and English. */
export const NOT_BUILT_PAGE = `<!doctype html>
<html lang="sv"><head><meta charset="utf-8"><title>beredskap: instrumentpanelen är inte byggd</title>
<style>body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;line-height:1.5}
code{background:#eef;padding:.1rem .3rem;border-radius:3px}</style></head>
<body><main>
<h1>Instrumentpanelen är inte byggd</h1>
<p>API:t svarar under <a href="/api/docs">/api/docs</a>, men instrumentpanelen har inte byggts.
Bygg den med <code>${BUILD_WEB_COMMAND}</code> i projektets mapp och ladda om sidan
(<code>npm run demo</code> bygger den själv).</p>
<h2 lang="en">The dashboard is not built</h2>
<p lang="en">The API answers under <a href="/api/docs">/api/docs</a>, but the dashboard has not been built.
Build it with <code>${BUILD_WEB_COMMAND}</code> in the project's folder and reload this page
(<code>npm run demo</code> builds it itself).</p>
</main></body></html>
`;

/** Builds the HTTP app: API under /api (OpenAPI at /api/docs) and the dashboard at /. */
export async function buildApp(options: AppOptions): Promise<App> {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: options.bodyLimit ?? 64 * 1024 * 1024,
    genReqId: () => crypto.randomUUID(),
    // Errors Fastify meets before routing (a malformed URL) answer in the error model too.
    frameworkErrors: (err, request, reply) => {
      void errorHandler(err, request, reply);
    },
    ajv: { customOptions: { coerceTypes: 'array', removeAdditional: false, allErrors: true } },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.setErrorHandler(errorHandler);
  installAuth(app, options.store.db);

  await app.register(swagger, {
    openapi: {
      info: {
        title: 'beredskap API',
        version: '0.1.0',
        description:
          "Sweden's national platform for medicine supply preparedness. Every route except /api/health and " +
          '/api/docs needs `Authorization: Bearer <token>`; each names the permission it requires.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/api/docs' });

  const deps = { store: options.store, picture: options.picture };
  if (options.picture !== undefined) {
    const picture = options.picture;
    app.addHook('onClose', async () => picture.stop());
  }
  await app.register(
    async (api) => {
      await api.register(healthRoutes, deps);
      await api.register(meRoutes, deps);
      await api.register(regionRoutes, deps);
      await api.register(organisationRoutes, deps);
      await api.register(locationRoutes, deps);
      await api.register(productRoutes, deps);
      await api.register(productListRoutes, deps);
      await api.register(reportRoutes, deps);
      await api.register(pictureRoutes, deps);
      await api.register(actorsRoutes, deps);
      await api.register(masterDataRoutes, deps);
      await api.register(noticeRoutes, deps);
      await api.register(reportingRoutes, deps);
      await api.register(alertRoutes, { store: options.store, alerts: options.alerts });
      await api.register(regionalTargetRoutes, deps);
      await api.register(fundsRoutes, deps);
      await api.register(dispensationRoutes, deps);
      await api.register(supervisionRoutes, deps);
      await api.register(compensationRoutes, deps);
      await api.register(obligationRoutes, deps);
      await api.register(shortageCaseRoutes, deps);
      await api.register(redistributionRoutes, deps);
      await api.register(allocationRoutes, deps);
    },
    { prefix: '/api' },
  );

  const webDir = options.webDir ?? DEFAULT_WEB_DIR;
  if (existsSync(webDir)) {
    await app.register(fastifyStatic, { root: webDir, wildcard: false });
  }
  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    if (request.url.startsWith('/api')) throw AppError.notFound(`${request.method} ${path}`);
    // Outside the API only the dashboard and its files answer, and only to reading (issue 11 item 9).
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      void reply.header('allow', PAGE_METHODS);
      throw new AppError('method_not_allowed', `${request.method} ${path}: only ${PAGE_METHODS} answer here`);
    }
    if (!existsSync(join(webDir, 'index.html'))) {
      // No built dashboard: say how to build it rather than 404 (issue 10 item 8).
      return reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT_PAGE);
    }
    // The dashboard is a single-page app: its routes are served by index.html.
    return reply.type('text/html').sendFile('index.html', webDir);
  });

  return app;
}
