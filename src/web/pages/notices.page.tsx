import { Fragment, useState } from 'react';
import type { NoticeQuery, NoticeStatus, RegisterNotice } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { useDateTime } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { CardPager } from '../components/pager.js';
import { ResultCard } from '../components/table-card.js';
import { DataTable } from '../components/data-table.js';
import {
  AtcField,
  CheckField,
  FilterPanel,
  FilterRow,
  SearchField,
  SelectField,
} from '../components/fields.js';
import { EmptyState, ErrorState, Spinner } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { useDebouncedParam } from '../use-debounced-param.js';

const PAGE_SIZE = 25;
const COLUMNS = 7;
/** The API's rule for ?atc= (src/api/notice.routes.ts). */
const ATC_PREFIX = /^[A-Za-z][0-9A-Za-z]{0,6}$/;
const STATUSES: readonly NoticeStatus[] = ['active', 'upcoming', 'later', 'ended'];
const KINDS = ['shortage', 'sales_stop'] as const;
const STATUS_TONE: Readonly<Record<NoticeStatus, BadgeTone>> = {
  active: 'danger',
  upcoming: 'warning',
  later: 'info',
  ended: 'neutral',
};

const isStatus = (v: string | null): v is NoticeStatus => STATUSES.includes(v as NoticeStatus);
const isKind = (v: string | null): v is (typeof KINDS)[number] => KINDS.includes(v as (typeof KINDS)[number]);

/**
 * Restnoteringar: the register of shortage notices (restanmälningar and försäljningsuppehåll) with
 * search, filters, paging and each notice's corrections.
 */
