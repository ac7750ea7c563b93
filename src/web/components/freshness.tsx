import type { PictureOverview, PictureRegion } from '../api-client.js';
import { useI18n } from '../i18n.js';
import { Badge } from './badge.js';

/*
 * How fresh and complete the picture is (issue 8 item 3; docs/lagesbild.md, "Freshness"): today's
 * completeness on the overview, each region's last day of sales, each location's last reports, and
 * the stale ones flagged. The thresholds come with the answer.
 */

type Completeness = PictureOverview['freshness']['completeness'];
type Thresholds = PictureOverview['freshness']['thresholds'];
type RegionFreshness = NonNullable<PictureRegion['freshness']>;
type LocationFreshness = NonNullable<PictureRegion['locations'][number]['freshness']>;

const DATE_TIME = new Map<string, Intl.DateTimeFormat>();

/** The zone every time is shown in: Swedish time, winter (CET) and summer (CEST). */
export const SHOWN_TIME_ZONE = 'Europe/Stockholm';

/**
 * An instant in Swedish time that says its zone (issue 10 item 8), e.g. '1 mars 2026 07:00 CET',
 * '1 Jul 2026, 08:00 CEST'.
 */
export function formatDateTimeIn(locale: string, iso: string): string {
  let format = DATE_TIME.get(locale);
  if (format === undefined) {
    format = new Intl.DateTimeFormat(locale, {
      day: 'numeric',
      month: 'short',
      year: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      timeZone: SHOWN_TIME_ZONE,
      timeZoneName: 'short',
    });
    DATE_TIME.set(locale, format);
  }
  return format.format(new Date(iso));
}

/** An instant in Swedish time with its zone, in the language's format (see {@link formatDateTimeIn}). */
export function useDateTime(): (iso: string) => string {
  const { locale } = useI18n();
  return (iso) => formatDateTimeIn(locale, iso);
}

/** A share 0..1 as a percentage with at most one decimal ('33,3 %'); '–' when there is none. */
export function usePercent(): (share: number | null) => string {
  const { formatNumber } = useI18n();
  return (share) =>
    share === null ? '–' : `${formatNumber(share * 100, { maximumFractionDigits: share < 0.1 ? 1 : 0 })} %`;
}

/** The overview's row of cards: how much of today's picture has been reported, and what is stale. */
export function CompletenessStats({
  completeness,
  thresholds,
  staleSalesRegions,
  regionName,
}: {
  completeness: Completeness;
  thresholds: Thresholds;
  staleSalesRegions: string[] | null;
  regionName: (code: string) => string;
}) {
  const { t, formatNumber } = useI18n();
  const percent = usePercent();
  const c = completeness;
  return (
    <section className="stats freshness-stats" aria-label={t('freshness.title')} data-testid="completeness">
      <div className="stat card" data-testid="completeness-locations">
        <div className="stat-label">{t('freshness.reportedToday')}</div>
        <div className="stat-value" data-testid="value">
          {percent(c.locationShare)}
        </div>
        <div className="stat-note">
          {t('freshness.reportedTodayNote', {
            n: formatNumber(c.reportedToday),
            total: formatNumber(c.locations),
          })}
          {c.neverReported > 0 && ` · ${t('freshness.neverNote', { n: formatNumber(c.neverReported) })}`}
        </div>
      </div>
      <div className="stat card" data-testid="completeness-stock">
        <div className="stat-label">{t('freshness.stockShare')}</div>
        <div className="stat-value" data-testid="value">
          {percent(c.stockShare)}
        </div>
        <div className="stat-note">
          {c.expectedStock === null || c.reportedStock === null
            ? t('freshness.stockShareNoteShareOnly')
            : t('freshness.stockShareNote', {
                n: formatNumber(c.reportedStock),
                total: formatNumber(c.expectedStock),
              })}
        </div>
      </div>
      <div
        className={`stat card${c.staleStock > 0 || (staleSalesRegions?.length ?? 0) > 0 ? ' stat-warning' : ''}`}
        data-testid="completeness-stale"
      >
        <div className="stat-label">{t('freshness.staleTitle')}</div>
        <div className="stat-value" data-testid="value">
          {formatNumber(c.staleStock)}
        </div>
        <div className="stat-note">
          {t('freshness.staleStockNote', { days: formatNumber(thresholds.staleStockAfterDays) })}
          {staleSalesRegions !== null && (
            <div data-testid="stale-sales-regions">
              {staleSalesRegions.length === 0
                ? t('freshness.staleSalesNone')
                : t('freshness.staleSales', {
                    regions: staleSalesRegions.map(regionName).join(', '),
                    days: formatNumber(thresholds.staleSalesAfterDays),
                  })}
            </div>
          )}
        </div>
      </div>
    </section>
  );
}

