import { calendarDateInSweden } from '../domain/calendar.js';
import { criticalAlertText, noticeAlertText, overdueAlertText } from '../domain/alert.js';
import { DEFAULT_FRESHNESS_THRESHOLDS, isStockStale, stockAgeDays } from '../domain/freshness.js';
import { DEFAULT_RISK_THRESHOLDS } from '../domain/risk.js';
import {
  criticalEvents,
  noticeEvents,
  overdueCandidates,
  recordAlerts,
  updateCriticalEpisodes,
  type NewAlert,
} from './alert.repository.js';
import type { Db } from './database.js';
import { findPictureState } from './picture/repository.js';

/** What one evaluation recorded, per kind (new alerts only). */
export interface EvaluationResult {
  critical: number;
  notice: number;
  overdue: number;
}

/**
 * Looks for what changed and records an alert per subscription and event not recorded before
 * (docs/alerts.md): prioritised packages that became critical since the last evaluation, notices
 * (and corrections) of followed products, and the organisation's locations whose stock count is
 * overdue on the picture's day. Safe to run at any time and as often as wanted: the unique
 * (subscription, event key) keeps every alert single.
 */
export async function evaluateAlerts(db: Db, now: Date = new Date()): Promise<EvaluationResult> {
  const state = await findPictureState(db);
  const criticalBelowDays = state?.thresholds.criticalBelowDays ?? DEFAULT_RISK_THRESHOLDS.criticalBelowDays;
  const today = state?.today ?? calendarDateInSweden(now);

  let critical = 0;
  if (await updateCriticalEpisodes(db)) {
    const alerts: NewAlert[] = (await criticalEvents(db)).map((e) => ({
      subscriptionId: e.subscription.id,
      channel: e.subscription.channel,
      eventKey: `critical:${e.packageId}:${e.areaCode}:${e.episodeId}`,
      ...criticalAlertText({
        packageId: e.packageId,
        product: e.product,
        areaName: e.areaName,
        coverageDays: e.coverageDays,
        criticalBelowDays,
        possibleCriticalShortage: e.possibleCriticalShortage,
      }),
    }));
    critical = await recordAlerts(db, alerts);
  }

  const notice = await recordAlerts(
    db,
    (await noticeEvents(db)).map((e) => ({
      subscriptionId: e.subscription.id,
      channel: e.subscription.channel,
      eventKey: `notice:${e.noticeId}`,
      ...noticeAlertText(e),
    })),
  );

  const overdueAlerts: NewAlert[] = [];
  for (const c of await overdueCandidates(db, today)) {
    const countedOn = calendarDateInSweden(c.countedAt);
    if (!isStockStale(today, countedOn, DEFAULT_FRESHNESS_THRESHOLDS)) continue;
    overdueAlerts.push({
      subscriptionId: c.subscription.id,
      channel: c.subscription.channel,
      eventKey: `overdue:${c.locationId}:${countedOn}`,
      ...overdueAlertText({
        locationName: c.locationName,
        locationCode: c.locationCode,
        countedOn,
        ageDays: stockAgeDays(today, countedOn) ?? 0,
        staleStockAfterDays: DEFAULT_FRESHNESS_THRESHOLDS.staleStockAfterDays,
      }),
    });
  }
  const overdue = await recordAlerts(db, overdueAlerts);
  return { critical, notice, overdue };
}
