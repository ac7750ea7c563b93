import { sql } from 'kysely';
import { NATIONAL_AREA, pictureScopeOf, seesEverything, type Principal } from '../domain/access.js';
import type { AlertChannel, AlertText, SubscriptionKind, SubscriptionScope } from '../domain/alert.js';
import type { OrganisationKind } from '../domain/vocabulary.js';
import type { Db } from './database.js';

/**
 * Subscriptions (bevakningar) and their alerts (issue 10 item 5; docs/alerts.md). Every query that
 * finds events for a subscription goes through the same visibility as the picture's readers
 * (pictureScopeOf): a company hears only of its own packages, a pharmacy operator only of the nation.
 */

export interface SubscriptionRow {
  id: number;
  user_id: number;
  organisation_id: number;
  kind: SubscriptionKind;
  scope: SubscriptionScope;
  region_code: string | null;
  package_id: number | null;
  channel: AlertChannel;
  email: string | null;
  webhook_url: string | null;
  created_at: Date;
  /** For display: the package's name and the region's. */
  package_name: string | null;
  region_name: string | null;
}

const SUBSCRIPTION_COLUMNS = sql`s.id, s.user_id, s.organisation_id, s.kind, s.scope,
  s.region_code::text AS region_code, s.package_id, s.channel, s.email, s.webhook_url, s.created_at,
  (SELECT m.name || ' ' || m.strength || ', ' || p.description FROM package p JOIN medicine m ON m.id = p.medicine_id
   WHERE p.id = s.package_id) AS package_name,
  (SELECT r.name FROM region r WHERE r.code = s.region_code) AS region_name`;

function toSubscription(r: SubscriptionRow): SubscriptionRow {
  return {
    ...r,
    id: Number(r.id),
    user_id: Number(r.user_id),
    organisation_id: Number(r.organisation_id),
    package_id: r.package_id === null ? null : Number(r.package_id),
  };
}

export interface NewSubscription {
  userId: number;
  organisationId: number;
  kind: SubscriptionKind;
  scope: SubscriptionScope;
  regionCode: string | null;
  packageId: number | null;
  channel: AlertChannel;
  email: string | null;
  webhookUrl: string | null;
  webhookSecret: string | null;
  feedTokenSha256: string | null;
}

export async function insertSubscription(db: Db, s: NewSubscription): Promise<SubscriptionRow> {
  const { rows } = await sql<{ id: number }>`
    INSERT INTO subscription (user_id, organisation_id, kind, scope, region_code, package_id, channel,
      email, webhook_url, webhook_secret, feed_token_sha256)
    VALUES (${s.userId}, ${s.organisationId}, ${s.kind}, ${s.scope}, ${s.regionCode}, ${s.packageId},
      ${s.channel}, ${s.email}, ${s.webhookUrl}, ${s.webhookSecret}, ${s.feedTokenSha256})
    RETURNING id`.execute(db);
  const id = Number(rows[0]?.id);
  const created = await findSubscription(db, s.userId, id);
  if (!created) throw new Error(`subscription ${id} vanished after insert`);
  return created;
}

/** A user's subscription that is not removed; undefined for another user's (not found, not "not yours"). */
export async function findSubscription(
  db: Db,
  userId: number,
  id: number,
): Promise<SubscriptionRow | undefined> {
  const { rows } = await sql<SubscriptionRow>`
    SELECT ${SUBSCRIPTION_COLUMNS} FROM subscription s
    WHERE s.id = ${id} AND s.user_id = ${userId} AND s.removed_at IS NULL`.execute(db);
  return rows[0] ? toSubscription(rows[0]) : undefined;
}

export async function listSubscriptions(db: Db, userId: number): Promise<SubscriptionRow[]> {
  const { rows } = await sql<SubscriptionRow>`
    SELECT ${SUBSCRIPTION_COLUMNS} FROM subscription s
    WHERE s.user_id = ${userId} AND s.removed_at IS NULL ORDER BY s.created_at DESC, s.id DESC`.execute(db);
  return rows.map(toSubscription);
}

