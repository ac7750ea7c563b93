import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { create } from 'xmlbuilder2';
import { hashToken, maySeePackage, roleAllows } from '../domain/access.js';
import {
  ALERT_CHANNELS,
  SCOPES_OF_KIND,
  SUBSCRIPTION_KINDS,
  SUBSCRIPTION_SCOPES,
  type AlertChannel,
} from '../domain/alert.js';
import { AppError } from '../domain/errors.js';
import {
  findFeed,
  insertSubscription,
  listAlerts,
  listSubscriptions,
  mayWatchRegion,
  removeSubscription,
  userEmail,
  type AlertRow,
  type SubscriptionRow,
} from '../store/alert.repository.js';
import type { Store } from '../store/database.js';
import type { Alerts } from './alert.delivery.js';
import { principalOf } from './auth.js';
import { authErrors, ErrorResponse, Page, PageQuery, StringEnum } from './common.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const KindSchema = StringEnum(SUBSCRIPTION_KINDS, {
  description:
    'critical: a prioritised package becomes critical (scope region or national); notice: a shortage ' +
    'notice or sales stop of a product arrives or is corrected (scope product); overdue: a location of ' +
    'your organisation has not reported stock in time (scope organisation)',
});
const ScopeSchema = StringEnum(SUBSCRIPTION_SCOPES, {
  description: 'region: your organisation’s region; national: the whole country; product: packageId',
});
const ChannelSchema = StringEnum(ALERT_CHANNELS, {
  description: 'email: to your own address; webhook: a signed POST to webhookUrl; atom: a feed URL',
});

