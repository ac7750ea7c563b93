import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { usePercent } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { ClassificationMark, ExportButtons } from '../components/picture.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { TableCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import {
  regionalScorecard,
  regionalTargetSummary,
  type RegionalScorecard,
  type RegionalTargetSummary,
  type TargetStatus,
} from '../preparedness-api.js';
import { Link } from '../router.js';
import { useApi } from '../use-api.js';

/*
 * R2, issue 12 item 6: the regions against the one-month target. The national summary (authorities and
 * Nationellt CT see every region, a region its own row) and one region's scorecard per medicine on
 * Socialstyrelsen's prioritised list.
 */

const STATUS_TONE: Readonly<Record<TargetStatus, BadgeTone>> = {
  met: 'success',
  not_met: 'danger',
  no_consumption: 'neutral',
};
const STATUS_KEY: Readonly<Record<TargetStatus, MessageKey>> = {
  met: 'target.status.met',
  not_met: 'target.status.not_met',
  no_consumption: 'target.status.no_consumption',
};

export function TargetStatusBadge({ status }: { status: TargetStatus }) {
  const { t } = useI18n();
  return <Badge tone={STATUS_TONE[status]}>{t(STATUS_KEY[status])}</Badge>;
}

/** The two pages of the regions' preparedness (one item in the main menu). */
export function PreparednessTabs({ current }: { current: 'target' | 'funds' }) {
  const { t } = useI18n();
  const tabs = [
    { key: 'target', to: '/preparedness/regions', label: t('preparedness.tab.target') },
    { key: 'funds', to: '/preparedness/funds', label: t('preparedness.tab.funds') },
  ] as const;
  return (
    <nav className="subnav" aria-label={t('preparedness.tabs')}>
      {tabs.map((tab) => (
        <Link key={tab.key} to={tab.to} aria-current={tab.key === current ? 'page' : undefined}>
          {tab.label}
        </Link>
      ))}
    </nav>
  );
}

/** What the figures rest on: the picture's day, the list version, what counts. */
function TargetBasis({ data }: { data: RegionalTargetSummary | RegionalScorecard }) {
  const { t, formatDate, formatNumber, kindLabel } = useI18n();
  return (
    <p className="muted" data-testid="target-basis">
      {t('target.basis', {
        day: formatDate(data.day),
        list: data.list ? `${data.list.name} (${formatDate(data.list.validFrom)})` : t('target.noList'),
        kinds: data.countedKinds.map((k) => kindLabel(k).toLowerCase()).join(', '),
      })}
      {data.contractedStockCounts && ` ${t('target.contracted')}`}{' '}
      {t('target.consumption', {
        channels: data.channels.map((c) => t(`target.channel.${c}`)).join(', '),
        days: formatNumber(data.consumptionWindowDays),
      })}
    </p>
  );
}

/** Beredskapsmål: every region the caller may see, its medicines met and not met, and the share met. */
export function RegionalTargetPage() {
  const { t, formatNumber } = useI18n();
  const percent = usePercent();
  const summary = useApi('regional-target', (api, signal) => regionalTargetSummary(api, signal));
  const data = summary.data;

  return (
    <>
      <PreparednessTabs current="target" />
      <ClassificationMark classification={data?.classification} />
      <PageHeader
        title={t('target.title')}
        lead={t('target.lead')}
        actions={
          data && data.regions.length > 0 ? (
            <ExportButtons path="/api/preparedness/regional-target/export" name="regionalt-malet" />
          ) : undefined
        }
      />
      {summary.status === 'error' && <ErrorState error={summary.error} onRetry={summary.reload} />}
      {data && <TargetBasis data={data} />}
      {data && data.regions.length === 0 ? (
        <EmptyState title={t('target.noRegions')}>{t('target.noRegionsHint')}</EmptyState>
      ) : (
        <TableCard
          id="target-regions"
          title={t('target.regions')}
          count={data?.regions.length}
          testId="target-summary"
        >
          <DataTable
            columns={[
              'target.region',
              num('target.medicines'),
              num('target.met'),
              num('target.notMet'),
              num('target.noConsumption', 'target.noConsumptionHint'),
              num('target.shareMet', 'target.shareMetHint'),
            ]}
            rows={data?.regions.map((r) => (
              <tr key={r.code} data-testid="target-region-row">
                <th scope="row">
                  <Link to={`/preparedness/regions/${r.code}`}>{r.name}</Link>
                </th>
                <td className="num">{formatNumber(r.medicines)}</td>
                <td className="num">{formatNumber(r.met)}</td>
                <td className="num">{formatNumber(r.notMet)}</td>
                <td className="num">{formatNumber(r.noConsumption)}</td>
                <td className="num">
                  <ShareBar share={r.shareMet} label={percent(r.shareMet)} />
                </td>
              </tr>
            ))}
            foot={
              data && data.regions.length > 1 ? (
                <tfoot>
                  <tr data-testid="target-totals">
                    <th scope="row">{t('target.allRegions')}</th>
                    <td className="num">{formatNumber(data.totals.medicines)}</td>
                    <td className="num">{formatNumber(data.totals.met)}</td>
                    <td className="num">{formatNumber(data.totals.notMet)}</td>
                    <td className="num">{formatNumber(data.totals.noConsumption)}</td>
                    <td className="num">{percent(data.totals.shareMet)}</td>
                  </tr>
                </tfoot>
              ) : undefined
            }
          />
        </TableCard>
      )}
    </>
  );
}