/** Removes a user's subscription: it produces nothing more, and what it has not sent is not sent. */
export async function removeSubscription(db: Db, userId: number, id: number): Promise<boolean> {
  const { rows } = await sql<{ id: number }>`
    UPDATE subscription SET removed_at = now()
    WHERE id = ${id} AND user_id = ${userId} AND removed_at IS NULL RETURNING id`.execute(db);
  if (rows.length === 0) return false;
  await sql`UPDATE alert SET next_attempt_at = NULL WHERE subscription_id = ${id} AND next_attempt_at IS NOT NULL`.execute(
    db,
  );
  return true;
}

/** The user's e-mail address (the only address an e-mail subscription sends to). */
export async function userEmail(db: Db, userId: number): Promise<string | undefined> {
  const { rows } = await sql<{ email: string }>`SELECT email FROM app_user WHERE id = ${userId}`.execute(db);
  return rows[0]?.email;
}

// Events ------------------------------------------------------------------------------------------

/** A subscription as evaluation needs it: its organisation decides what it may hear of. */
interface ActiveSubscription {
  id: number;
  user_id: number;
  organisation_id: number;
  organisation_kind: OrganisationKind;
  kind: SubscriptionKind;
  scope: SubscriptionScope;
  region_code: string | null;
  package_id: number | null;
  channel: AlertChannel;
  created_at: Date;
}

/**
 * Subscriptions that are not removed and whose user still holds a valid token for the organisation:
 * a user whose access was revoked hears nothing more.
 */
async function activeSubscriptions(db: Db, kind: SubscriptionKind): Promise<ActiveSubscription[]> {
  const { rows } = await sql<ActiveSubscription>`
    SELECT s.id, s.user_id, s.organisation_id, o.kind AS organisation_kind, s.kind, s.scope,
           s.region_code::text AS region_code, s.package_id, s.channel, s.created_at
    FROM subscription s JOIN organisation o ON o.id = s.organisation_id
    WHERE s.kind = ${kind} AND s.removed_at IS NULL
      AND EXISTS (SELECT 1 FROM api_token t WHERE t.user_id = s.user_id AND t.organisation_id = s.organisation_id
                  AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()))
    ORDER BY s.id`.execute(db);
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    user_id: Number(r.user_id),
    organisation_id: Number(r.organisation_id),
    package_id: r.package_id === null ? null : Number(r.package_id),
  }));
}

export interface NewAlert extends AlertText {
  subscriptionId: number;
  eventKey: string;
  channel: AlertChannel;
}

/**
 * Records alerts; one that exists for its (subscription, event key) is not recorded again. Returns how
 * many were new. E-mail and webhook alerts are due at once; Atom alerts are delivered by being recorded.
 */
export async function recordAlerts(db: Db, alerts: readonly NewAlert[]): Promise<number> {
  let added = 0;
  for (const a of alerts) {
    const atom = a.channel === 'atom';
    const { rows } = await sql<{ id: number }>`
      INSERT INTO alert (subscription_id, event_key, title, reason, link, next_attempt_at, delivered_at)
      VALUES (${a.subscriptionId}, ${a.eventKey}, ${a.title}, ${a.reason}, ${a.link},
              ${atom ? null : sql`now()`}, ${atom ? sql`now()` : null})
      ON CONFLICT (subscription_id, event_key) DO NOTHING
      RETURNING id`.execute(db);
    added += rows.length;
  }
  return added;
}

/**
 * Opens an episode for each prioritised package now critical in an area, and closes those no longer
 * critical. Skipped (false) when there is no picture: an empty item table (before the first refresh,
 * or after a crash emptied the unlogged picture) would end every episode and restart them all.
 */