/** A region's last day of sales, flagged when it lags more than the threshold. */
export function SalesThroughCell({ freshness }: { freshness: RegionFreshness | null | undefined }) {
  const { t, formatDate, formatNumber } = useI18n();
  if (!freshness || freshness.salesThrough === null)
    return <Badge tone="danger">{t('freshness.never')}</Badge>;
  return (
    <span className="nowrap" data-testid="sales-through" data-stale={freshness.salesStale ? 'yes' : 'no'}>
      {formatDate(freshness.salesThrough)}{' '}
      {freshness.salesStale && (
        <Badge
          tone="danger"
          title={t('freshness.lateDays', { n: formatNumber(freshness.salesLagDays ?? 0) })}
        >
          {freshness.salesLagDays === 1
            ? t('freshness.lateOne')
            : t('freshness.late', { n: formatNumber(freshness.salesLagDays ?? 0) })}
        </Badge>
      )}
    </span>
  );
}

/** "2 av 5 (40 %)": a region's locations counted today. */
export function ReportedTodayCell({ freshness }: { freshness: RegionFreshness | null | undefined }) {
  const { t, formatNumber } = useI18n();
  const percent = usePercent();
  if (!freshness) return <>–</>;
  const c = freshness.completeness;
  return (
    <span className="nowrap" data-testid="reported-today">
      {t('freshness.ofLocations', { n: formatNumber(c.reportedToday), total: formatNumber(c.locations) })}{' '}
      <span className="muted">({percent(c.locationShare)})</span>
      {c.staleStock > 0 && (
        <>
          {' '}
          <Badge tone="warning">
            {c.staleStock === 1
              ? t('freshness.staleCountOne')
              : t('freshness.staleCount', { n: formatNumber(c.staleStock) })}
          </Badge>
        </>
      )}
    </span>
  );
}

/** When a location last counted its stock and (if it reports them) its own sales. */
export function LocationFreshnessCell({ freshness }: { freshness: LocationFreshness | null }) {
  const { t, formatDate } = useI18n();
  const dateTime = useDateTime();
  if (!freshness) return <>–</>;
  return (
    <div data-testid="location-freshness" data-stale={freshness.stockStale ? 'yes' : 'no'}>
      {freshness.stockCountedAt === null ? (
        <Badge tone="danger">{t('freshness.never')}</Badge>
      ) : (
        <span className="nowrap">
          {dateTime(freshness.stockCountedAt)}
          {freshness.stockStale && (
            <>
              {' '}
              <Badge tone="warning">{t('freshness.stale')}</Badge>
            </>
          )}
        </span>
      )}
      {freshness.salesThrough !== null && (
        <div className="cell-sub nowrap">
          {t('freshness.ownSalesThrough', { date: formatDate(freshness.salesThrough) })}
          {freshness.salesStale && (
            <>
              {' '}
              <Badge tone="danger">{t('freshness.lateShort')}</Badge>
            </>
          )}
        </div>
      )}
    </div>
  );
}

/** The region page's card: its sales window, its newest count, and today's completeness. */
export function RegionFreshnessCard({
  freshness,
  thresholds,
}: {
  freshness: RegionFreshness;
  thresholds: Thresholds;
}) {
  const { t, formatNumber } = useI18n();
  const percent = usePercent();
  const dateTime = useDateTime();
  const c = freshness.completeness;
  return (
    <section className="card card-padded" aria-labelledby="region-freshness" data-testid="region-freshness">
      <h2 id="region-freshness" className="section-title">
        {t('freshness.regionTitle')}
      </h2>
      <dl className="kind-list">
        <div className="kind-list-row">
          <dt>{t('freshness.salesThrough')}</dt>
          <dd>
            <SalesThroughCell freshness={freshness} />
          </dd>
        </div>
        <div className="kind-list-row">
          <dt>{t('freshness.lastStock')}</dt>
          <dd>{freshness.stockCountedUntil === null ? '–' : dateTime(freshness.stockCountedUntil)}</dd>
        </div>
        <div className="kind-list-row">
          <dt>{t('freshness.reportedToday')}</dt>
          <dd>
            <ReportedTodayCell freshness={freshness} />
          </dd>
        </div>
        <div className="kind-list-row">
          <dt>{t('freshness.stockShare')}</dt>
          <dd data-testid="region-stock-share">{percent(c.stockShare)}</dd>
        </div>
      </dl>
      <p className="table-note">
        {t('freshness.note', {
          sales: formatNumber(thresholds.staleSalesAfterDays),
          stock: formatNumber(thresholds.staleStockAfterDays),
        })}
      </p>
    </section>
  );
}
