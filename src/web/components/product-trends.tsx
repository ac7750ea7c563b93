import { useMemo, useState } from 'react';
import type { PictureTrends } from '../api-client.js';
import { useI18n } from '../i18n.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { Chart, type ChartOption } from './chart.js';
import { DataTable, num } from './data-table.js';
import { RiskBadge, useDays } from './picture.js';
import { formatStock, wholeStock } from './runs-out.js';
import { ErrorState, SkeletonBlock } from './states.js';

const AXIS = { axisLabel: { color: '#566272' }, axisLine: { lineStyle: { color: '#b7c2cf' } } };
const SPLIT = { splitLine: { lineStyle: { color: '#e7ebf0' } } };
const NAME = { nameTextStyle: { color: '#566272', align: 'left' as const }, nameGap: 10 };
/** The area's line, the nation's beside it, the thresholds dashed. */
const COLOURS = { area: '#2f5c99', nation: '#8a94a3', critical: '#b42318', low: '#b54708' };
const EXPIRY_COLOURS = { used: '#1c6b3a', unused: '#b42318' };

/**
 * Trends and outlook of one package (issue 10 item 7): coverage over the last 90 days in the chosen
 * area and nationally, what of the area's stock expires when, and every visible region's run-out date
 * without and with the expected deliveries. Its own data (GET /api/picture/products/{id}/trends).
 */
export function ProductTrends({ packageId }: { packageId: number }) {
  const { t } = useI18n();
  const { me } = useSession();
  // A region's users start in their own region (beside the nation); everyone else nationally.
  const [region, setRegion] = useState<string | undefined>(
    me.organisation.kind === 'region' ? (me.organisation.regionCode ?? undefined) : undefined,
  );
  const trends = useApi(`picture:trends:${packageId}:${region ?? 'SE'}`, (api, signal) =>
    api.pictureTrends(packageId, region, signal),
  );
  const data = trends.data;
  const regions = data?.runOut.filter((r) => r.area.code !== 'SE') ?? [];

  return (
    <section className="card card-padded section-gap" aria-labelledby="product-trends" data-testid="trends">
      <div className="section-head">
        <h2 id="product-trends" className="section-title">
          {t('trends.title')}
        </h2>
        {regions.length > 0 && (
          <div className="field trends-area">
            <label htmlFor="trends-area">{t('trends.area')}</label>
            <select
              id="trends-area"
              value={region ?? 'SE'}
              onChange={(e) => setRegion(e.target.value === 'SE' ? undefined : e.target.value)}
            >
              <option value="SE">{t('picture.national')}</option>
              {regions.map((r) => (
                <option key={r.area.code} value={r.area.code}>
                  {r.area.name}
                </option>
              ))}
            </select>
          </div>
        )}
      </div>
      <p className="muted">{t('trends.lead')}</p>
      {trends.status === 'error' && !data ? (
        <ErrorState error={trends.error} onRetry={trends.reload} />
      ) : (
        <>
          <div className="grid-2">
            <div>
              <h3 className="section-subtitle">
                {data ? t('trends.coverageTitle', { area: data.area.name }) : t('trends.coverageTitleShort')}
              </h3>
              {data ? <CoverageChart data={data} /> : <SkeletonBlock lines={6} />}
            </div>
            <div>
              <h3 className="section-subtitle">
                {data
                  ? t('trends.expiryTitle', { area: data.expiry.area.name })
                  : t('trends.expiryTitleShort')}
              </h3>
              {data ? <ExpiryChart data={data} /> : <SkeletonBlock lines={6} />}
            </div>
          </div>
          <h3 className="section-subtitle">{t('trends.runOutTitle')}</h3>
          <RunOutTable data={data} selected={data?.area.code} />
        </>
      )}
    </section>
  );
}