/** A share as a small bar with its percentage beside it. */
function ShareBar({ share, label }: { share: number | null; label: string }) {
  return (
    <span className="share-bar">
      {share !== null && (
        <span className="share-bar-track" aria-hidden="true">
          <span className="share-bar-fill" style={{ width: `${Math.round(share * 100)}%` }} />
        </span>
      )}
      <span>{label}</span>
    </span>
  );
}

/** One region's scorecard: per medicine its own stock, a month's consumption, months held, met or not. */
export function RegionalScorecardPage({ code }: { code: string }) {
  const { t, formatNumber } = useI18n();
  const percent = usePercent();
  const card = useApi(`regional-scorecard:${code}`, (api, signal) => regionalScorecard(api, code, signal));
  const data = card.data;
  const months = (m: number | null) =>
    m === null ? '–' : formatNumber(m, { minimumFractionDigits: 1, maximumFractionDigits: m < 10 ? 2 : 1 });

  return (
    <>
      <PreparednessTabs current="target" />
      <ClassificationMark classification={data?.classification} />
      <PageHeader
        eyebrow={<Link to="/preparedness/regions">{t('target.title')}</Link>}
        title={data ? t('target.scorecardTitle', { region: data.region.name }) : t('target.title')}
        lead={t('target.scorecardLead')}
        actions={
          data ? (
            <ExportButtons
              path={`/api/preparedness/regional-target/${code}/export`}
              name={`regionalt-malet-${code}`}
            />
          ) : undefined
        }
      />
      {card.status === 'error' && <ErrorState error={card.error} onRetry={card.reload} />}
      {data && <TargetBasis data={data} />}
      {data && (
        <section className="stats" aria-label={t('target.summary')} data-testid="scorecard-summary">
          <div className="stat card">
            <div className="stat-label">{t('target.met')}</div>
            <div className="stat-value" data-testid="met-count">
              {formatNumber(data.summary.met)}
            </div>
            <div className="stat-note">
              {t('target.ofMedicines', {
                n: formatNumber(data.summary.medicines),
                none: formatNumber(data.summary.noConsumption),
              })}
            </div>
          </div>
          <div className={`stat card${data.summary.notMet > 0 ? ' stat-warning' : ''}`}>
            <div className="stat-label">{t('target.notMet')}</div>
            <div className="stat-value">{formatNumber(data.summary.notMet)}</div>
          </div>
          <div className="stat card">
            <div className="stat-label">{t('target.shareMet')}</div>
            <div className="stat-value" data-testid="share-met">
              {percent(data.summary.shareMet)}
            </div>
            <div className="stat-note">{t('target.shareMetHint')}</div>
          </div>
        </section>
      )}
      {card.status !== 'error' && (
        <TableCard
          id="scorecard-items"
          title={t('target.medicinesOnList')}
          count={data?.items.length}
          testId="scorecard"
        >
          <DataTable
            columns={[
              num('target.position'),
              'target.medicine',
              num('target.packages'),
              num('target.stockUnits', 'target.unitsHint'),
              num('target.preparednessUnits'),
              num('target.monthlyUnits', 'target.monthlyHint'),
              num('target.monthsHeld'),
              'target.status',
            ]}
            rows={data?.items.map((r) => (
              <tr key={r.position} data-testid="scorecard-row">
                <td className="num">{r.position}</td>
                <th scope="row">
                  {r.substance}
                  <span className="muted">
                    {' '}
                    · {r.atcCode}
                    {r.form ? ` · ${r.form}` : ''}
                  </span>
                </th>
                <td className="num">{formatNumber(r.packages)}</td>
                <td className="num">{formatNumber(r.stockUnits, { maximumFractionDigits: 0 })}</td>
                <td className="num">{formatNumber(r.preparednessUnits, { maximumFractionDigits: 0 })}</td>
                <td className="num">{formatNumber(r.monthlyUnits, { maximumFractionDigits: 1 })}</td>
                <td className="num" data-testid="months-held">
                  {months(r.monthsHeld)}
                </td>
                <td>
                  <TargetStatusBadge status={r.status} />
                </td>
              </tr>
            ))}
          />
        </TableCard>
      )}
    </>
  );
}
