import type { PictureLocation, Query, RiskClass } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { LocationFreshnessCell } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { CardPager } from '../components/pager.js';
import { DataTable } from '../components/data-table.js';
import { CheckField, SelectField } from '../components/fields.js';
import { TableCard } from '../components/table-card.js';
import {
  ClassificationMark,
  COVERAGE_COLUMNS,
  RunsOutCells,
  useDays,
  useDemand,
} from '../components/picture.js';
import { formatStock } from '../components/runs-out.js';
import { ErrorState } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';

const RISKS: readonly RiskClass[] = ['critical', 'low', 'adequate', 'no_demand'];
const PAGE_SIZE = 50;

/**
 * One location (issue 10 item 1: reachable from "Var finns det?"): its packages with stock, its own
 * demand, the days they cover there and when they run out, most critical first; the caller's own
 * locations, or any for those who see everything (the API answers "not found" otherwise).
 */
export function LocationPage({ id }: { id: string }) {
  const { t, formatNumber, kindLabel } = useI18n();
  const days = useDays();
  const demand = useDemand();
  const { params, set } = useQueryState();
  const risk = params.get('risk');
  const prioritised = params.get('prioritised') === 'true';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const locationId = Number(id);
  const query: Query = {
    risk: RISKS.includes(risk as RiskClass) ? risk : undefined,
    prioritised,
    limit: PAGE_SIZE,
    offset,
  };
  const page = useApi(`picture:location:${id}:${JSON.stringify(query)}`, (api, signal) =>
    api.pictureLocation(locationId, query, signal),
  );
  const data: PictureLocation | undefined = page.data;
  const back = (
    <Link to="/overview" className="back-link">
      <span aria-hidden="true">← </span>
      {t('product.back')}
    </Link>
  );

  if (page.status === 'error' && !data) {
    return (
      <>
        <PageHeader title={t('location.title')} eyebrow={back} />
        <ErrorState
          error={page.error}
          title={page.error.kind === 'not_found' ? t('location.notFound') : undefined}
          onRetry={page.error.kind === 'not_found' ? undefined : page.reload}
        />
      </>
    );
  }
  const l = data?.location;
  return (
    <>
      <PageHeader
        eyebrow={back}
        title={l?.name ?? t('location.title')}
        lead={
          l
            ? [kindLabel(l.kind), l.code, l.municipality?.name, l.organisation.name]
                .filter((x) => x !== undefined)
                .join(' · ')
            : undefined
        }
        actions={
          l && (
            <Link to={`/regions/${l.regionCode}`} className="button button-secondary">
              {t('location.toRegion')}
            </Link>
          )
        }
      />
      <ClassificationMark classification={data?.classification} />
      {data && (
        <p className="card card-padded" data-testid="location-freshness-line">
          <strong>{t('freshness.lastReport')}: </strong>
          <LocationFreshnessCell freshness={data.freshness} />
        </p>
      )}
      <TableCard
        id="location-items"
        title={t('location.itemsTitle')}
        count={data?.total}
        updating={page.status === 'loading' && data !== undefined}
      >
        <form className="filter-row card-controls" onSubmit={(event) => event.preventDefault()}>
          <SelectField
            label={t('col.risk')}
            value={query.risk === undefined ? '' : String(query.risk)}
            all={t('items.allRisks')}
            options={RISKS.map((r) => ({ value: r, label: t(`risk.${r}`) }))}
            onChange={(value) => set({ risk: value || undefined, offset: undefined })}
          />
          <CheckField
            label={t('notices.prioritisedOnly')}
            checked={prioritised}
            onChange={(checked) => set({ prioritised: checked ? 'true' : undefined, offset: undefined })}
          />
        </form>
        {data && data.total === 0 ? (
          <p className="card-padded muted">{t('location.empty')}</p>
        ) : (
          <DataTable
            columns={['col.name', 'col.atc', ...COVERAGE_COLUMNS]}
            testId="location-items"
            skeletonRows={6}
            rows={data?.items.map((item) => (
              <tr key={item.packageId} data-testid="location-item">
                <th scope="row">
                  <Link to={`/products/${item.packageId}`} className="row-link">
                    {item.name}
                  </Link>
                  <div className="cell-sub">{[item.pack, item.substance].filter(Boolean).join(' · ')}</div>
                  {item.prioritised && <Badge tone="info">{t('picture.flag.prioritised')}</Badge>}
                </th>
                <td className="mono">{item.atcCode}</td>
                <td className="num">
                  {formatStock(formatNumber, item.stock.usable)}
                  {item.reserve && (
                    <div className="cell-sub">
                      {t('location.reserve', { n: formatStock(formatNumber, item.reserve.total) })}
                    </div>
                  )}
                </td>
                <td className="num">{item.demandPerDay === null ? '–' : demand(item.demandPerDay)}</td>
                <td className="num strong">
                  {item.demandBasis === 'no_basis' ? t('regionPicture.noBasis') : days(item.coverageDays)}
                </td>
                <RunsOutCells on={item.runsOutOn} status={item.stockStatus} risk={item.riskClass} />
              </tr>
            ))}
          />
        )}
        <CardPager page={data} />
      </TableCard>
    </>
  );
}