export async function updateCriticalEpisodes(db: Db): Promise<boolean> {
  const { rows } = await sql<{ items: boolean }>`
    SELECT EXISTS (SELECT 1 FROM picture_state) AND EXISTS (SELECT 1 FROM picture_item) AS items`.execute(db);
  if (rows[0]?.items !== true) return false;
  await sql`
    UPDATE alert_critical_episode e SET ended_at = now()
    WHERE e.ended_at IS NULL AND NOT EXISTS (
      SELECT 1 FROM picture_item i WHERE i.kind = 'package' AND i.package_id = e.package_id
        AND i.area_code = e.area_code AND i.prioritised AND i.risk_rank = 0)`.execute(db);
  await sql`
    INSERT INTO alert_critical_episode (package_id, area_code)
    SELECT i.package_id, i.area_code FROM picture_item i
    WHERE i.kind = 'package' AND i.prioritised AND i.risk_rank = 0
      AND NOT EXISTS (SELECT 1 FROM alert_critical_episode e
                      WHERE e.ended_at IS NULL AND e.package_id = i.package_id AND e.area_code = i.area_code)
    ON CONFLICT (package_id, area_code) WHERE ended_at IS NULL DO NOTHING`.execute(db);
  return true;
}

export interface CriticalEvent {
  subscription: ActiveSubscription;
  episodeId: number;
  packageId: number;
  areaCode: string;
  areaName: string | null;
  product: string;
  coverageDays: number | null;
  possibleCriticalShortage: boolean;
}

/**
 * Per critical subscription, the open episodes that started after it was made, in its area and
 * within what its organisation may see of the picture's items (companies: their own packages;
 * callers without regional figures: the nation only).
 */
export async function criticalEvents(db: Db): Promise<CriticalEvent[]> {
  const out: CriticalEvent[] = [];
  for (const s of await activeSubscriptions(db, 'critical')) {
    const scope = pictureScopeOf({
      organisationKind: s.organisation_kind,
      organisationId: s.organisation_id,
    });
    const area = s.scope === 'national' ? NATIONAL_AREA : s.region_code;
    if (area === null || (area !== NATIONAL_AREA && !scope.regionalAggregates)) continue;
    const { rows } = await sql<{
      episode_id: number;
      package_id: number;
      area_code: string;
      area_name: string | null;
      product: string;
      coverage_days: number | null;
      possible_critical_shortage: boolean;
    }>`
      SELECT e.id AS episode_id, i.package_id, i.area_code, r.name AS area_name,
             i.name || ' ' || i.strength || ', ' || p.description AS product, i.coverage_days::float8 AS coverage_days,
             i.possible_critical_shortage
      FROM alert_critical_episode e
      JOIN picture_item i ON i.kind = 'package' AND i.package_id = e.package_id AND i.area_code = e.area_code
      JOIN package p ON p.id = i.package_id
      LEFT JOIN region r ON r.code = i.area_code
      WHERE e.ended_at IS NULL AND e.area_code = ${area} AND e.started_at > ${s.created_at}
        AND (${scope.companyId}::bigint IS NULL OR i.company_id = ${scope.companyId}::bigint)
      ORDER BY e.id`.execute(db);
    for (const r of rows) {
      out.push({
        subscription: s,
        episodeId: Number(r.episode_id),
        packageId: Number(r.package_id),
        areaCode: r.area_code,
        areaName: r.area_name,
        product: r.product,
        coverageDays: r.coverage_days === null ? null : Number(r.coverage_days),
        possibleCriticalShortage: r.possible_critical_shortage,
      });
    }
  }
  return out;
}

export interface NoticeEvent {
  subscription: ActiveSubscription;
  noticeId: number;
  packageId: number;
  product: string;
  company: string;
  kind: 'shortage' | 'sales_stop';
  correction: boolean;
  expectedStart: string;
  expectedEnd: string | null;
  reason: string | null;
}

/**
 * Per notice subscription, every version of a notice of its package (a new notice or a correction)
 * received after it was made; companies hear only of their own packages' notices (as in the register).
 */
