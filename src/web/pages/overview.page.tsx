import type { ReactNode } from 'react';
import type { PictureItem, PictureNotice, PictureOverview } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { PageHeader } from '../components/page-header.js';
import {
  AsOfLine,
  ClassificationMark,
  ExportButtons,
  ItemFlags,
  ReportButton,
  COVERAGE_COLUMNS,
  RunsOutCells,
  useDays,
  useDemand,
} from '../components/picture.js';
import { CompletenessStats, ReportedTodayCell, SalesThroughCell } from '../components/freshness.js';
import { DataTable, num } from '../components/data-table.js';
import { ErrorState } from '../components/states.js';
import { TableCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { ScopeSwitch } from './scope-switch.component.js';
import { formatStock } from '../components/runs-out.js';

type Counts = PictureOverview['counts']['packages'];
const RISK_STATS: { key: keyof Counts; label: MessageKey; tone: string }[] = [
  { key: 'critical', label: 'risk.critical', tone: 'critical' },
  { key: 'low', label: 'risk.low', tone: 'low' },
  { key: 'adequate', label: 'risk.adequate', tone: 'adequate' },
  { key: 'noDemand', label: 'risk.no_demand', tone: 'none' },
];

/** Lägesbild: the national overview — counts by risk, the most critical packages, notices starting soon. */
export function OverviewPage() {
  const { t, formatNumber } = useI18n();
  const { params } = useQueryState();
  const region = /^[0-9]{2}$/.test(params.get('region') ?? '') ? (params.get('region') ?? '') : '';
  const overview = useApi(`picture:overview:${region}`, (api, signal) =>
    api.pictureOverview(signal, region || undefined),
  );
  const data = overview.data;
  /** The list behind a count: the item list with the count's filters, in the area shown. */
  const listOf = (filters: Record<string, string>) =>
    `/items?${new URLSearchParams({ ...(region ? { region } : {}), ...filters }).toString()}`;

  return (
    <>
      <PageHeader
        title={data && region ? `${t('overview.title')}: ${data.area.name}` : t('overview.title')}
        lead={data ? <AsOfLine asOf={data.asOf} /> : t('overview.lead')}
        actions={
          <>
            <ScopeSwitch region={region} />
            <ReportButton {...(region ? { region } : {})} />
          </>
        }
      />
      <ClassificationMark classification={data?.classification} />

      {overview.status === 'error' && !data ? (
        <ErrorState error={overview.error} onRetry={overview.reload} />
      ) : (
        <>
          <section className="risk-stats" aria-label={t('overview.countsTitle')}>
            {RISK_STATS.map(({ key, label, tone }) => (
              <div
                key={key}
                className={`stat card risk-stat risk-stat-${tone}`}
                data-testid={`risk-count-${key}`}
              >
                <div className="stat-label">{t(label)}</div>
                <div className="stat-value" data-testid="value">
                  {data ? (
                    <Link
                      to={listOf(key === 'noDemand' ? { risk: 'no_demand' } : { risk: key })}
                      className="stat-link"
                      data-testid="count-link"
                    >
                      {formatNumber(data.counts.packages[key])}
                    </Link>
                  ) : (
                    <span className="skeleton skeleton-stat" aria-hidden="true" />
                  )}
                </div>
                <div className="stat-note">
                  {data
                    ? t('overview.countNote', {
                        total: formatNumber(data.counts.packages.total),
                        groups: data.counts.groups ? formatNumber(data.counts.groups[key]) : '–',
                      })
                    : '\u00a0'}
                </div>
              </div>
            ))}
          </section>
          {data && (
            <p className="flag-summary" data-testid="flag-summary">
              <Link to={listOf({ risk: 'critical', prioritised: 'true' })} className="badge-link">
                <Badge tone="info">
                  {t('overview.prioritisedCritical', {
                    n: formatNumber(data.counts.packages.prioritisedCritical),
                  })}
                </Badge>
              </Link>
              <Link to={listOf({ possibleCriticalShortage: 'true' })} className="badge-link">
                <Badge tone="danger">
                  {t('overview.possibleCriticalShortage', {
                    n: formatNumber(data.counts.packages.possibleCriticalShortage),
                  })}
                </Badge>
              </Link>
              <Link to={listOf({ notice: 'true' })} className="badge-link">
                <Badge tone="warning">
                  {t('overview.activeNotice', { n: formatNumber(data.counts.packages.activeNotice) })}
                </Badge>
              </Link>
            </p>
          )}

          {data && (
            <CompletenessStats
              completeness={data.freshness.completeness}
              thresholds={data.freshness.thresholds}
              staleSalesRegions={data.freshness.staleSalesRegions}
              regionName={(code) => data.byRegion?.find((r) => r.region.code === code)?.region.name ?? code}
            />
          )}

          <section className="card table-card" aria-labelledby="overview-critical">
            <div className="card-header">
              <h2 id="overview-critical" className="section-title">
                {t('overview.criticalTitle')}
                {data && <span className="muted"> ({formatNumber(data.criticalTotal)})</span>}
              </h2>
              {data && data.criticalTotal > 0 && (
                <Link
                  to={listOf({ risk: 'critical' })}
                  className="button button-link"
                  data-testid="critical-all"
                >
                  {t('items.showAll', { n: formatNumber(data.criticalTotal) })}
                </Link>
              )}
              <ExportButtons
                path="/api/picture/export/items"
                query={{
                  risk: 'critical',
                  sort: 'risk',
                  ...(region ? { level: 'region', region } : {}),
                }}
                name="kritiska"
              />
            </div>
            <ItemTable items={data?.critical} emptyText={t('overview.noCritical')} />
          </section>

          <div className="grid-2">
            <NoticeSection
              id="overview-upcoming"
              title={t('overview.upcomingTitle')}
              notices={data?.notices.upcoming}
              empty={t('overview.noUpcoming')}
              testId="upcoming-notices"
              split
              actions={
                <Link to="/notices?status=upcoming" className="button button-link">
                  {t('overview.toRegister')}
                </Link>
              }
            />
            <NoticeSection
              id="overview-active"
              title={t('overview.activeTitle')}
              notices={data?.notices.active}
              empty={t('overview.noActive')}
              testId="active-notices"
              actions={
                <Link to="/notices?status=active" className="button button-link">
                  {t('overview.toRegister')}
                </Link>
              }
            />
          </div>

          {data?.byRegion && (
            <TableCard
              id="overview-regions"
              title={t('overview.regionsTitle')}
              actions={<Link to="/map">{t('overview.toMap')}</Link>}
            >
              <DataTable
                className="compact-table"
                columns={[
                  'col.region',
                  ...RISK_STATS.map(({ label }) => num(label)),
                  num('overview.prioritisedCriticalShort'),
                  'freshness.salesThrough',
                  'freshness.reportedTodayShort',
                ]}
                rows={data.byRegion.map((row) => (
                  <tr key={row.region.code} data-testid="overview-region-row">
                    <th scope="row">
                      <Link to={`/regions/${row.region.code}`} className="row-link">
                        {row.region.name}
                      </Link>
                    </th>
                    {RISK_STATS.map(({ key }) => (
                      <td key={key} className={`num${row.packages[key] ? '' : ' zero'}`}>
                        <Link
                          to={`/items?region=${row.region.code}&risk=${key === 'noDemand' ? 'no_demand' : key}`}
                        >
                          {formatNumber(row.packages[key])}
                        </Link>
                      </td>
                    ))}
                    <td className={`num${row.packages.prioritisedCritical ? ' strong' : ' zero'}`}>
                      <Link to={`/items?region=${row.region.code}&risk=critical&prioritised=true`}>
                        {formatNumber(row.packages.prioritisedCritical)}
                      </Link>
                    </td>
                    <td>
                      <SalesThroughCell freshness={row.freshness} />
                    </td>
                    <td>
                      <ReportedTodayCell freshness={row.freshness} />
                    </td>
                  </tr>
                ))}
              />
            </TableCard>
          )}
        </>
      )}
    </>
  );
}

/** Items (packages or groups) with stock, demand, coverage, run-out date, risk and flags. */
export function ItemTable({
  items,
  emptyText,
  showArea = false,
}: {
  items: PictureItem[] | undefined;
  emptyText: string;
  showArea?: boolean;
}) {
  const { formatNumber } = useI18n();
  const days = useDays();
  const demand = useDemand();
  if (items && items.length === 0) return <p className="card-padded muted">{emptyText}</p>;
  return (
    <DataTable
      columns={['col.name', showArea && 'col.area', 'col.atc', ...COVERAGE_COLUMNS]}
      testId="item-table"
      rows={items?.map((item) => (
        <tr key={`${item.kind}:${item.ref}:${item.area.code}:${item.tier ?? ''}`} data-testid="item-row">
          <th scope="row">
            {item.packageId !== null ? (
              <Link to={`/products/${item.packageId}`} className="row-link">
                {item.name}
              </Link>
            ) : (
              item.name
            )}
            <div className="cell-sub">
              {[item.pack, item.substance, item.strength].filter(Boolean).join(' · ')}
            </div>
            <ItemFlags item={item} />
          </th>
          {showArea && <td>{item.area.name}</td>}
          <td className="mono">{item.atcCode}</td>
          <td className="num">{formatStock(formatNumber, item.stock.usable)}</td>
          <td className="num">{demand(item.demand.perDay)}</td>
          <td className="num strong">{days(item.coverageDays)}</td>
          <RunsOutCells on={item.runsOutOn} status={item.stockStatus} risk={item.riskClass} />
        </tr>
      ))}
    />
  );
}

/**
 * Shortage notices and sales stops, with their dates and the company; with `split`, restanmälningar
 * and försäljningsuppehåll in lists of their own.
 */
export function NoticeSection({
  id,
  title,
  notices,
  empty,
  testId,
  actions,
  split = false,
}: {
  id: string;
  title: string;
  notices: PictureNotice[] | undefined;
  empty: string;
  testId: string;
  actions?: ReactNode;
  split?: boolean;
}) {
  const { t, formatNumber } = useI18n();
  const groups: { kind: PictureNotice['kind'] | null; list: PictureNotice[] | undefined }[] = split
    ? (['shortage', 'sales_stop'] as const).map((kind) => ({
        kind,
        list: notices?.filter((n) => n.kind === kind),
      }))
    : [{ kind: null, list: notices }];
  return (
    <section className="card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id} className="section-title">
          {title}
        </h2>
        {actions}
      </div>
      {notices && notices.length === 0 ? (
        <p className="card-padded muted">{empty}</p>
      ) : (
        groups.map(({ kind, list }) => (
          <div key={kind ?? 'all'} data-testid={kind ? `${testId}-${kind}` : undefined}>
            {kind && (
              <h3 className="subsection-title card-padded">
                {kind === 'shortage'
                  ? t('overview.noticeGroup.shortage')
                  : t('overview.noticeGroup.sales_stop')}{' '}
                <span className="muted">({list ? formatNumber(list.length) : '…'})</span>
              </h3>
            )}
            {list && list.length === 0 ? (
              <p className="card-padded muted">{t('overview.noneOfKind')}</p>
            ) : (
              <NoticeList notices={list} testId={testId} />
            )}
          </div>
        ))
      )}
    </section>
  );
}

function NoticeList({ notices, testId }: { notices: PictureNotice[] | undefined; testId: string }) {
  const { t, formatDate } = useI18n();
  return (
    <ul className="notice-list" data-testid={testId}>
      {(notices ?? []).map((n) => (
        <li key={n.id} className="notice-item" data-testid="notice">
          <div className="notice-item-head">
            <Link to={`/products/${n.packageId}`} className="row-link">
              {n.name}
            </Link>{' '}
            <span className="muted">{n.pack}</span>
          </div>
          <div className="badges">
            <Badge tone={n.kind === 'sales_stop' ? 'danger' : 'warning'}>{t(`notice.${n.kind}`)}</Badge>
            {n.prioritised && <Badge tone="info">{t('picture.flag.prioritised')}</Badge>}
            {n.late && <Badge tone="danger">{t('notice.late')}</Badge>}
          </div>
          <div className="cell-sub">
            {t('notice.period', {
              from: formatDate(n.expectedStart),
              to: n.expectedEnd ? formatDate(n.expectedEnd) : t('notice.openEnded'),
            })}{' '}
            · {n.company.name}
          </div>
          {n.reason && <div className="cell-sub">{n.reason}</div>}
        </li>
      ))}
      {!notices && <li className="card-padded muted">{t('state.loading')}</li>}
    </ul>
  );
}