export function NoticesPage() {
  const { t, formatNumber, formatDate } = useI18n();
  const { params, set } = useQueryState();
  const [text, setText] = useDebouncedParam('q');
  const [atcText, setAtcText] = useDebouncedParam('atc');

  const q = params.get('q') ?? '';
  const atc = params.get('atc') ?? '';
  const kindParam = params.get('kind');
  const statusParam = params.get('status');
  const company = Number.parseInt(params.get('company') ?? '', 10) || undefined;
  const prioritised = params.get('prioritised') === 'true';
  const late = params.get('late') === 'true';
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const atcValid = atc === '' || ATC_PREFIX.test(atc);

  const query: NoticeQuery = {
    q: q || undefined,
    atc: atcValid ? atc || undefined : undefined,
    kind: isKind(kindParam) ? kindParam : undefined,
    status: isStatus(statusParam) ? statusParam : undefined,
    company,
    prioritised: prioritised || undefined,
    late: late || undefined,
    limit: PAGE_SIZE,
    offset,
  };
  const notices = useApi(`notices:${JSON.stringify(query)}`, (api, signal) => api.notices(query, signal));
  const page = notices.data;
  const companyName = company ? page?.items.find((n) => n.company.id === company)?.company.name : undefined;
  const filtered = Boolean(q || atc || kindParam || statusParam || company || prioritised || late);
  const clear = () => {
    setText('');
    setAtcText('');
    set({
      q: undefined,
      atc: undefined,
      kind: undefined,
      status: undefined,
      company: undefined,
      prioritised: undefined,
      late: undefined,
      offset: undefined,
    });
  };

  return (
    <>
      <PageHeader title={t('notices.title')} lead={t('notices.lead')} />

      <FilterPanel>
        <SearchField
          label={t('notices.search')}
          value={text}
          placeholder={t('notices.searchPlaceholder')}
          onChange={setText}
        />
        <FilterRow legend={t('catalogue.filters')} onClear={filtered ? clear : undefined}>
          <SelectField
            label={t('col.kind')}
            value={isKind(kindParam) ? kindParam : ''}
            all={t('notices.kindAll')}
            options={KINDS.map((k) => ({ value: k, label: t(`notice.${k}`) }))}
            onChange={(value) => set({ kind: value || undefined, offset: undefined })}
          />
          <SelectField
            label={t('notices.status')}
            value={isStatus(statusParam) ? statusParam : ''}
            all={t('notices.statusCurrent')}
            options={STATUSES.map((s) => ({ value: s, label: t(`notices.status.${s}` as MessageKey) }))}
            onChange={(value) => set({ status: value || undefined, offset: undefined })}
          />
          <AtcField value={atcText} invalid={!atcValid} onChange={setAtcText} />
          <CheckField
            label={t('notices.prioritisedOnly')}
            checked={prioritised}
            onChange={(checked) => set({ prioritised: checked ? 'true' : undefined, offset: undefined })}
          />
          <CheckField
            label={t('notices.lateOnly')}
            checked={late}
            onChange={(checked) => set({ late: checked ? 'true' : undefined, offset: undefined })}
          />
          {company && (
            <span className="filter-chip" data-testid="company-filter">
              {t('notices.companyFilter', { name: companyName ?? `#${company}` })}{' '}
              <button
                type="button"
                className="button button-link"
                onClick={() => set({ company: undefined, offset: undefined })}
              >
                {t('notices.removeFilter')}
              </button>
            </span>
          )}
        </FilterRow>
      </FilterPanel>

      {notices.status === 'error' ? (
        <ErrorState error={notices.error} onRetry={notices.reload} />
      ) : page && page.total === 0 && notices.status === 'ready' ? (
        <EmptyState title={t('notices.emptyTitle')}>{t('notices.emptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="notices-count"
          count={
            page &&
            t(page.total === 1 ? 'notices.countOne' : 'notices.countOther', { n: formatNumber(page.total) })
          }
          detail={
            page && (
              <span className="muted">
                {t('notices.judgedOn', { date: formatDate(page.today), days: String(page.leadDays) })}
              </span>
            )
          }
          updating={notices.status === 'loading' && page !== undefined}
        >
          <DataTable
            columns={[
              'col.name',
              'col.company',
              'col.kind',
              'notices.period',
              'notices.status',
              'notices.notified',
              'notices.corrections',
            ]}
            caption={t('notices.title')}
            testId="notice-register"
            loading={notices.status === 'loading'}
            skeletonRows={8}
            rows={page?.items.map((n) => (
              <NoticeRow
                key={n.id}
                notice={n}
                onCompany={(id) => set({ company: String(id), offset: undefined })}
              />
            ))}
          />
          <CardPager page={page} />
        </ResultCard>
      )}
    </>
  );
}

function NoticeRow({ notice: n, onCompany }: { notice: RegisterNotice; onCompany: (id: number) => void }) {
  const { t, formatDate } = useI18n();
  const time = useDateTime();
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <tr data-testid="notice-row">
        <th scope="row">
          <Link to={`/products/${n.packageId}`} className="product-name">
            {n.name}
          </Link>
          <span className="cell-sub">
            {n.pack} · <span className="mono">{n.atcCode}</span>
            {n.nplPackId ? <span className="mono"> · NPL {n.nplPackId}</span> : null}
          </span>
        </th>
        <td>
          <button type="button" className="button button-link" onClick={() => onCompany(n.company.id)}>
            {n.company.name}
          </button>
        </td>
        <td>
          <span className="badges">
            <Badge tone={n.kind === 'sales_stop' ? 'danger' : 'warning'}>{t(`notice.${n.kind}`)}</Badge>
            {n.prioritised && <Badge tone="info">{t('notices.prioritised')}</Badge>}
          </span>
        </td>
        <td className="nowrap">
          {t('notice.period', {
            from: formatDate(n.expectedStart),
            to: n.expectedEnd ? formatDate(n.expectedEnd) : t('notice.openEnded'),
          })}
        </td>
        <td>
          <span className="badges">
            <Badge tone={STATUS_TONE[n.status]}>{t(`notices.status.${n.status}` as MessageKey)}</Badge>
            {n.late && <Badge tone="danger">{t('notice.late')}</Badge>}
          </span>
        </td>
        <td className="nowrap">{time(n.firstNotifiedAt)}</td>
        <td>
          {n.corrections > 0 ? (
            <button
              type="button"
              className="button button-link"
              aria-expanded={open}
              onClick={() => setOpen((o) => !o)}
              data-testid="history-toggle"
            >
              {t(n.corrections === 1 ? 'notices.correctionsOne' : 'notices.correctionsOther', {
                n: String(n.corrections),
              })}
            </button>
          ) : (
            <span className="muted">{t('notices.noCorrections')}</span>
          )}
        </td>
      </tr>
      {open && (
        <tr className="row-detail">
          <td colSpan={COLUMNS}>
            <NoticeHistoryView id={n.id} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}

function NoticeHistoryView({ id }: { id: number }) {
  const { t, formatDate } = useI18n();
  const time = useDateTime();
  const history = useApi(`notice-history:${id}`, (api, signal) => api.noticeHistory(id, signal));
  if (history.status === 'error') return <ErrorState error={history.error} onRetry={history.reload} />;
  if (!history.data) return <Spinner />;
  return (
    <ol className="notice-history" data-testid="notice-history">
      {history.data.versions.map((v) => (
        <li key={v.id}>
          <strong>
            {v.version === 0 ? t('notices.firstVersion') : t('notices.correction', { n: String(v.version) })}
          </strong>{' '}
          {time(v.notifiedAt)}:{' '}
          {t('notice.period', {
            from: formatDate(v.expectedStart),
            to: v.expectedEnd ? formatDate(v.expectedEnd) : t('notice.openEnded'),
          })}
          {v.reason ? ` · ${v.reason}` : ''}
          {v.late && (
            <>
              {' '}
              <Badge tone="danger">{t('notice.late')}</Badge>
            </>
          )}
          {v.current && (
            <>
              {' '}
              <Badge tone="success">{t('notices.currentVersion')}</Badge>
            </>
          )}
        </li>
      ))}
    </ol>
  );
}