export const SubscriptionDto = Type.Object({
  id: Type.Integer(),
  kind: KindSchema,
  scope: ScopeSchema,
  regionCode: Nullable(Type.String()),
  regionName: Nullable(Type.String()),
  packageId: Nullable(Type.Integer()),
  packageName: Nullable(Type.String()),
  channel: ChannelSchema,
  email: Nullable(Type.String()),
  webhookUrl: Nullable(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
});
export type SubscriptionDto = Static<typeof SubscriptionDto>;

export const CreatedSubscriptionDto = Type.Intersect([
  SubscriptionDto,
  Type.Object({
    webhookSecret: Nullable(
      Type.String({ description: 'webhook: the HMAC-SHA256 key of the signatures; shown only now' }),
    ),
    feedUrl: Nullable(
      Type.String({ description: 'atom: the feed’s address, its token the key to it; shown only now' }),
    ),
  }),
]);

const CreateSubscriptionBody = Type.Object(
  {
    kind: KindSchema,
    scope: ScopeSchema,
    packageId: Type.Optional(Type.Integer({ minimum: 1, description: 'scope product: the package' })),
    channel: ChannelSchema,
    webhookUrl: Type.Optional(
      Type.String({ maxLength: 2000, description: 'channel webhook: an http or https address' }),
    ),
  },
  { additionalProperties: false },
);

export const AlertDto = Type.Object({
  id: Type.Integer(),
  subscriptionId: Type.Integer(),
  kind: KindSchema,
  channel: ChannelSchema,
  title: Type.String(),
  reason: Type.String({ description: 'why, with the figures' }),
  link: Type.String({ description: 'the dashboard page, as a path' }),
  createdAt: Type.String({ format: 'date-time' }),
  delivery: StringEnum(['delivered', 'pending', 'failed'] as const),
  attempts: Type.Integer(),
  deliveredAt: Nullable(Type.String({ format: 'date-time' })),
  nextAttemptAt: Nullable(Type.String({ format: 'date-time' })),
  lastError: Nullable(Type.String()),
});
export type AlertDto = Static<typeof AlertDto>;
export const AlertsPageDto = Page(AlertDto);

const iso = (d: Date | null) => (d === null ? null : new Date(d).toISOString());

function toSubscriptionDto(s: SubscriptionRow): SubscriptionDto {
  return {
    id: s.id,
    kind: s.kind,
    scope: s.scope,
    regionCode: s.region_code,
    regionName: s.region_name,
    packageId: s.package_id,
    packageName: s.package_name,
    channel: s.channel,
    email: s.email,
    webhookUrl: s.webhook_url,
    createdAt: new Date(s.created_at).toISOString(),
  };
}

function toAlertDto(a: AlertRow): AlertDto {
  return {
    id: a.id,
    subscriptionId: a.subscription_id,
    kind: a.kind,
    channel: a.channel,
    title: a.title,
    reason: a.reason,
    link: a.link,
    createdAt: new Date(a.created_at).toISOString(),
    delivery: a.delivered_at !== null ? 'delivered' : a.failed_at !== null ? 'failed' : 'pending',
    attempts: a.attempts,
    deliveredAt: iso(a.delivered_at),
    nextAttemptAt: iso(a.next_attempt_at),
    lastError: a.last_error,
  };
}

/** The Atom feed (RFC 4287) of one subscription's alerts, built by an XML serializer (escaping is its). */
export function atomFeed(
  subscription: SubscriptionRow,
  alerts: readonly AlertRow[],
  baseUrl: string,
  selfUrl: string,
): string {
  const updated = alerts[0]?.created_at ?? subscription.created_at;
  const feed = create({ version: '1.0', encoding: 'UTF-8' }).ele('http://www.w3.org/2005/Atom', 'feed');
  feed.ele('id').txt(`tag:beredskap,2026:subscription:${subscription.id}`);
  feed.ele('title').txt(`beredskap – bevakning ${subscription.id}`);
  feed.ele('updated').txt(new Date(updated).toISOString());
  feed.ele('link', { rel: 'self', type: 'application/atom+xml', href: selfUrl });
  feed.ele('link', { rel: 'alternate', type: 'text/html', href: `${baseUrl}/subscriptions` });
  feed.ele('author').ele('name').txt('beredskap');
  for (const a of alerts) {
    const entry = feed.ele('entry');
    entry.ele('id').txt(`tag:beredskap,2026:alert:${a.id}`);
    entry.ele('title').txt(a.title);
    entry.ele('updated').txt(new Date(a.created_at).toISOString());
    entry.ele('link', { rel: 'alternate', type: 'text/html', href: `${baseUrl}${a.link}` });
    entry.ele('summary', { type: 'text' }).txt(a.reason);
  }
  return feed.end({ prettyPrint: true });
}

/**
 * Subscriptions (bevakningar) and alerts (docs/alerts.md). Each user sees and changes only their own;
 * what an alert says was bounded by what the user's organisation may see when it was made.
 */
export const alertRoutes: FastifyPluginAsyncTypebox<{
  store: Store;
  alerts?: Alerts | undefined;
  publicUrl?: string;
}> = async (app, { store, alerts }) => {
  // The configured address of the dashboard; without one, the address the caller reached us at.
  const base = (request: FastifyRequest) => alerts?.baseUrl ?? `${request.protocol}://${request.host}`;

  app.get(
    '/subscriptions',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Your subscriptions (bevakningar)',
        response: { 200: Type.Object({ items: Type.Array(SubscriptionDto) }), ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      return { items: (await listSubscriptions(store.db, p.userId)).map(toSubscriptionDto) };
    },
  );

  app.post(
    '/subscriptions',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Subscribe: what (kind), where (scope) and how (channel)',
        description:
          'A webhook subscription answers its signing secret, an Atom subscription its feed URL: both ' +
          'only in this answer. E-mail goes to your own address.',
        body: CreateSubscriptionBody,
        response: { 201: CreatedSubscriptionDto, 409: ErrorResponse, ...authErrors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      const b = request.body;
      if (!SCOPES_OF_KIND[b.kind].includes(b.scope)) {
        throw AppError.invalid(`scope ${b.scope} does not go with kind ${b.kind}`, [
          {
            field: 'scope',
            value: b.scope,
            expected: SCOPES_OF_KIND[b.kind].join(' or '),
            message: 'scope of the kind',
          },
        ]);
      }
      if (b.kind === 'overdue' && !roleAllows(p.role, 'report:read')) {
        throw AppError.forbidden(`role ${p.role} may not report:read (overdue reports)`);
      }
      let regionCode: string | null = null;
      if (b.scope === 'region') {
        if (!mayWatchRegion(p))
          throw AppError.invalid('scope region: your organisation has no region whose figures it sees', [
            { field: 'scope', value: 'region', expected: 'national', message: 'no region of your own' },
          ]);
        regionCode = p.regionCode;
      }
      let packageId: number | null = null;
      if (b.scope === 'product') {
        if (b.packageId === undefined)
          throw AppError.invalid('scope product needs packageId', [
            { field: 'packageId', expected: 'a package id', message: 'missing' },
          ]);
        const pkg = await store.db
          .selectFrom('package')
          .select(['id', 'company_id'])
          .where('id', '=', b.packageId)
          .executeTakeFirst();
        // Another company's package answers as one that does not exist.
        if (!pkg || !maySeePackage(p, { companyId: Number(pkg.company_id) }))
          throw AppError.notFound(`package ${b.packageId}`);
        packageId = Number(pkg.id);
      } else if (b.packageId !== undefined) {
        throw AppError.invalid('packageId goes only with scope product', [
          { field: 'packageId', value: b.packageId, expected: 'absent', message: 'not for this scope' },
        ]);
      }
      const channel: AlertChannel = b.channel;
      let email: string | null = null;
      let webhookUrl: string | null = null;
      let webhookSecret: string | null = null;
      let feedToken: string | null = null;
      if (channel === 'email') {
        if (!alerts?.emailEnabled)
          throw new AppError(
            'conflict',
            'e-mail is not configured on this server (SMTP_HOST); choose webhook or atom',
          );
        email = (await userEmail(store.db, p.userId)) ?? null;
        if (email === null) throw AppError.notFound(`user ${p.userId}`);
      }
      if (channel === 'webhook') {
        const url = b.webhookUrl === undefined ? null : safeUrl(b.webhookUrl);
        if (url === null)
          throw AppError.invalid('channel webhook needs webhookUrl, an http or https address', [
            {
              field: 'webhookUrl',
              value: b.webhookUrl,
              expected: 'http(s)://host/path',
              message: 'not an http(s) URL',
            },
          ]);
        webhookUrl = url;
        webhookSecret = `whsec_${randomBytes(24).toString('base64url')}`;
      } else if (b.webhookUrl !== undefined) {
        throw AppError.invalid('webhookUrl goes only with channel webhook', [
          { field: 'webhookUrl', value: b.webhookUrl, expected: 'absent', message: 'not for this channel' },
        ]);
      }
      if (channel === 'atom') feedToken = randomBytes(24).toString('base64url');
      const row = await insertSubscription(store.db, {
        userId: p.userId,
        organisationId: p.organisationId,
        kind: b.kind,
        scope: b.scope,
        regionCode,
        packageId,
        channel,
        email,
        webhookUrl,
        webhookSecret,
        feedTokenSha256: feedToken === null ? null : hashToken(feedToken),
      });
      return reply.status(201).send({
        ...toSubscriptionDto(row),
        webhookSecret,
        feedUrl: feedToken === null ? null : `${base(request)}/api/alerts/feed/${feedToken}`,
      });
    },
  );

  app.delete(
    '/subscriptions/:id',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Remove a subscription: nothing more is sent for it',
        params: Type.Object({ id: Type.Integer({ minimum: 1 }) }),
        response: { 204: Type.Null(), ...authErrors },
      },
    },
    async (request, reply) => {
      const p = principalOf(request);
      if (!(await removeSubscription(store.db, p.userId, request.params.id)))
        throw AppError.notFound(`subscription ${request.params.id}`);
      return reply.status(204).send(null);
    },
  );

  app.get(
    '/alerts',
    {
      config: { permission: 'picture:read' },
      schema: {
        tags: ['alerts'],
        summary: 'Your alerts, newest first, with how their delivery stands',
        querystring: PageQuery,
        response: { 200: AlertsPageDto, ...authErrors },
      },
    },
    async (request) => {
      const p = principalOf(request);
      const { limit, offset } = request.query;
      const { rows, total } = await listAlerts(store.db, p.userId, { limit, offset });
      return { items: rows.map(toAlertDto), total, limit, offset };
    },
  );

  app.get(
    '/alerts/feed/:token',
    {
      // The token in the address is the key (feed readers cannot send a bearer token): docs/alerts.md.
      config: { permission: 'public' },
      schema: {
        tags: ['alerts'],
        summary: 'The Atom feed of one Atom subscription; its token (given when subscribing) is the key',
        security: [],
        produces: ['application/atom+xml'],
        params: Type.Object({ token: Type.String({ pattern: '^[A-Za-z0-9_-]{16,100}$' }) }),
        response: {
          200: Type.String({ description: 'application/atom+xml' }),
          404: ErrorResponse,
          400: ErrorResponse,
        },
      },
    },
    async (request, reply) => {
      const feed = await findFeed(store.db, hashToken(request.params.token));
      if (!feed) throw AppError.notFound('feed');
      const baseUrl = base(request);
      const self = `${baseUrl}/api/alerts/feed/${request.params.token}`;
      return reply
        .type('application/atom+xml; charset=utf-8')
        .header('cache-control', 'private, no-store')
        .send(atomFeed(feed.subscription, feed.alerts, baseUrl, self));
    },
  );
};

/** The address when it is an absolute http(s) URL; null otherwise. */
function safeUrl(raw: string): string | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}