function CoverageChart({ data }: { data: PictureTrends }) {
  const { t, formatNumber, formatDate, locale } = useI18n();
  const days = useDays();
  const dayMonth = useMemo(
    () => new Intl.DateTimeFormat(locale, { day: 'numeric', month: 'short', timeZone: 'UTC' }),
    [locale],
  );
  const today = Date.parse(`${data.asOf.today}T00:00:00Z`);
  const from = Date.parse(`${data.coverage.from}T00:00:00Z`);
  const points = data.coverage.series.reduce((n, s) => n + s.points.length, 0);
  const firstRecorded = data.coverage.series[0]?.points.find((p) => !p.backfilled)?.date;
  const anyBackfilled = data.coverage.series.some((s) => s.points.some((p) => p.backfilled));
  const option = useMemo<ChartOption>(() => {
    const th = data.asOf.thresholds;
    const threshold = (name: string, value: number, color: string) => ({
      name,
      type: 'line' as const,
      showSymbol: false,
      silent: true,
      data: [
        [from, value],
        [today, value],
      ],
      lineStyle: { type: 'dashed' as const, width: 1, color },
      itemStyle: { color },
      tooltip: { show: false },
    });
    return {
      grid: { left: 48, right: 28, top: 56, bottom: 28 },
      legend: { top: 0, left: 0, textStyle: { color: '#566272' } },
      tooltip: {
        trigger: 'axis',
        valueFormatter: (v: unknown) => (v === null || v === undefined ? '–' : days(Number(v))),
      },
      xAxis: {
        type: 'time',
        min: from,
        max: today,
        ...AXIS,
        splitNumber: 5,
        axisLabel: {
          ...AXIS.axisLabel,
          hideOverlap: true,
          formatter: (v: number) => dayMonth.format(new Date(v)),
        },
      },
      yAxis: { type: 'value', name: t('trends.axisDays'), min: 0, ...NAME, ...AXIS, ...SPLIT },
      series: [
        ...data.coverage.series.map((s, i) => ({
          name: s.area.code === 'SE' ? t('picture.national') : s.area.name,
          type: 'line' as const,
          showSymbol: s.points.length < 40,
          connectNulls: false,
          // A point holds until the next: the picture's figure of a day stands until it changes.
          step: 'end' as const,
          data: s.points.map((p) => [
            Date.parse(`${p.date}T00:00:00Z`),
            p.coverageDays === null ? null : Math.round(p.coverageDays * 10) / 10,
          ]),
          itemStyle: { color: i === 0 ? COLOURS.area : COLOURS.nation },
          lineStyle: { width: i === 0 ? 2.5 : 1.5 },
        })),
        threshold(
          t('trends.criticalLine', { n: formatNumber(th.criticalBelowDays) }),
          th.criticalBelowDays,
          COLOURS.critical,
        ),
        threshold(t('trends.lowLine', { n: formatNumber(th.lowBelowDays) }), th.lowBelowDays, COLOURS.low),
      ],
    };
  }, [data, t, formatNumber, dayMonth, days, from, today]);

  if (points === 0) {
    return (
      <p className="trends-empty" data-testid="coverage-empty">
        {t('trends.noHistory')}
      </p>
    );
  }
  return (
    <>
      <Chart
        option={option}
        label={t('trends.coverageTitle', { area: data.area.name })}
        testId="coverage-chart"
      />
      <p className="trends-note">
        {anyBackfilled
          ? firstRecorded
            ? t('trends.backfilledNote', { date: formatDate(firstRecorded) })
            : t('trends.allBackfilledNote')
          : t('trends.recordedNote')}
      </p>
    </>
  );
}

