import { useId } from 'react';
import type { ReportingOrganisations, ReportingStatus } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { useDateTime, usePercent } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { EmptyState, ErrorState, SkeletonRows, Spinner } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';

const PAGE_SIZE = 25;
const STATUSES: readonly ReportingStatus[] = ['never', 'overdue', 'current', 'today'];
const TONE: Readonly<Record<ReportingStatus, BadgeTone>> = {
  never: 'danger',
  overdue: 'warning',
  current: 'info',
  today: 'success',
};
const REPORT_KINDS = ['stock_snapshot', 'stock_difference', 'sales'] as const;
const isStatus = (v: string | null): v is ReportingStatus => STATUSES.includes(v as ReportingStatus);

/**
 * Rapportering: who has reported. A coordinator sees every organisation and location (overdue and
 * never-reporting first), each organisation its own; the summary is of what is listed.
 */
export function ReportingPage() {
  const { t, formatNumber } = useI18n();
  const percent = usePercent();
  const { params, set } = useQueryState();
  const ids = { status: useId(), overdue: useId() };
  const statusParam = params.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const onlyOverdue = params.get('overdue') === 'true';
  const organisation = Number.parseInt(params.get('organisation') ?? '', 10) || undefined;
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const orgOffset = Math.max(0, Number.parseInt(params.get('orgOffset') ?? '0', 10) || 0);

  const locQuery = { status, organisation, limit: PAGE_SIZE, offset };
  const orgQuery = { overdue: onlyOverdue || undefined, limit: 10, offset: orgOffset };
  const locations = useApi(`reporting-locations:${JSON.stringify(locQuery)}`, (api, signal) =>
    api.reportingLocations(locQuery, signal),
  );
  const organisations = useApi(`reporting-orgs:${JSON.stringify(orgQuery)}`, (api, signal) =>
    api.reportingOrganisations(orgQuery, signal),
  );
  const summary = organisations.data?.summary;
  const today = organisations.data?.today;

  return (
    <>
      <PageHeader
        title={t('reporting.title')}
        lead={t('reporting.lead', { days: String(organisations.data?.staleStockAfterDays ?? 2) })}
      />

      {summary && today && (
        <section
          className="stats freshness-stats"
          aria-label={t('reporting.summary')}
          data-testid="reporting-summary"
        >
          <div className="stat card">
            <div className="stat-label">{t('freshness.reportedToday')}</div>
            <div className="stat-value" data-testid="reported-today">
              {formatNumber(summary.reportedToday)} / {formatNumber(summary.locations)}
            </div>
            <div className="stat-note">{percent(summary.locationShare)}</div>
          </div>
          <div className="stat card">
            <div className="stat-label">{t('freshness.stockShare')}</div>
            <div className="stat-value">{percent(summary.stockShare)}</div>
            <div className="stat-note">{t('freshness.stockShareNoteShareOnly')}</div>
          </div>
          <div className={`stat card${summary.overdue + summary.neverReported > 0 ? ' stat-warning' : ''}`}>
            <div className="stat-label">{t('reporting.overdue')}</div>
            <div className="stat-value" data-testid="overdue-count">
              {formatNumber(summary.overdue)}
            </div>
            <div className="stat-note">
              {t('reporting.neverNote', { n: formatNumber(summary.neverReported) })}
            </div>
          </div>
        </section>
      )}

      <section className="card table-card" aria-labelledby="reporting-orgs">
        <div className="card-header">
          <h2 id="reporting-orgs" className="section-title">
            {t('reporting.organisations')}
            {organisations.data && <span className="muted"> ({formatNumber(organisations.data.total)})</span>}
          </h2>
          <span className="field-check">
            <input
              id={ids.overdue}
              type="checkbox"
              checked={onlyOverdue}
              onChange={(e) => set({ overdue: e.target.checked ? 'true' : undefined, orgOffset: undefined })}
            />
            <label htmlFor={ids.overdue}>{t('reporting.onlyOverdue')}</label>
          </span>
        </div>
        {organisations.status === 'error' ? (
          <ErrorState error={organisations.error} onRetry={organisations.reload} />
        ) : (
          <OrganisationTable
            data={organisations.data}
            onPick={(id) => set({ organisation: String(id), offset: undefined })}
            offset={orgOffset}
            onPage={(next) => set({ orgOffset: next ? String(next) : undefined })}
          />
        )}
      </section>

      <section className="card table-card" aria-labelledby="reporting-locations">
        <div className="card-header">
          <h2 id="reporting-locations" className="section-title">
            {t('reporting.locations')}
            {locations.data && <span className="muted"> ({formatNumber(locations.data.total)})</span>}
          </h2>
          <div className="field field-inline">
            <label htmlFor={ids.status}>{t('notices.status')}</label>
            <select
              id={ids.status}
              value={status ?? ''}
              onChange={(e) => set({ status: e.target.value || undefined, offset: undefined })}
            >
              <option value="">{t('reporting.statusAll')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`reporting.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          {organisation && (
            <span className="filter-chip" data-testid="organisation-filter">
              {t('reporting.organisationFilter', {
                name:
                  organisations.data?.items.find((o) => o.organisation.id === organisation)?.organisation
                    .name ?? `#${organisation}`,
              })}{' '}
              <button
                type="button"
                className="button button-link"
                onClick={() => set({ organisation: undefined, offset: undefined })}
              >
                {t('notices.removeFilter')}
              </button>
            </span>
          )}
          {locations.status === 'loading' && locations.data && <Spinner />}
        </div>
        {locations.status === 'error' ? (
          <ErrorState error={locations.error} onRetry={locations.reload} />
        ) : locations.data && locations.data.total === 0 ? (
          <EmptyState title={t('reporting.emptyTitle')}>{t('reporting.emptyBody')}</EmptyState>
        ) : (
          <LocationTable
            data={locations.data}
            onPage={(next) => set({ offset: next ? String(next) : undefined })}
          />
        )}
      </section>
      <p className="muted">
        {t('reporting.ownHistory')} <Link to="/reports">{t('nav.reports')}</Link>
      </p>
    </>
  );
}