export async function noticeEvents(db: Db): Promise<NoticeEvent[]> {
  const out: NoticeEvent[] = [];
  for (const s of await activeSubscriptions(db, 'notice')) {
    const scope = pictureScopeOf({
      organisationKind: s.organisation_kind,
      organisationId: s.organisation_id,
    });
    const { rows } = await sql<{
      id: number;
      package_id: number;
      product: string;
      company: string;
      kind: 'shortage' | 'sales_stop';
      correction: boolean;
      expected_start: string;
      expected_end: string | null;
      reason: string | null;
    }>`
      SELECT n.id, n.package_id, m.name || ' ' || m.strength || ', ' || p.description AS product, o.name AS company,
             n.kind, n.supersedes_id IS NOT NULL AS correction, n.expected_start::text AS expected_start,
             n.expected_end::text AS expected_end, n.reason
      FROM shortage_notice n
      JOIN package p ON p.id = n.package_id
      JOIN medicine m ON m.id = p.medicine_id
      JOIN organisation o ON o.id = n.company_id
      WHERE n.package_id = ${s.package_id} AND n.created_at > ${s.created_at}
        AND (${scope.companyId}::bigint IS NULL OR p.company_id = ${scope.companyId}::bigint)
      ORDER BY n.id`.execute(db);
    for (const r of rows) {
      out.push({
        subscription: s,
        noticeId: Number(r.id),
        packageId: Number(r.package_id),
        product: r.product,
        company: r.company,
        kind: r.kind,
        correction: r.correction,
        expectedStart: r.expected_start,
        expectedEnd: r.expected_end,
        reason: r.reason,
      });
    }
  }
  return out;
}

export interface OverdueCandidate {
  subscription: ActiveSubscription;
  locationId: number;
  locationName: string;
  locationCode: string;
  countedAt: Date;
}

/**
 * Per overdue subscription, the open locations of its own organisation with their latest stock count
 * (the caller decides which are overdue on the picture's day). Only the organisation's own: an
 * authority subscribing hears of its own locations, not of everyone's.
 */
export async function overdueCandidates(db: Db, today: string): Promise<OverdueCandidate[]> {
  const out: OverdueCandidate[] = [];
  for (const s of await activeSubscriptions(db, 'overdue')) {
    const { rows } = await sql<{ id: number; name: string; code: string; counted_at: Date | null }>`
      SELECT l.id, l.name, l.code,
             greatest((SELECT max(ss.counted_at) FROM stock_snapshot ss WHERE ss.location_id = l.id),
                      (SELECT max(d.counted_at) FROM stock_difference_line d WHERE d.location_id = l.id))
               AS counted_at
      FROM location l
      WHERE l.organisation_id = ${s.organisation_id}
        AND (l.closed_on IS NULL OR l.closed_on > ${today}::date)
        AND (l.opened_on IS NULL OR l.opened_on <= ${today}::date)
      ORDER BY l.code`.execute(db);
    for (const r of rows) {
      if (r.counted_at === null) continue; // never reported: not expected to (the reporting page's "never")
      out.push({
        subscription: s,
        locationId: Number(r.id),
        locationName: r.name,
        locationCode: r.code,
        countedAt: new Date(r.counted_at),
      });
    }
  }
  return out;
}

// The user's alerts -------------------------------------------------------------------------------

export interface AlertRow {
  id: number;
  subscription_id: number;
  kind: SubscriptionKind;
  channel: AlertChannel;
  title: string;
  reason: string;
  link: string;
  created_at: Date;
  attempts: number;
  delivered_at: Date | null;
  failed_at: Date | null;
  next_attempt_at: Date | null;
  last_error: string | null;
}

const ALERT_COLUMNS = sql`a.id, a.subscription_id, s.kind, s.channel, a.title, a.reason, a.link, a.created_at,
  a.attempts, a.delivered_at, a.failed_at, a.next_attempt_at, a.last_error`;

const toAlert = (r: AlertRow): AlertRow => ({
  ...r,
  id: Number(r.id),
  subscription_id: Number(r.subscription_id),
  attempts: Number(r.attempts),
});

/** The user's alerts, newest first, with how their delivery stands. */
export async function listAlerts(
  db: Db,
  userId: number,
  page: { limit: number; offset: number },
): Promise<{ rows: AlertRow[]; total: number }> {
  const [rows, count] = await Promise.all([
    sql<AlertRow>`
      SELECT ${ALERT_COLUMNS} FROM alert a JOIN subscription s ON s.id = a.subscription_id
      WHERE s.user_id = ${userId} ORDER BY a.created_at DESC, a.id DESC
      LIMIT ${page.limit} OFFSET ${page.offset}`.execute(db),
    sql<{ n: string }>`
      SELECT count(*) AS n FROM alert a JOIN subscription s ON s.id = a.subscription_id
      WHERE s.user_id = ${userId}`.execute(db),
  ]);
  return { rows: rows.rows.map(toAlert), total: Number(count.rows[0]?.n ?? 0) };
}

