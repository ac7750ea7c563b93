import { Type } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { permissionsOf, pictureScopeOf, seesEverything } from '../domain/access.js';
import { importableRegisters } from '../domain/master-data.js';
import type { Store } from '../store/database.js';
import { principalOf } from './auth.js';
import { authErrors } from './common.js';

export const MeDto = Type.Object({
  user: Type.Object({ id: Type.Integer(), name: Type.String() }),
  organisation: Type.Object({
    id: Type.Integer(),
    code: Type.String(),
    name: Type.String(),
    kind: Type.String(),
    regionCode: Type.Union([Type.String(), Type.Null()]),
  }),
  role: Type.String(),
  permissions: Type.Array(Type.String()),
  seesEverything: Type.Boolean({ description: 'authorities and the joint function see all detail' }),
  picture: Type.Object(
    {
      regionalAggregates: Type.Boolean({ description: 'figures per region: the map, region rows' }),
      groups: Type.Boolean({ description: 'groups of interchangeable packages' }),
      preparednessTier: Type.Boolean({ description: 'the reserve (preparedness stocks, levels 3–4)' }),
    },
    { description: 'what the caller may see of the picture (src/domain/access.ts), for its menus' },
  ),
  registers: Type.Array(Type.String(), {
    description:
      "the registers the caller may import and whose imports it sees ('npl', 'prioritised_list'): the owner's, or all for an administrator",
  }),
});

/** GET /api/me: who the token belongs to and what it may do. The dashboard's sign-in calls it. */
export const meRoutes: FastifyPluginAsyncTypebox<{ store: Store }> = async (app) => {
  app.get(
    '/me',
    {
      config: { permission: 'catalogue:read' },
      schema: {
        tags: ['access'],
        summary: 'The caller: user, organisation, role',
        response: { 200: MeDto, ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return {
        user: { id: p.userId, name: p.userName },
        organisation: {
          id: p.organisationId,
          code: p.organisationCode,
          name: p.organisationName,
          kind: p.organisationKind,
          regionCode: p.regionCode,
        },
        role: p.role,
        permissions: [...permissionsOf(p.role)],
        seesEverything: seesEverything(p),
        picture: (({ regionalAggregates, groups, preparednessTier }) => ({
          regionalAggregates,
          groups,
          preparednessTier,
        }))(pictureScopeOf(p)),
        registers: importableRegisters(p),
      };
    },
  );
};
