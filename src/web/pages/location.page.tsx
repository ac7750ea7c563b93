import { useId } from 'react';
import type { PictureLocation, Query, RiskClass } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { LocationFreshnessCell } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { ClassificationMark, RiskBadge, useDays, useDemand } from '../components/picture.js';
import { RunsOut, wholeStock } from '../components/runs-out.js';
import { ErrorState, SkeletonRows, Spinner } from '../components/states.js';
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
  const ids = { risk: useId(), prio: useId() };
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
      <section className="card table-card" aria-labelledby="location-items">
        <div className="card-header">
          <h2 id="location-items" className="section-title">
            {t('location.itemsTitle')}
            {data && <span className="muted"> ({formatNumber(data.total)})</span>}
          </h2>
          {page.status === 'loading' && data && <Spinner label={t('catalogue.updating')} showLabel />}
        </div>
        <form className="filter-row card-controls" onSubmit={(event) => event.preventDefault()}>
          <div className="field">
            <label htmlFor={ids.risk}>{t('col.risk')}</label>
            <select
              id={ids.risk}
              value={query.risk === undefined ? '' : String(query.risk)}
              onChange={(event) => set({ risk: event.target.value || undefined, offset: undefined })}
            >
              <option value="">{t('items.allRisks')}</option>
              {RISKS.map((r) => (
                <option key={r} value={r}>
                  {t(`risk.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-check">
            <input
              id={ids.prio}
              type="checkbox"
              checked={prioritised}
              onChange={(event) =>
                set({ prioritised: event.target.checked ? 'true' : undefined, offset: undefined })
              }
            />
            <label htmlFor={ids.prio}>{t('notices.prioritisedOnly')}</label>
          </div>
        </form>
        {data && data.total === 0 ? (
          <p className="card-padded muted">{t('location.empty')}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table" data-testid="location-items">
              <thead>
                <tr>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('col.atc')}</th>
                  <th scope="col" className="num">
                    {t('col.usableStock')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.demandPerDay')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.coverage')}
                  </th>
                  <th scope="col">{t('col.runsOut')}</th>
                  <th scope="col">{t('col.risk')}</th>
                </tr>
              </thead>
              <tbody>
                {data ? (
                  data.items.map((item) => (
                    <tr key={item.packageId} data-testid="location-item">
                      <th scope="row">
                        <Link to={`/products/${item.packageId}`} className="row-link">
                          {item.name}
                        </Link>
                        <div className="cell-sub">
                          {[item.pack, item.substance].filter(Boolean).join(' · ')}
                        </div>
                        {item.prioritised && <Badge tone="info">{t('picture.flag.prioritised')}</Badge>}
                      </th>
                      <td className="mono">{item.atcCode}</td>
                      <td className="num">
                        {formatNumber(wholeStock(item.stock.usable))}
                        {item.reserve && (
                          <div className="cell-sub">
                            {t('location.reserve', { n: formatNumber(wholeStock(item.reserve.total)) })}
                          </div>
                        )}
                      </td>
                      <td className="num">{item.demandPerDay === null ? '–' : demand(item.demandPerDay)}</td>
                      <td className="num strong">
                        {item.demandBasis === 'no_basis'
                          ? t('regionPicture.noBasis')
                          : days(item.coverageDays)}
                      </td>
                      <td className="nowrap">
                        <RunsOut on={item.runsOutOn} status={item.stockStatus} />
                      </td>
                      <td>{item.riskClass ? <RiskBadge risk={item.riskClass} /> : '–'}</td>
                    </tr>
                  ))
                ) : (
                  <SkeletonRows rows={6} columns={7} />
                )}
              </tbody>
            </table>
          </div>
        )}
        {data && (data.total > data.limit || data.offset > 0) && (
          <div className="card-footer">
            <Pager
              total={data.total}
              limit={data.limit}
              offset={data.offset}
              onChange={(next) => set({ offset: next ? String(next) : undefined })}
            />
          </div>
        )}
      </section>
    </>
  );
}