function ExpiryChart({ data }: { data: PictureTrends }) {
  const { t, formatNumber, formatDate, lang } = useI18n();
  const buckets = data.expiry.buckets;
  const monthFormat = useMemo(
    () =>
      new Intl.DateTimeFormat(lang === 'sv' ? 'sv-SE' : 'en-GB', {
        month: 'short',
        year: '2-digit',
        timeZone: 'UTC',
      }),
    [lang],
  );
  const option = useMemo<ChartOption>(
    () => ({
      grid: { left: 56, right: 12, top: 56, bottom: 44 },
      legend: { top: 0, left: 0, textStyle: { color: '#566272' } },
      tooltip: {
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        valueFormatter: (v: unknown) => `${formatStock(formatNumber, Number(v))} ${t('trends.unitPacks')}`,
      },
      xAxis: {
        type: 'category',
        data: buckets.map((b) =>
          b.kind === 'month' && b.from
            ? monthFormat.format(new Date(`${b.from}T00:00:00Z`))
            : t(`trends.bucket.${b.kind}`),
        ),
        ...AXIS,
        axisLabel: { ...AXIS.axisLabel, interval: 0, rotate: 45, fontSize: 11 },
      },
      yAxis: { type: 'value', name: t('trends.axisPacks'), ...NAME, ...AXIS, ...SPLIT },
      series: [
        {
          name: t('trends.usedBeforeExpiry'),
          type: 'bar',
          stack: 'expiry',
          data: buckets.map((b) => wholeStock(b.usedBeforeExpiry)),
          itemStyle: { color: EXPIRY_COLOURS.used },
        },
        {
          name: t('trends.expiresUnused'),
          type: 'bar',
          stack: 'expiry',
          data: buckets.map((b) => wholeStock(b.expiresUnused)),
          itemStyle: { color: EXPIRY_COLOURS.unused },
        },
      ],
    }),
    [buckets, t, formatNumber, monthFormat],
  );
  if (data.expiry.stock <= 0) {
    return (
      <p className="trends-empty" data-testid="expiry-empty">
        {t('trends.noStock', { area: data.expiry.area.name })}
      </p>
    );
  }
  const unused = buckets.reduce((a, b) => a + b.expiresUnused, 0);
  return (
    <>
      <Chart
        option={option}
        label={t('trends.expiryTitle', { area: data.expiry.area.name })}
        testId="expiry-chart"
      />
      <p className="trends-note" data-testid="expiry-note">
        {t('trends.expiryNote', {
          stock: formatStock(formatNumber, data.expiry.stock),
          usable: formatStock(formatNumber, data.expiry.usable),
          unused: formatStock(formatNumber, unused),
          date: formatDate(data.asOf.today),
        })}
      </p>
    </>
  );
}

function RunOutTable({ data, selected }: { data: PictureTrends | undefined; selected: string | undefined }) {
  const { t, formatNumber, formatDate } = useI18n();
  const days = useDays();
  const dateOrLasts = (d: string | null, demand: number) =>
    demand <= 0 ? '–' : d === null ? t('product.lastsYear') : formatDate(d);
  if (data && data.runOut.length === 0) {
    return (
      <p className="trends-empty" data-testid="runout-empty">
        {t('trends.noItems')}
      </p>
    );
  }
  return (
    <DataTable
      className="compact-table"
      columns={[
        'col.region',
        num('col.usableStock'),
        num('col.coverage'),
        'trends.runsOutWithout',
        num('trends.incoming'),
        'trends.runsOutWith',
        'col.risk',
      ]}
      testId="runout-table"
      rows={data?.runOut.map((r) => (
        <tr
          key={r.area.code}
          data-testid="runout-row"
          data-area={r.area.code}
          className={r.area.code === selected ? 'row-selected' : undefined}
        >
          <th scope="row">{r.area.code === 'SE' ? t('picture.national') : r.area.name}</th>
          <td className="num">{formatStock(formatNumber, r.stock.usable)}</td>
          <td className="num strong">{days(r.coverageDays)}</td>
          <td>{dateOrLasts(r.runsOutOn, r.demandPerDay)}</td>
          <td className={`num${r.incoming ? '' : ' zero'}`}>{formatStock(formatNumber, r.incoming)}</td>
          <td>{dateOrLasts(r.runsOutWithDeliveriesOn, r.demandPerDay)}</td>
          <td>
            <RiskBadge risk={r.riskClass} />
          </td>
        </tr>
      ))}
    />
  );
}
