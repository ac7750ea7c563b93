import { Fragment, useId, useState } from 'react';
import type { Static } from '@sinclair/typebox';
import type { SupervisionDto } from '../../api/supervision.routes.js';
import { addDays } from '../../domain/calendar.js';
import { SUPERVISION_STATUSES, type SupervisionStatus } from '../../domain/supervision.js';
import type { Me, Page } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { FilterPanel, FilterRow, SelectField } from '../components/fields.js';
import { PageHeader } from '../components/page-header.js';
import { SectionTabs, type SectionTab } from '../components/section-tabs.js';
import { CardPager } from '../components/pager.js';
import { ExportButtons } from '../components/picture.js';
import { EmptyState, ErrorState, Spinner } from '../components/states.js';
import { ResultCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

type Row = Static<typeof SupervisionDto>;
type SupervisionPage = Page<Row> & {
  day: string;
  today: string;
  counts: Record<SupervisionStatus, number>;
};

const PAGE_SIZE = 25;

/** Authorities see every company's obligations, a company its own; nobody else has any (issue 12 item 9). */
export const seesObligations = (me: Me) =>
  me.organisation.kind === 'authority' || me.organisation.kind === 'company';

/**
 * The pages of the stockpiling obligation (issue 12): one item in the main menu
 * (Lagerhållningsskyldighet), these tabs between its pages.
 */
export const OBLIGATION_TABS: readonly SectionTab[] = [
  { to: '/obligations', label: 'nav.obligations' },
  { to: '/supervision', label: 'nav.supervision', visible: seesObligations },
  { to: '/dispensations', label: 'nav.dispensations', visible: seesObligations },
  { to: '/compensation', label: 'nav.compensation', visible: seesObligations },
];
export const SUPERVISION_TONE: Readonly<Record<SupervisionStatus, BadgeTone>> = {
  compliant: 'success',
  under_dispensation: 'info',
  below: 'danger',
};
const STAT_CLASS: Readonly<Record<SupervisionStatus, string>> = {
  compliant: 'risk-stat-adequate',
  under_dispensation: 'risk-stat-none',
  below: 'risk-stat-critical',
};
const isStatus = (v: string | null): v is SupervisionStatus =>
  SUPERVISION_STATUSES.includes(v as SupervisionStatus);

/**
 * Tillsyn (issue 12 item 4, R1): each obligation in force against the stock the company owns in
 * Sweden, per package and day. Läkemedelsverket (authorities) sees every company, deviations first;
 * a company sees its own status.
 */
export function SupervisionPage() {
  const { t, formatNumber, formatDate } = useI18n();
  const { me } = useSession();
  const { params, set } = useQueryState();
  const dayId = useId();
  const authority = me.organisation.kind === 'authority';
  // An authority opens on the deviations; a company on its whole list.
  const statusParam = params.get('status') ?? (authority ? 'below' : 'all');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const day = params.get('day') ?? undefined;
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const query = { status, day, limit: PAGE_SIZE, offset };
  const list = useApi(`supervision:${JSON.stringify(query)}`, (api, signal) =>
    api.request<SupervisionPage>('/api/supervision', { query, signal }),
  );
  const page = list.data;
  const exportQuery = { status, day };

  return (
    <>
      <SectionTabs label="nav.stockpiling" tabs={OBLIGATION_TABS} />
      <PageHeader
        title={t('sup.title')}
        lead={authority ? t('sup.leadAuthority') : t('sup.leadCompany', { org: me.organisation.name })}
      />
      {page && (
        <section
          className="stats risk-stats sup-stats"
          aria-label={t('sup.summary')}
          data-testid="sup-counts"
        >
          {SUPERVISION_STATUSES.map((s) => (
            <button
              key={s}
              type="button"
              className={`stat card stat-link ${STAT_CLASS[s]}${status === s ? ' is-current' : ''}`}
              aria-pressed={status === s}
              onClick={() => set({ status: status === s ? 'all' : s, offset: undefined })}
            >
              <span className="stat-label">{t(`sup.status.${s}` as MessageKey)}</span>
              <span className="stat-value">{formatNumber(page.counts[s])}</span>
              <span className="stat-note">{t(`sup.statusNote.${s}` as MessageKey)}</span>
            </button>
          ))}
        </section>
      )}
      <FilterPanel>
        <FilterRow legend={t('catalogue.filters')}>
          <SelectField
            label={t('sup.statusFilter')}
            value={status ?? ''}
            all={t('sup.statusAll')}
            options={SUPERVISION_STATUSES.map((s) => ({
              value: s,
              label: t(`sup.status.${s}` as MessageKey),
            }))}
            onChange={(value) => set({ status: value || 'all', offset: undefined })}
          />
          <div className="field">
            <label htmlFor={dayId}>{t('sup.day')}</label>
            <input
              id={dayId}
              type="date"
              value={page?.day ?? day ?? ''}
              max={page?.today}
              onChange={(e) => set({ day: e.target.value || undefined, offset: undefined })}
            />
          </div>
        </FilterRow>
      </FilterPanel>

      {list.status === 'error' ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : page && page.total === 0 && list.status === 'ready' ? (
        <EmptyState title={t(status === 'below' ? 'sup.emptyBelowTitle' : 'sup.emptyTitle')}>
          {t('sup.emptyBody')}
        </EmptyState>
      ) : (
        <ResultCard
          id="sup-count"
          count={
            page &&
            t(page.total === 1 ? 'sup.countOne' : 'sup.count', {
              n: formatNumber(page.total),
              day: formatDate(page.day),
            })
          }
          updating={list.status === 'loading' && page !== undefined}
          actions={<ExportButtons path="/api/supervision/export" query={exportQuery} name="tillsyn" />}
        >
          <DataTable
            columns={[
              authority && 'col.company',
              'col.name',
              num('sup.col.obligation', 'sup.col.obligationTitle'),
              num('sup.col.stock', 'sup.col.stockTitle'),
              'sup.col.status',
              num('sup.col.shortfall'),
              num('sup.col.shortfallValue'),
              'sup.col.since',
              { label: 'sup.history', hidden: true },
            ]}
            caption={t('sup.title')}
            testId="supervision"
            loading={list.status === 'loading'}
            rows={page?.items.map((r) => (
              <SupervisionRow key={`${r.company.id}:${r.package.id}`} r={r} showCompany={authority} />
            ))}
          />
          <CardPager page={page} />
        </ResultCard>
      )}
      <p className="muted">{t('sup.rule')}</p>
    </>
  );
}

/** Days of history shown under a row. */
const HISTORY_DAYS = 30;
const COLUMNS = 9;

/** One obligation's row; `showCompany` for those who see several companies (a company sees its own). */
function SupervisionRow({ r, showCompany }: { r: Row; showCompany: boolean }) {
  const { t, formatNumber, formatDate } = useI18n();
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <tr data-testid="supervision-row">
        {showCompany && <td>{r.company.name}</td>}
        <th scope="row">
          {r.package.name}
          <span className="cell-sub mono">NPL {r.package.nplPackId}</span>
        </th>
        <td className="num">
          {formatNumber(r.volume)}
          {r.volume !== r.publishedVolume && (
            <span className="cell-sub">{t('sup.published', { n: formatNumber(r.publishedVolume) })}</span>
          )}
        </td>
        <td className="num">{formatNumber(r.stock)}</td>
        <td>
          <Badge tone={SUPERVISION_TONE[r.status]}>{t(`sup.status.${r.status}` as MessageKey)}</Badge>
        </td>
        <td className="num">{r.shortfall > 0 ? formatNumber(r.shortfall) : '–'}</td>
        <td className="num">
          {r.shortfall > 0 && r.shortfallValueSek !== null
            ? formatNumber(r.shortfallValueSek, { maximumFractionDigits: 0 })
            : '–'}
        </td>
        <td className="nowrap">{r.belowSince ? formatDate(r.belowSince) : '–'}</td>
        <td>
          <button
            type="button"
            className="button button-link"
            aria-expanded={open}
            onClick={() => setOpen((o) => !o)}
            data-testid="history-toggle"
          >
            {t('sup.history')}
          </button>
        </td>
      </tr>
      {open && (
        <tr className="row-detail">
          <td colSpan={showCompany ? COLUMNS : COLUMNS - 1}>
            <History r={r} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

/** The obligation's stored days, newest first, up to HISTORY_DAYS before the row's day. */
function History({ r }: { r: Row }) {
  const { t, formatNumber, formatDate } = useI18n();
  const query = {
    company: r.company.id,
    package: r.package.id,
    from: addDays(r.day, -HISTORY_DAYS),
    to: r.day,
  };
  const history = useApi(`supervision-history:${JSON.stringify(query)}`, (api, signal) =>
    api.request<{ items: Row[] }>('/api/supervision/history', { query, signal }),
  );
  if (history.status === 'error') return <ErrorState error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Spinner />;
  return (
    <ol className="notice-history" data-testid="supervision-history">
      {[...history.data.items].reverse().map((h) => (
        <li key={h.day}>
          <strong>{formatDate(h.day)}</strong>:{' '}
          <Badge tone={SUPERVISION_TONE[h.status]}>{t(`sup.status.${h.status}` as MessageKey)}</Badge>{' '}
          {t('sup.historyLine', {
            stock: formatNumber(h.stock),
            volume: formatNumber(h.volume),
            shortfall: formatNumber(h.shortfall),
          })}
        </li>
      ))}
    </ol>
  );
}
