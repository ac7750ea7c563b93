import type { Region } from '../api-client.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState, ErrorState, SkeletonRows } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { LOCATION_KIND_ORDER } from '../labels.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

/** The kinds to show as columns: every kind any region has, in the standard order; all kinds when none. */
function kindsShown(regions: readonly Region[]) {
  const present = new Set(regions.flatMap((r) => Object.keys(r.locationCounts)));
  const kinds = LOCATION_KIND_ORDER.filter((k) => present.has(k));
  return kinds.length ? kinds : LOCATION_KIND_ORDER;
}

/** Start page: the 21 regions, their population and how many stock locations of each kind they have. */
export function StartPage() {
  const { t, rich, formatNumber, formatDate, kindHeader } = useI18n();
  const { me } = useSession();
  const regions = useApi('regions', (api, signal) => api.regions(signal));
  const items = regions.data?.items ?? [];
  const kinds = kindsShown(items);
  const population = items.reduce((sum, r) => sum + r.population, 0);
  const locations = items.reduce((sum, r) => sum + r.locationTotal, 0);
  const civilAreas = new Set(items.map((r) => r.civilArea)).size;
  const countOf = (kind: string) => items.reduce((sum, r) => sum + (r.locationCounts[kind] ?? 0), 0);
  const latestDate = items
    .map((r) => r.populationDate)
    .sort()
    .at(-1);
  const hidesClassified = !me.seesEverything;

  return (
    <>
      <PageHeader title={t('start.title')} lead={t('start.lead')} />

      {regions.status === 'error' && !regions.data ? (
        <ErrorState error={regions.error} onRetry={regions.reload} />
      ) : (
        <>
          <section className="stats" aria-label={t('start.title')}>
            <Stat
              label={t('start.statRegions')}
              value={regions.data ? formatNumber(regions.data.total) : undefined}
              note={items.length ? t('start.statCivilAreas', { n: formatNumber(civilAreas) }) : undefined}
            />
            <Stat
              label={t('start.statPopulation')}
              value={regions.data ? formatNumber(population) : undefined}
              note={latestDate ? t('start.statPopulationDate', { date: formatDate(latestDate) }) : undefined}
            />
            <Stat
              label={t('start.statLocations')}
              value={regions.data ? formatNumber(locations) : undefined}
              note={
                items.length
                  ? t('start.statPharmacies', { n: formatNumber(countOf('community_pharmacy')) })
                  : undefined
              }
            />
          </section>

          {regions.status === 'ready' && items.length === 0 ? (
            <EmptyState title={t('start.emptyTitle')}>
              {rich('start.emptyBody', { command: <code>npm run demo</code> })}
            </EmptyState>
          ) : (
            <div className="card table-card">
              <div className="table-scroll">
                <table className="data-table regions-table" aria-busy={regions.status === 'loading'}>
                  <caption className="visually-hidden">{t('start.tableCaption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('col.region')}</th>
                      <th scope="col" className="num">
                        {t('col.population')}
                      </th>
                      {kinds.map((kind) => (
                        <th key={kind} scope="col" className="num kind-col">
                          {kindHeader(kind)}
                        </th>
                      ))}
                      <th scope="col" className="num">
                        {t('col.total')}
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {regions.data ? (
                      items.map((region) => (
                        <tr key={region.code} data-testid="region-row">
                          <th scope="row">
                            <Link to={`/regions/${region.code}`} className="row-link">
                              {region.name}
                            </Link>
                          </th>
                          <td className="num">{formatNumber(region.population)}</td>
                          {kinds.map((kind) => (
                            <td key={kind} className={`num${region.locationCounts[kind] ? '' : ' zero'}`}>
                              {formatNumber(region.locationCounts[kind] ?? 0)}
                            </td>
                          ))}
                          <td className="num strong">{formatNumber(region.locationTotal)}</td>
                        </tr>
                      ))
                    ) : (
                      <SkeletonRows rows={8} columns={kinds.length + 3} />
                    )}
                  </tbody>
                  {regions.data && items.length > 0 && (
                    <tfoot>
                      <tr>
                        <th scope="row">{t('start.totalRow')}</th>
                        <td className="num">{formatNumber(population)}</td>
                        {kinds.map((kind) => (
                          <td key={kind} className="num">
                            {formatNumber(countOf(kind))}
                          </td>
                        ))}
                        <td className="num">{formatNumber(locations)}</td>
                      </tr>
                    </tfoot>
                  )}
                </table>
              </div>
              {hidesClassified && <p className="table-note">{t('start.classifiedNote')}</p>}
            </div>
          )}
        </>
      )}
    </>
  );
}

function Stat({
  label,
  value,
  note,
}: {
  label: string;
  value: string | undefined;
  note?: string | undefined;
}) {
  return (
    <div className="stat card">
      <div className="stat-label">{label}</div>
      <div className="stat-value">
        {value ?? <span className="skeleton skeleton-stat" aria-hidden="true" />}
      </div>
      {note && <div className="stat-note">{note}</div>}
    </div>
  );
}