/** The Atom feed's subscription, by the SHA-256 of its token, while its user may still see it. */
export async function findFeed(
  db: Db,
  feedTokenSha256: string,
): Promise<{ subscription: SubscriptionRow; alerts: AlertRow[] } | undefined> {
  const { rows } = await sql<SubscriptionRow>`
    SELECT ${SUBSCRIPTION_COLUMNS} FROM subscription s
    WHERE s.feed_token_sha256 = ${feedTokenSha256} AND s.removed_at IS NULL
      AND EXISTS (SELECT 1 FROM api_token t WHERE t.user_id = s.user_id AND t.organisation_id = s.organisation_id
                  AND t.revoked_at IS NULL AND (t.expires_at IS NULL OR t.expires_at > now()))`.execute(db);
  const row = rows[0];
  if (!row) return undefined;
  const subscription = toSubscription(row);
  const alerts = await sql<AlertRow>`
    SELECT ${ALERT_COLUMNS} FROM alert a JOIN subscription s ON s.id = a.subscription_id
    WHERE a.subscription_id = ${subscription.id} ORDER BY a.created_at DESC, a.id DESC LIMIT 100`.execute(db);
  return { subscription, alerts: alerts.rows.map(toAlert) };
}

// Delivery ----------------------------------------------------------------------------------------

export interface DueAlert {
  id: number;
  subscription_id: number;
  attempts: number;
  title: string;
  reason: string;
  link: string;
  created_at: Date;
  kind: SubscriptionKind;
  channel: AlertChannel;
  email: string | null;
  webhook_url: string | null;
  webhook_secret: string | null;
}

/**
 * Claims up to `limit` alerts due for delivery: each gets one more attempt counted and is held for
 * `leaseMs` (so a second server, or a second pass, does not send it meanwhile). Rows locked by another
 * claimer are skipped.
 */
export async function claimDueAlerts(db: Db, limit: number, leaseMs: number): Promise<DueAlert[]> {
  const { rows } = await sql<DueAlert>`
    WITH due AS (
      SELECT a.id FROM alert a
      WHERE a.next_attempt_at IS NOT NULL AND a.next_attempt_at <= now()
      ORDER BY a.next_attempt_at, a.id LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE alert a SET attempts = a.attempts + 1,
      next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000}::float8)
    FROM due, subscription s
    WHERE a.id = due.id AND s.id = a.subscription_id
    RETURNING a.id, a.subscription_id, a.attempts, a.title, a.reason, a.link, a.created_at, s.kind, s.channel,
              s.email, s.webhook_url, s.webhook_secret`.execute(db);
  return rows.map((r) => ({
    ...r,
    id: Number(r.id),
    subscription_id: Number(r.subscription_id),
    attempts: Number(r.attempts),
  }));
}

export async function markDelivered(db: Db, id: number): Promise<void> {
  await sql`UPDATE alert SET delivered_at = now(), next_attempt_at = NULL WHERE id = ${id}`.execute(db);
}

/** Records a failed attempt: tried again after `retryMs`, or given up (null). */
export async function markFailed(db: Db, id: number, error: string, retryMs: number | null): Promise<void> {
  await sql`
    UPDATE alert SET last_error = ${error.slice(0, 1000)},
      next_attempt_at = ${retryMs === null ? null : sql`now() + make_interval(secs => ${retryMs / 1000}::float8)`},
      failed_at = ${retryMs === null ? sql`now()` : null}
    WHERE id = ${id}`.execute(db);
}

/** Whether a principal's organisation may subscribe to a region: its own, if it sees regions. */
export function mayWatchRegion(p: Principal): boolean {
  return p.regionCode !== null && (seesEverything(p) || pictureScopeOf(p).regionalAggregates);
}
