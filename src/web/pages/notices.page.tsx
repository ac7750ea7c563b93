import { Fragment, useId, useState } from 'react';
import type { NoticeQuery, NoticeStatus, RegisterNotice } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { useDateTime } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { EmptyState, ErrorState, SkeletonRows, Spinner } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { useDebouncedParam } from '../use-debounced-param.js';

const PAGE_SIZE = 25;
const COLUMNS = 7;
/** The API's rule for ?atc= (src/api/notice.routes.ts). */
const ATC_PREFIX = /^[A-Za-z][0-9A-Za-z]{0,6}$/;
const STATUSES: readonly NoticeStatus[] = ['active', 'upcoming', 'later', 'ended'];
const STATUS_TONE: Readonly<Record<NoticeStatus, BadgeTone>> = {
  active: 'danger',
  upcoming: 'warning',
  later: 'info',
  ended: 'neutral',
};

const isStatus = (v: string | null): v is NoticeStatus => STATUSES.includes(v as NoticeStatus);
const isKind = (v: string | null): v is 'shortage' | 'sales_stop' => v === 'shortage' || v === 'sales_stop';

/**
 * Restnoteringar: the register of shortage notices (restanmälningar and försäljningsuppehåll) with
 * search, filters, paging and each notice's corrections.
 */
export function NoticesPage() {
  const { t, formatNumber, formatDate } = useI18n();
  const { params, set } = useQueryState();
  const [text, setText] = useDebouncedParam('q');
  const [atcText, setAtcText] = useDebouncedParam('atc');
  const ids = { search: useId(), atc: useId(), kind: useId(), status: useId(), prio: useId(), late: useId() };

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

      <form className="card filter-panel" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field field-search">
          <label htmlFor={ids.search}>{t('notices.search')}</label>
          <input
            id={ids.search}
            type="search"
            value={text}
            placeholder={t('notices.searchPlaceholder')}
            autoComplete="off"
            maxLength={100}
            onChange={(event) => setText(event.target.value)}
          />
        </div>
        <fieldset className="filter-row">
          <legend className="visually-hidden">{t('catalogue.filters')}</legend>
          <div className="field">
            <label htmlFor={ids.kind}>{t('col.kind')}</label>
            <select
              id={ids.kind}
              value={isKind(kindParam) ? kindParam : ''}
              onChange={(event) => set({ kind: event.target.value || undefined, offset: undefined })}
            >
              <option value="">{t('notices.kindAll')}</option>
              <option value="shortage">{t('notice.shortage')}</option>
              <option value="sales_stop">{t('notice.sales_stop')}</option>
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.status}>{t('notices.status')}</label>
            <select
              id={ids.status}
              value={isStatus(statusParam) ? statusParam : ''}
              onChange={(event) => set({ status: event.target.value || undefined, offset: undefined })}
            >
              <option value="">{t('notices.statusCurrent')}</option>
              {STATUSES.map((s) => (
                <option key={s} value={s}>
                  {t(`notices.status.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-atc">
            <label htmlFor={ids.atc}>{t('catalogue.atc')}</label>
            <input
              id={ids.atc}
              type="text"
              className="mono-input"
              value={atcText}
              placeholder={t('catalogue.atcPlaceholder')}
              maxLength={7}
              autoComplete="off"
              aria-invalid={!atcValid}
              onChange={(event) => setAtcText(event.target.value.toUpperCase())}
            />
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
          <div className="field field-check">
            <input
              id={ids.late}
              type="checkbox"
              checked={late}
              onChange={(event) =>
                set({ late: event.target.checked ? 'true' : undefined, offset: undefined })
              }
            />
            <label htmlFor={ids.late}>{t('notices.lateOnly')}</label>
          </div>
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
          {filtered && (
            <button type="button" className="button button-link filter-clear" onClick={clear}>
              {t('catalogue.clear')}
            </button>
          )}
        </fieldset>
      </form>

      {notices.status === 'error' ? (
        <ErrorState error={notices.error} onRetry={notices.reload} />
      ) : page && page.total === 0 && notices.status === 'ready' ? (
        <EmptyState title={t('notices.emptyTitle')}>{t('notices.emptyBody')}</EmptyState>
      ) : (
        <section className="card table-card" aria-labelledby="notices-count">
          <div className="card-header">
            <h2 id="notices-count" className="result-count" aria-live="polite" data-testid="result-count">
              {page
                ? t(page.total === 1 ? 'notices.countOne' : 'notices.countOther', {
                    n: formatNumber(page.total),
                  })
                : t('state.loading')}
            </h2>
            {page && (
              <span className="muted">
                {t('notices.judgedOn', { date: formatDate(page.today), days: String(page.leadDays) })}
              </span>
            )}
            {notices.status === 'loading' && page && <Spinner label={t('catalogue.updating')} showLabel />}
          </div>
          <div className="table-scroll">
            <table
              className="data-table"
              aria-busy={notices.status === 'loading'}
              data-testid="notice-register"
            >
              <caption className="visually-hidden">{t('notices.title')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('col.company')}</th>
                  <th scope="col">{t('col.kind')}</th>
                  <th scope="col">{t('notices.period')}</th>
                  <th scope="col">{t('notices.status')}</th>
                  <th scope="col">{t('notices.notified')}</th>
                  <th scope="col">{t('notices.corrections')}</th>
                </tr>
              </thead>
              <tbody className={notices.status === 'loading' && page ? 'is-stale' : undefined}>
                {page ? (
                  page.items.map((n) => (
                    <NoticeRow
                      key={n.id}
                      notice={n}
                      onCompany={(id) => set({ company: String(id), offset: undefined })}
                    />
                  ))
                ) : (
                  <SkeletonRows rows={8} columns={COLUMNS} />
                )}
              </tbody>
            </table>
          </div>
          {page && (page.total > page.limit || page.offset > 0) && (
            <div className="card-footer">
              <Pager
                total={page.total}
                limit={page.limit}
                offset={page.offset}
                onChange={(next) => set({ offset: next ? String(next) : undefined })}
              />
            </div>
          )}
        </section>
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
