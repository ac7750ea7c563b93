import { useMemo, type ReactNode } from 'react';
import type { PictureProduct } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { Chart, type ChartOption } from '../components/chart.js';
import { ProductTrends } from '../components/product-trends.js';
import { PageHeader } from '../components/page-header.js';
import { FollowButton } from '../components/follow-button.js';
import {
  AsOfLine,
  ClassificationMark,
  ExportButtons,
  RiskBadge,
  useDays,
  useDemand,
} from '../components/picture.js';
import { DataTable, num } from '../components/data-table.js';
import { ErrorState, SkeletonBlock } from '../components/states.js';
import { TableCard } from '../components/table-card.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';
import { SwedenMap } from './map.component.js';
import { RegisterSection } from './product-register.component.js';
import { RegionTable } from './map.page.js';
import { WhereIsIt } from './where-is-it.component.js';
import { ItemTable, NoticeSection } from './overview.page.js';
import { formatStock, RunsOut } from '../components/runs-out.js';
import { outOfStockWithDeliveries } from '../../domain/stock-status.js';

/** Product page: stock by tier and region, 12 months of sales and stock, notices, alternatives in stock. */
export function ProductPage({ id }: { id: string }) {
  const { t, formatNumber, formatDate } = useI18n();
  const days = useDays();
  const demand = useDemand();
  const packageId = Number(id);
  const product = useApi(`picture:product:${id}`, (api, signal) => api.pictureProduct(packageId, signal));
  const data = product.data;
  const back = (
    <Link to="/overview" className="back-link">
      <span aria-hidden="true">← </span>
      {t('product.back')}
    </Link>
  );
  const exportPath = `/api/picture/export/products/${packageId}`;

  if (product.status === 'error' && !data) {
    return (
      <>
        <PageHeader title={t('product.title')} eyebrow={back} />
        <ErrorState error={product.error} onRetry={product.reload} />
        {/* The register is catalogue data: shown even when the picture cannot be. */}
        {Number.isInteger(packageId) && packageId > 0 && <RegisterSection packageId={packageId} />}
      </>
    );
  }

  const item = data?.item;
  return (
    <>
      <PageHeader
        eyebrow={back}
        title={data ? `${data.product.name} ${data.product.pack}` : t('product.title')}
        lead={
          data ? (
            <>
              {[data.product.substance, data.product.strength, data.product.form, data.product.atcCode].join(
                ' · ',
              )}
              {' · '}
              {data.product.company.name}
              <br />
              <AsOfLine asOf={data.asOf} />
            </>
          ) : undefined
        }
        actions={
          data && (
            <span className="badges">
              {item?.designatedCriticalShortage && (
                <Badge
                  tone="danger"
                  title={t('sc.flag.designatedHint', {
                    by: item.designatedCriticalShortage.decidedBy.name,
                    date: formatDate(item.designatedCriticalShortage.decidedOn),
                  })}
                >
                  {t('sc.flag.designated')}
                </Badge>
              )}
              {item?.flags.possibleCriticalShortage && (
                <Badge tone="danger" title={t('picture.flag.possibleCriticalShortageHint')}>
                  {t('picture.flag.possibleCriticalShortage')}
                </Badge>
              )}
              {data.product.prioritised && <Badge tone="info">{t('picture.flag.prioritised')}</Badge>}
              {data.product.parallelTraded && <Badge>{t('badge.parallel')}</Badge>}
              {data.product.licence && <Badge>{t('badge.licence')}</Badge>}
              <FollowButton packageId={packageId} />
            </span>
          )
        }
      />
      <ClassificationMark classification={data?.classification} />

      <section
        className="product-figures"
        aria-label={t('product.figuresTitle')}
        data-testid="product-figures"
      >
        <Figure
          label={t('col.usableStock')}
          value={item ? formatStock(formatNumber, item.stock.usable) : undefined}
          note={item ? t('product.ofTotal', { n: formatStock(formatNumber, item.stock.total) }) : undefined}
        />
        <Figure
          label={t('col.demandPerDay')}
          value={item ? demand(item.demand.perDay) : undefined}
          note={item ? t(`basis.${item.demand.basis}`) : undefined}
        />
        <Figure
          label={t('col.coverage')}
          value={item ? days(item.coverageDays) : undefined}
          note={item ? <RiskBadge risk={item.riskClass} /> : undefined}
        />
        <Figure
          label={t('col.runsOut')}
          value={
            data ? item ? <RunsOut on={data.outlook.runsOutOn} status={item.stockStatus} /> : '–' : undefined
          }
          note={
            data
              ? t('product.withDeliveries', {
                  date:
                    item &&
                    outOfStockWithDeliveries(
                      item.stockStatus,
                      data.outlook.runsOutOn,
                      data.outlook.runsOutWithDeliveriesOn,
                    )
                      ? t('stock.outOfStock').toLowerCase()
                      : data.outlook.runsOutWithDeliveriesOn
                        ? formatDate(data.outlook.runsOutWithDeliveriesOn)
                        : t('product.lastsYear'),
                })
              : undefined
          }
        />
      </section>

      {data && <WhereIsIt packageId={packageId} groupKey={data.product.groupKey} />}

      <section className="card table-card" aria-labelledby="product-tiers">
        <div className="card-header">
          <h2 id="product-tiers" className="section-title">
            {t('product.tiersTitle')}
          </h2>
          <ExportButtons path={exportPath} query={{ table: 'tiers' }} name={`produkt-${id}-nivaer`} />
        </div>
        <TierTable rows={data?.stockByTier} reserve={data?.reserve} />
      </section>

      <div className="grid-2">
        <section className="card card-padded" aria-labelledby="product-sales">
          <div className="section-head">
            <h2 id="product-sales" className="section-title">
              {t('product.salesTitle')}
            </h2>
            <ExportButtons path={exportPath} query={{ table: 'sales' }} name={`produkt-${id}-forsaljning`} />
          </div>
          {data ? <SalesChart data={data} /> : <SkeletonBlock lines={6} />}
        </section>
        <section className="card card-padded" aria-labelledby="product-stock">
          <div className="section-head">
            <h2 id="product-stock" className="section-title">
              {t('product.stockTitle')}
            </h2>
            <ExportButtons
              path={exportPath}
              query={{ table: 'stock-history' }}
              name={`produkt-${id}-lager`}
            />
          </div>
          {data ? <StockChart data={data} /> : <SkeletonBlock lines={6} />}
        </section>
      </div>

      {Number.isInteger(packageId) && packageId > 0 && <ProductTrends packageId={packageId} />}

      {data?.stockByRegion && (
        <section className="card card-padded section-gap" aria-labelledby="product-regions">
          <div className="section-head">
            <h2 id="product-regions" className="section-title">
              {t('product.regionsTitle')}
            </h2>
            <ExportButtons path={exportPath} query={{ table: 'regions' }} name={`produkt-${id}-regioner`} />
          </div>
          <SwedenMap
            regions={data.stockByRegion}
            itemName={data.product.name}
            thresholds={data.asOf.thresholds}
            compact
          />
        </section>
      )}
      {data?.stockByRegion && (
        <section className="card table-card" aria-labelledby="product-region-table">
          <div className="card-header">
            <h2 id="product-region-table" className="section-title">
              {t('product.regionTableTitle')}
            </h2>
          </div>
          <RegionTable regions={data.stockByRegion} />
        </section>
      )}

      <div className="grid-2">
        <NoticeSection
          id="product-notices"
          title={t('product.noticesTitle')}
          notices={data?.notices}
          empty={t('product.noNotices')}
          testId="product-notices"
          actions={
            <ExportButtons
              path={exportPath}
              query={{ table: 'notices' }}
              name={`produkt-${id}-anmalningar`}
            />
          }
        />
        <TableCard id="product-deliveries" title={t('product.deliveriesTitle')}>
          {data && data.deliveries.length === 0 ? (
            <p className="card-padded muted">{t('product.noDeliveries')}</p>
          ) : (
            <table className="data-table compact-table">
              <thead>
                <tr>
                  <th scope="col">{t('col.expectedOn')}</th>
                  <th scope="col" className="num">
                    {t('col.quantity')}
                  </th>
                  <th scope="col">{t('col.region')}</th>
                </tr>
              </thead>
              <tbody>
                {(data?.deliveries ?? []).map((d, i) => (
                  <tr key={i}>
                    <td>{formatDate(d.expectedOn)}</td>
                    <td className="num">{formatNumber(d.quantity)}</td>
                    <td>{d.regionCode ?? t('picture.national')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </TableCard>
      </div>

      <TableCard
        id="product-alternatives"
        title={t('product.alternativesTitle')}
        actions={
          <ExportButtons
            path={exportPath}
            query={{ table: 'alternatives' }}
            name={`produkt-${id}-alternativ`}
          />
        }
      >
        <h3 className="section-subtitle">{t('product.interchangeableTitle')}</h3>
        <ItemTable
          items={data?.alternatives.filter((a) => a.interchangeable).map((a) => a.item)}
          emptyText={t('product.noAlternatives')}
        />
        <h3 className="section-subtitle">{t('product.therapeuticTitle')}</h3>
        <p className="muted">{t('product.therapeuticNote')}</p>
        <ItemTable
          items={data?.alternatives.filter((a) => !a.interchangeable).map((a) => a.item)}
          emptyText={t('product.noAlternatives')}
        />
      </TableCard>

      <RegisterSection packageId={packageId} />
    </>
  );
}

function Figure({ label, value, note }: { label: string; value: ReactNode; note?: ReactNode }) {
  return (
    <div className="stat card">
      <div className="stat-label">{label}</div>
      <div className="stat-value">
        {value ?? <span className="skeleton skeleton-stat" aria-hidden="true" />}
      </div>
      {note !== undefined && <div className="stat-note">{note}</div>}
    </div>
  );
}

/**
 * Stock by tier: everyday stock, which adds up to the item's stock; under it, apart, the reserve
 * (preparedness stocks, stock level 3–4) as the days it would add, for those who may see it.
 */
function TierTable({
  rows,
  reserve,
}: {
  rows: PictureProduct['stockByTier'] | undefined;
  reserve: PictureProduct['reserve'] | undefined;
}) {
  const { t, formatNumber, tierLabel } = useI18n();
  const days = useDays();
  return (
    <DataTable
      columns={[
        'col.tier',
        num('col.locations'),
        num('col.totalStock'),
        num('col.usableStock'),
        num('col.coverage'),
        'col.risk',
      ]}
      testId="tier-table"
      rows={rows?.map((r) => (
        <tr
          key={`${r.tier}:${r.line}`}
          data-testid="tier-row"
          data-line={r.line}
          data-counted={r.counted ? 'yes' : 'no'}
          className={r.counted ? undefined : 'muted'}
        >
          <th scope="row">
            {r.line === 'held' && r.tier === 'wholesale' && !r.counted
              ? t('product.wholesaleHeld')
              : r.line === 'serving_share'
                ? t('product.wholesaleShare')
                : tierLabel(r.tier)}
            {r.line === 'serving_share' && <div className="cell-sub">{t('product.tierShare')}</div>}
            {!r.counted && <div className="cell-sub">{t('product.tierNotCounted')}</div>}
          </th>
          <td className={`num${r.locations ? '' : ' zero'}`}>{formatNumber(r.locations)}</td>
          <td className={`num${r.stock.total ? '' : ' zero'}`}>{formatStock(formatNumber, r.stock.total)}</td>
          <td className={`num${r.stock.usable ? '' : ' zero'}`}>
            {formatStock(formatNumber, r.stock.usable)}
          </td>
          <td className="num strong">{days(r.coverageDays)}</td>
          <td>
            <RiskBadge risk={r.riskClass} />
          </td>
        </tr>
      ))}
      foot={
        reserve && (
          <tfoot>
            <tr data-testid="reserve-row" className="reserve-row">
              <th scope="row">
                {t('product.reserve')}
                <div className="reserve-note">{t('product.reserveNote')}</div>
              </th>
              <td className={`num${reserve.locations ? '' : ' zero'}`}>{formatNumber(reserve.locations)}</td>
              <td className={`num${reserve.stock.total ? '' : ' zero'}`}>
                {formatNumber(reserve.stock.total)}
              </td>
              <td className={`num${reserve.stock.usable ? '' : ' zero'}`}>
                {formatNumber(reserve.stock.usable)}
              </td>
              <td className="num strong">
                {reserve.daysAdded === null
                  ? '–'
                  : t('product.reserveDays', { days: days(reserve.daysAdded) })}
              </td>
              <td>{t('product.reserveApart')}</td>
            </tr>
          </tfoot>
        )
      }
    />
  );
}

const DAY_MS = 86_400_000;
const AXIS = { axisLabel: { color: '#566272' }, axisLine: { lineStyle: { color: '#b7c2cf' } } };
const SPLIT = { splitLine: { lineStyle: { color: '#e7ebf0' } } };

function SalesChart({ data }: { data: PictureProduct }) {
  const { t, formatNumber, formatDate } = useI18n();
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 48, right: 12, top: 16, bottom: 28 },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatNumber(Number(v)) },
      xAxis: { type: 'category', data: data.salesByMonth.map((m) => m.month), ...AXIS },
      yAxis: { type: 'value', ...AXIS, ...SPLIT },
      series: [
        {
          name: t('product.salesSeries'),
          type: 'bar',
          data: data.salesByMonth.map((m) => m.quantity),
          itemStyle: { color: '#2f5c99' },
        },
      ],
    }),
    [data, t, formatNumber],
  );
  return (
    <>
      <Chart option={option} label={t('product.salesTitle')} testId="sales-chart" />
      {data.asOf.salesThrough && (
        <p className="table-note">{t('product.salesNote', { date: formatDate(data.asOf.salesThrough) })}</p>
      )}
    </>
  );
}

function StockChart({ data }: { data: PictureProduct }) {
  const { t, formatNumber } = useI18n();
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 48, right: 12, top: 32, bottom: 28 },
      legend: { top: 0, right: 0, textStyle: { color: '#566272' } },
      tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => formatNumber(Number(v)) },
      // The whole year on the axis, so that a short history shows as short.
      xAxis: {
        type: 'time',
        min: Date.parse(`${data.asOf.today}T00:00:00Z`) - 365 * DAY_MS,
        max: Date.parse(`${data.asOf.today}T00:00:00Z`),
        ...AXIS,
        axisLabel: { ...AXIS.axisLabel, formatter: (v: number) => new Date(v).toISOString().slice(0, 7) },
      },
      yAxis: { type: 'value', ...AXIS, ...SPLIT },
      series: [
        {
          name: t('col.totalStock'),
          type: 'line',
          showSymbol: data.stockHistory.length < 40,
          data: data.stockHistory.map((p) => [p.date, p.total]),
          itemStyle: { color: '#8a94a3' },
        },
        {
          name: t('col.usableStock'),
          type: 'line',
          showSymbol: data.stockHistory.length < 40,
          areaStyle: { opacity: 0.12 },
          data: data.stockHistory.map((p) => [p.date, p.usable]),
          itemStyle: { color: '#1c6b3a' },
        },
      ],
    }),
    [data, t, formatNumber],
  );
  return (
    <>
      <Chart option={option} label={t('product.stockTitle')} testId="stock-chart" />
      {data.stockHistory.length < 30 && (
        <p className="table-note">
          {t('product.shortHistory', { n: formatNumber(data.stockHistory.length) })}
        </p>
      )}
    </>
  );
}
