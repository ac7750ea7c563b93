import type { PictureRegion } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { PageHeader } from '../components/page-header.js';
import { LocationFreshnessCell, RegionFreshnessCard } from '../components/freshness.js';
import { ClassificationMark, ExportButtons, ReportButton } from '../components/picture.js';
import { ErrorState, SkeletonBlock, SkeletonRows } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { LOCATION_KIND_ORDER } from '../labels.js';
import { Link } from '../router.js';
import { useApi, type Loadable } from '../use-api.js';
import { ItemTable } from './overview.page.js';

/**
 * One region: key figures, its picture (risk counts, most critical packages), its locations and their
 * coverage of the prioritised list (detail only where the caller may see it), and municipalities.
 */
export function RegionPage({ code }: { code: string }) {
  const { t, formatNumber, formatDate, kindLabel } = useI18n();
  const region = useApi(`region:${code}`, (api, signal) => api.region(code, signal));
  const picture = useApi(`picture:region:${code}`, (api, signal) => api.pictureRegion(code, signal));
  const back = (
    <Link to="/regions" className="back-link">
      <span aria-hidden="true">← </span>
      {t('region.back')}
    </Link>
  );

  if (region.status === 'error') {
    return (
      <>
        <PageHeader title={t('col.region')} eyebrow={back} />
        {region.error.kind === 'not_found' ? (
          <ErrorState error={region.error} title={t('region.notFound', { code })} />
        ) : (
          <ErrorState error={region.error} onRetry={region.reload} />
        )}
      </>
    );
  }

  const data = region.status === 'ready' ? region.data : undefined;
  return (
    <>
      <PageHeader
        eyebrow={back}
        title={data?.name ?? t('col.region')}
        actions={<ReportButton region={code} />}
        lead={
          data
            ? t('region.lead', {
                area: data.civilArea,
                population: formatNumber(data.population),
                date: formatDate(data.populationDate),
              })
            : undefined
        }
      />
      {picture.status !== 'error' && <ClassificationMark classification={picture.data?.classification} />}
      {/* The region's most critical packages first (issue 10 item 2). */}
      {picture.data?.critical && (
        <section className="card table-card" aria-labelledby="region-critical">
          <div className="card-header">
            <h2 id="region-critical" className="section-title">
              {t('regionPicture.criticalTitle')}
              {picture.data.counts && (
                <span className="muted"> ({formatNumber(picture.data.counts.packages.critical)})</span>
              )}
            </h2>
            {picture.data.counts && picture.data.counts.packages.critical > 0 && (
              <Link to={`/items?region=${code}&risk=critical`} className="button button-link">
                {t('items.showAll', { n: formatNumber(picture.data.counts.packages.critical) })}
              </Link>
            )}
            <ExportButtons
              path="/api/picture/export/items"
              query={{ level: 'region', region: code, risk: 'critical', sort: 'risk' }}
              name={`region-${code}-kritiska`}
            />
          </div>
          <ItemTable items={picture.data.critical} emptyText={t('overview.noCritical')} />
        </section>
      )}

      <div className="grid-2">
        <section className="card card-padded" aria-labelledby="region-locations">
          <h2 id="region-locations" className="section-title">
            {t('region.locationsTitle')}
          </h2>
          {data ? (
            <dl className="kind-list">
              {LOCATION_KIND_ORDER.filter((kind) => data.locationCounts[kind] !== undefined).map((kind) => (
                <div key={kind} className="kind-list-row">
                  <dt>{kindLabel(kind)}</dt>
                  <dd>{formatNumber(data.locationCounts[kind] ?? 0)}</dd>
                </div>
              ))}
              <div className="kind-list-row kind-list-total">
                <dt>{t('col.total')}</dt>
                <dd>{formatNumber(data.locationTotal)}</dd>
              </div>
            </dl>
          ) : (
            <SkeletonBlock lines={5} />
          )}
        </section>
        <RegionRiskCard code={code} picture={picture} />
      </div>
      {picture.data?.freshness && (
        <RegionFreshnessCard
          freshness={picture.data.freshness}
          thresholds={picture.data.freshnessThresholds}
        />
      )}

      <RegionLocations code={code} picture={picture} />

      <section className="card table-card" aria-labelledby="region-municipalities">
        <div className="card-header">
          <h2 id="region-municipalities" className="section-title">
            {t('region.municipalitiesTitle')}
          </h2>
          {data && (
            <span className="muted">
              {t('region.municipalityCount', { n: formatNumber(data.municipalities.length) })}
            </span>
          )}
        </div>
        {data && data.municipalities.length === 0 ? (
          <p className="card-padded muted">{t('region.noMunicipalities')}</p>
        ) : (
          <div className="table-scroll">
            <table className="data-table">
              <thead>
                <tr>
                  <th scope="col">{t('col.municipality')}</th>
                  <th scope="col">{t('col.code')}</th>
                  <th scope="col" className="num">
                    {t('col.population')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {data ? (
                  data.municipalities.map((m) => (
                    <tr key={m.code}>
                      <th scope="row">{m.name}</th>
                      <td className="mono">{m.code}</td>
                      <td className="num">{formatNumber(m.population)}</td>
                    </tr>
                  ))
                ) : (
                  <SkeletonRows rows={6} columns={3} />
                )}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </>
  );
}

type PictureState = Loadable<PictureRegion> & { reload: () => void };

/** The region's packages by risk class (regional aggregates), or why they are not shown. */
function RegionRiskCard({ code, picture }: { code: string; picture: PictureState }) {
  const { t, formatNumber } = useI18n();
  const counts = picture.data?.counts?.packages;
  return (
    <section className="card card-padded" aria-labelledby="region-picture" data-testid="region-risk">
      <h2 id="region-picture" className="section-title">
        {t('regionPicture.title')}
      </h2>
      {picture.status === 'error' ? (
        <p className="muted">
          {picture.error.kind === 'unavailable' || picture.error.status === 503
            ? t('regionPicture.unavailable')
            : picture.error.message}
        </p>
      ) : !picture.data ? (
        <SkeletonBlock lines={4} />
      ) : !counts ? (
        <p className="muted">{t('regionPicture.noAggregates')}</p>
      ) : (
        <dl className="kind-list">
          {(['critical', 'low', 'adequate', 'noDemand'] as const).map((key) => (
            <div key={key} className="kind-list-row">
              <dt>{t(key === 'noDemand' ? 'risk.no_demand' : `risk.${key}`)}</dt>
              <dd data-testid={`region-count-${key}`}>
                <Link to={`/items?region=${code}&risk=${key === 'noDemand' ? 'no_demand' : key}`}>
                  {formatNumber(counts[key])}
                </Link>
              </dd>
            </div>
          ))}
          <div className="kind-list-row">
            <dt>{t('overview.prioritisedCriticalShort')}</dt>
            <dd>
              <Link to={`/items?region=${code}&risk=critical&prioritised=true`}>
                {formatNumber(counts.prioritisedCritical)}
              </Link>
            </dd>
          </div>
          <div className="kind-list-row kind-list-total">
            <dt>{t('regionPicture.packagesTotal')}</dt>
            <dd>{formatNumber(counts.total)}</dd>
          </div>
        </dl>
      )}
    </section>
  );
}

/** The region's locations and how each covers the prioritised list (figures only where allowed). */
function RegionLocations({ code, picture }: { code: string; picture: PictureState }) {
  const { t, formatNumber, kindLabel } = useI18n();
  if (picture.status === 'error') return null;
  const data = picture.data;
  // Only the locations the caller may see in detail are rows; the others are one line (issue 10 item 2).
  const detailed = data?.locations.filter((l) => l.detail);
  const others = data ? data.locations.length - (detailed?.length ?? 0) : 0;
  return (
    <section className="card table-card" aria-labelledby="region-picture-locations">
      <div className="card-header">
        <h2 id="region-picture-locations" className="section-title">
          {t('regionPicture.locationsTitle')}
          {data && (
            <span className="muted">
              {' '}
              {t('regionPicture.prioritisedCount', { n: formatNumber(data.prioritisedPackages) })}
            </span>
          )}
        </h2>
        <ExportButtons path={`/api/picture/export/regions/${code}`} name={`region-${code}-platser`} />
      </div>
      {data && data.locations.length === 0 ? (
        <p className="card-padded muted">{t('regionPicture.noLocations')}</p>
      ) : detailed && detailed.length === 0 ? (
        // None in detail: no empty table, only the line about the others.
        <p className="card-padded muted" data-testid="other-locations">
          {t('regionPicture.otherLocations', { n: formatNumber(others) })}
        </p>
      ) : (
        <div className="table-scroll">
          <table className="data-table" data-testid="location-table">
            <thead>
              <tr>
                <th scope="col">{t('col.location')}</th>
                <th scope="col">{t('col.kind')}</th>
                <th scope="col">{t('col.municipality')}</th>
                <th scope="col">{t('col.organisation')}</th>
                <th scope="col" className="num">
                  {t('regionPicture.held')}
                </th>
                <th scope="col" className="num">
                  {t('regionPicture.belowCritical')}
                </th>
                <th scope="col" className="num">
                  {t('regionPicture.belowLow')}
                </th>
                <th scope="col">{t('regionPicture.basis')}</th>
                <th scope="col">{t('freshness.lastReport')}</th>
              </tr>
            </thead>
            <tbody>
              {detailed ? (
                detailed.map(({ location, detail, prioritised, freshness }) => (
                  <tr key={location.id} data-testid="location-row" data-detail={detail ? 'yes' : 'no'}>
                    <td className="strong">
                      <Link to={`/locations/${location.id}`} className="row-link">
                        {location.name}
                      </Link>
                      <div className="cell-sub mono">{location.code}</div>
                    </td>
                    <td>{kindLabel(location.kind)}</td>
                    <td>{location.municipality?.name ?? '–'}</td>
                    <td>{location.organisation.name}</td>
                    {prioritised && prioritised.demandBasis === 'no_basis' ? (
                      <>
                        <td className="num">{formatNumber(prioritised.held)}</td>
                        <td colSpan={2} className="muted" data-testid="no-basis">
                          {t('regionPicture.noBasis')}
                        </td>
                        <td>{t('regionPicture.basis.no_basis')}</td>
                        <td>
                          <LocationFreshnessCell freshness={freshness} />
                        </td>
                      </>
                    ) : prioritised ? (
                      <>
                        <td className="num">{formatNumber(prioritised.held)}</td>
                        <td className={`num${prioritised.belowCritical ? ' text-danger strong' : ' zero'}`}>
                          {formatNumber(prioritised.belowCritical)}
                        </td>
                        <td className={`num${prioritised.belowLow ? ' text-warning' : ' zero'}`}>
                          {formatNumber(prioritised.belowLow)}
                        </td>
                        <td>{t(`regionPicture.basis.${prioritised.demandBasis}`)}</td>
                        <td>
                          <LocationFreshnessCell freshness={freshness} />
                        </td>
                      </>
                    ) : (
                      <td colSpan={5}>
                        <Badge>{t('regionPicture.noDetail')}</Badge>
                      </td>
                    )}
                  </tr>
                ))
              ) : (
                <SkeletonRows rows={5} columns={9} />
              )}
              {others > 0 && (
                <tr data-testid="other-locations" className="muted-row">
                  <td colSpan={9} className="muted">
                    {t('regionPicture.otherLocations', { n: formatNumber(others) })}
                  </td>
                </tr>
              )}
            </tbody>
          </table>
        </div>
      )}
      <p className="table-note">{t('regionPicture.note')}</p>
    </section>
  );
}