function OrganisationTable({
  data,
  onPick,
  offset,
  onPage,
}: {
  data: ReportingOrganisations | undefined;
  onPick: (id: number) => void;
  offset: number;
  onPage: (offset: number) => void;
}) {
  const { t, formatNumber } = useI18n();
  const time = useDateTime();
  const percent = usePercent();
  return (
    <>
      <div className="table-scroll">
        <table className="data-table" data-testid="reporting-organisations">
          <thead>
            <tr>
              <th scope="col">{t('col.organisation')}</th>
              <th scope="col" className="num">
                {t('col.locations')}
              </th>
              <th scope="col" className="num">
                {t('reporting.col.today')}
              </th>
              <th scope="col" className="num">
                {t('reporting.col.overdue')}
              </th>
              <th scope="col" className="num">
                {t('reporting.col.never')}
              </th>
              <th scope="col" className="num">
                {t('reporting.col.stockShare')}
              </th>
              {REPORT_KINDS.map((k) => (
                <th key={k} scope="col">
                  {t(`reports.kind.${k}` as MessageKey)}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {data ? (
              data.items.map((o) => (
                <tr key={o.organisation.id} data-testid="reporting-organisation">
                  <th scope="row">
                    <button
                      type="button"
                      className="button button-link"
                      onClick={() => onPick(o.organisation.id)}
                    >
                      {o.organisation.name}
                    </button>
                    <span className="cell-sub mono">{o.organisation.code}</span>
                  </th>
                  <td className="num">{formatNumber(o.locations)}</td>
                  <td className="num">{formatNumber(o.reportedToday)}</td>
                  <td className="num">
                    {o.overdue > 0 ? <Badge tone="warning">{formatNumber(o.overdue)}</Badge> : '0'}
                  </td>
                  <td className="num">
                    {o.neverReported > 0 ? <Badge tone="danger">{formatNumber(o.neverReported)}</Badge> : '0'}
                  </td>
                  <td className="num">{percent(o.stockShare)}</td>
                  {REPORT_KINDS.map((k) => {
                    const r = o.lastReports[k];
                    return (
                      <td key={k} className="nowrap">
                        {r?.acceptedAt ? time(r.acceptedAt) : <span className="muted">–</span>}
                        {r && r.refusedSinceAccepted > 0 && (
                          <span className="cell-sub">
                            <Badge tone="danger">
                              {t('reporting.refusedSince', { n: formatNumber(r.refusedSinceAccepted) })}
                            </Badge>
                          </span>
                        )}
                      </td>
                    );
                  })}
                </tr>
              ))
            ) : (
              <SkeletonRows rows={5} columns={6 + REPORT_KINDS.length} />
            )}
          </tbody>
        </table>
      </div>
      {data && data.total > data.limit && (
        <div className="card-footer">
          <Pager total={data.total} limit={data.limit} offset={offset} onChange={onPage} />
        </div>
      )}
      <p className="card-padded muted">{t('reporting.timesNote')}</p>
    </>
  );
}

function LocationTable({
  data,
  onPage,
}: {
  data: import('../api-client.js').ReportingLocations | undefined;
  onPage: (offset: number) => void;
}) {
  const { t, formatNumber, kindLabel } = useI18n();
  const time = useDateTime();
  return (
    <>
      <div className="table-scroll">
        <table className="data-table" data-testid="reporting-locations">
          <thead>
            <tr>
              <th scope="col">{t('col.location')}</th>
              <th scope="col">{t('col.organisation')}</th>
              <th scope="col">{t('col.region')}</th>
              <th scope="col">{t('reporting.col.lastCount')}</th>
              <th scope="col" className="num">
                {t('reporting.col.age')}
              </th>
              <th scope="col">{t('notices.status')}</th>
            </tr>
          </thead>
          <tbody>
            {data ? (
              data.items.map((l) => (
                <tr key={l.id} data-testid="reporting-location">
                  <th scope="row">
                    {l.name}
                    <span className="cell-sub">
                      <span className="mono">{l.code}</span> · {kindLabel(l.kind)}
                    </span>
                  </th>
                  <td>{l.organisation.name}</td>
                  <td>
                    <Link to={`/regions/${l.regionCode}`}>{l.regionCode}</Link>
                  </td>
                  <td className="nowrap">{l.stockCountedAt ? time(l.stockCountedAt) : '–'}</td>
                  <td className="num">
                    {l.ageDays === null ? '–' : t('reporting.days', { n: formatNumber(l.ageDays) })}
                  </td>
                  <td>
                    <Badge tone={TONE[l.status]}>{t(`reporting.status.${l.status}` as MessageKey)}</Badge>
                  </td>
                </tr>
              ))
            ) : (
              <SkeletonRows rows={10} columns={6} />
            )}
          </tbody>
        </table>
      </div>
      {data && (data.total > data.limit || data.offset > 0) && (
        <div className="card-footer">
          <Pager total={data.total} limit={data.limit} offset={data.offset} onChange={onPage} />
        </div>
      )}
    </>
  );
}
