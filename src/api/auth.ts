import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hashToken, roleAllows, type Permission, type Principal } from '../domain/access.js';
import { AppError } from '../domain/errors.js';
import type { Db } from '../store/database.js';
import { findPrincipalByTokenHash } from '../store/token.repository.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /** What the caller needs. Every /api route must name one; there is no default. */
    permission?: Permission;
  }
  interface FastifyRequest {
    principal?: Principal;
  }
}

/** The caller of a route that requires a permission: always set there, by the auth hook. */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new AppError('unauthenticated', 'a bearer token is required');
  return request.principal;
}

/**
 * Default deny: a route under /api without a declared permission makes start-up fail, and every
 * request is checked against its route's permission before the handler runs.
 */
export function installAuth(app: FastifyInstance, db: Db): void {
  app.addHook('onRoute', (route) => {
    const url = route.url ?? route.path;
    if (!url.startsWith('/api')) return;
    if (url.startsWith('/api/docs')) {
      // The OpenAPI document and its viewer describe the API; they hold no data.
      route.config = { ...(route.config ?? {}), permission: 'public' };
      return;
    }
    if (!route.config?.permission) {
      throw new Error(`route ${String(route.method)} ${url} declares no permission (default deny)`);
    }
  });

  app.addHook('onRequest', async (request) => {
    const permission = request.routeOptions.config?.permission;
    if (!request.url.startsWith('/api')) return; // the dashboard's static files hold no data
    if (permission === 'public') return;
    if (!permission) {
      // Unknown /api path: the not-found handler answers, without telling what exists.
      if (request.is404) return;
      throw AppError.forbidden();
    }
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1])
      throw new AppError('unauthenticated', 'a bearer token is required (Authorization: Bearer <token>)');
    const principal = await findPrincipalByTokenHash(db, hashToken(match[1]), new Date());
    if (!principal) throw new AppError('unauthenticated', 'the token is unknown, revoked or expired');
    if (!roleAllows(principal.role, permission)) {
      throw AppError.forbidden(`role ${principal.role} may not ${permission}`);
    }
    request.principal = principal;
  });
}
