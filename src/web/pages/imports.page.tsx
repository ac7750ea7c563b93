import type { RegisterImport } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { useDateTime } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { EmptyState, ErrorState, SkeletonBlock, SkeletonRows } from '../components/states.js';
import { DICTIONARIES, useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { useRegisterText } from './product-register.component.js';

const PAGE_SIZE = 25;
const LIST_COLUMNS = 11;
/**
 * How many pack ids of one change list the detail view shows (ours: a national total export may add
 * 15,000 packages; the API gives the whole list).
 */
export const CHANGE_LIST_SHOWN = 200;

/** The counts of an NPL import's summary, in the order the detail view shows them. */
const NPL_SUMMARY_KEYS = [
  'files',
  'products',
  'packages',
  'added',
  'changed',
  'unchanged',
  'withdrawn',
  'withdrawnWithStockOrSales',
  'organisationsCreated',
  'organisationsRenamed',
  'packSizesUnknown',
] as const;
const LIST_SUMMARY_KEYS = ['entries', 'closedVersions'] as const;

interface NplChanges {
  added: string[];
  changed: { nplPackId: string; fields: string[] }[];
  withdrawn: { nplPackId: string; stockOrSales: boolean }[];
}
interface ListChanges {
  version: string;
  validFrom: string;
  previous: string | null;
}

function isNplChanges(c: unknown): c is NplChanges {
  return typeof c === 'object' && c !== null && 'added' in c && Array.isArray(c.added);
}
function isListChanges(c: unknown): c is ListChanges {
  return typeof c === 'object' && c !== null && 'version' in c && typeof c.version === 'string';
}

function useImportText() {
  const { t, lang } = useI18n();
  const dictionary = DICTIONARIES[lang];
  const dateTime = useDateTime();
  return {
    register: (r: string) => (r === 'npl' || r === 'prioritised_list' ? t(`imports.register.${r}`) : r),
    mode: (m: string | null) => (m === 'total' || m === 'delta' ? t(`imports.mode.${m}`) : (m ?? '–')),
    time: dateTime,
    by: (i: RegisterImport) => i.organisationName ?? t('imports.cli'),
    /** The label of a summary count; a count this page does not know is shown by its name. */
    summaryLabel: (k: string) => {
      const key = `imports.summary.${k}`;
      return key in dictionary ? t(key as MessageKey) : k;
    },
  };
}

/**
 * Registerimporter: the imports of the registers the caller may import (Läkemedelsverket NPL,
 * Socialstyrelsen the list, an administrator both), newest first, with their counts.
 */
export function ImportsPage() {
  const { t, formatNumber } = useI18n();
  const { params, set } = useQueryState();
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const imports = useApi(`imports:${offset}`, (api, signal) =>
    api.registerImports({ limit: PAGE_SIZE, offset }, signal),
  );
  const data = imports.data;
  return (
    <>
      <PageHeader title={t('imports.title')} lead={t('imports.lead')} />
      {imports.status === 'error' && !data ? (
        <ErrorState error={imports.error} onRetry={imports.reload} />
      ) : data && data.total === 0 ? (
        <EmptyState title={t('imports.empty')} />
      ) : (
        <section className="card table-card" aria-labelledby="imports-table-title">
          <div className="card-header">
            <h2 id="imports-table-title" className="section-title">
              {t('imports.tableCaption')}
            </h2>
            {data && (
              <span className="muted" data-testid="imports-count">
                {t('imports.count', { n: formatNumber(data.total) })}
              </span>
            )}
          </div>
          <div className="table-scroll">
            <table className="data-table compact-table imports-table" data-testid="imports-table">
              <thead>
                <tr>
                  <th scope="col">{t('imports.col.id')}</th>
                  <th scope="col">{t('imports.col.register')}</th>
                  <th scope="col">{t('imports.col.source')}</th>
                  <th scope="col">{t('imports.col.asOf')}</th>
                  <th scope="col">{t('imports.col.receivedBy')}</th>
                  <th scope="col">{t('imports.col.status')}</th>
                  <th scope="col" className="num">
                    {t('imports.col.added')}
                  </th>
                  <th scope="col" className="num">
                    {t('imports.col.changed')}
                  </th>
                  <th scope="col" className="num">
                    {t('imports.col.withdrawn')}
                  </th>
                  <th scope="col" className="num">
                    {t('imports.col.unchanged')}
                  </th>
                  <th scope="col">{t('imports.col.notes')}</th>
                </tr>
              </thead>
              <tbody className={imports.status === 'loading' && data ? 'is-stale' : undefined}>
                {data ? (
                  data.items.map((i) => <ImportRow key={i.id} item={i} />)
                ) : (
                  <SkeletonRows rows={5} columns={LIST_COLUMNS} />
                )}
              </tbody>
            </table>
          </div>
          {data && data.total > PAGE_SIZE && (
            <div className="card-footer">
              <Pager
                total={data.total}
                limit={PAGE_SIZE}
                offset={offset}
                onChange={(next) => set({ offset: next ? String(next) : undefined })}
              />
            </div>
          )}
        </section>
      )}
    </>
  );
}

function ImportRow({ item }: { item: RegisterImport }) {
  const { t, formatNumber, formatDate } = useI18n();
  const text = useImportText();
  const count = (k: string) => {
    const n = item.summary[k];
    return n === undefined ? '–' : formatNumber(n);
  };
  const notes = [
    item.warnings.length > 0 ? t('imports.warnings', { n: formatNumber(item.warnings.length) }) : '',
    item.problemCount > 0 ? t('imports.problems', { n: formatNumber(item.problemCount) }) : '',
  ].filter(Boolean);
  return (
    <tr data-testid="import-row" data-id={item.id}>
      <th scope="row">
        <Link className="row-link" to={`/imports/${item.id}`}>
          {item.id}
        </Link>
      </th>
      <td>
        <span className="nowrap">{text.register(item.register)}</span>
        {item.mode && <span className="cell-sub">{text.mode(item.mode)}</span>}
      </td>
      <td className="source-cell">
        <span className="mono">{item.source}</span>
        <span className="cell-sub mono" title={item.contentSha256}>
          SHA-256 {item.contentSha256.slice(0, 12)}
        </span>
      </td>
      <td className="nowrap">{formatDate(item.asOf)}</td>
      <td>
        <span className="nowrap">{text.time(item.receivedAt)}</span>
        <span className="cell-sub">
          {text.by(item)}
          {item.userName ? ` · ${item.userName}` : ''}
        </span>
      </td>
      <td>
        {item.status === 'accepted' ? (
          <Badge tone="success">{t('imports.status.accepted')}</Badge>
        ) : (
          <Badge tone="danger">{t('imports.status.rejected')}</Badge>
        )}
      </td>
      {item.register === 'npl' || item.status === 'rejected' ? (
        <>
          <td className="num">{count('added')}</td>
          <td className="num">{count('changed')}</td>
          <td className="num">{count('withdrawn')}</td>
          <td className="num">{count('unchanged')}</td>
        </>
      ) : (
        <td colSpan={4} className="list-version-cell">
          {t('imports.listVersion', { n: formatNumber(item.summary.entries ?? 0) })}
        </td>
      )}
      <td className="notes-cell">
        {notes.length > 0 ? notes.join(', ') : <span className="muted">–</span>}
        {item.status === 'rejected' && item.problems[0] && (
          <span className="cell-sub">{item.problems[0].message}</span>
        )}
      </td>
    </tr>
  );
}

/** One import: its facts, its counts, what it added, changed and removed, its warnings or problems. */
export function ImportPage({ id }: { id: string }) {
  const { t, formatNumber, formatDate } = useI18n();
  const importId = Number(id);
  const text = useImportText();
  const loaded = useApi(`import:${id}`, (api, signal) => api.registerImport(importId, signal));
  const item = loaded.data;
  const back = (
    <Link to="/imports" className="back-link">
      <span aria-hidden="true">← </span>
      {t('imports.back')}
    </Link>
  );
  if (loaded.status === 'error' && !item) {
    return (
      <>
        <PageHeader title={t('imports.detailTitle', { id })} eyebrow={back} />
        <ErrorState error={loaded.error} onRetry={loaded.reload} />
      </>
    );
  }
  const summaryKeys = item?.register === 'npl' ? NPL_SUMMARY_KEYS : LIST_SUMMARY_KEYS;
  return (
    <>
      <PageHeader
        eyebrow={back}
        title={t('imports.detailTitle', { id })}
        lead={item ? `${text.register(item.register)} · ${item.source}` : undefined}
        actions={
          item &&
          (item.status === 'accepted' ? (
            <Badge tone="success">{t('imports.status.accepted')}</Badge>
          ) : (
            <Badge tone="danger">{t('imports.status.rejected')}</Badge>
          ))
        }
      />
      {!item ? (
        <SkeletonBlock lines={8} />
      ) : (
        <>
          <section className="card card-padded section-gap" aria-labelledby="import-summary">
            <h2 id="import-summary" className="section-title">
              {t('imports.summaryTitle')}
            </h2>
            <dl className="receipt-facts" data-testid="import-facts">
              <div>
                <dt>{t('imports.col.register')}</dt>
                <dd>{text.register(item.register)}</dd>
              </div>
              <div>
                <dt>{t('imports.col.asOf')}</dt>
                <dd>{formatDate(item.asOf)}</dd>
              </div>
              {item.mode && (
                <div>
                  <dt>{t('imports.col.mode')}</dt>
                  <dd>{text.mode(item.mode)}</dd>
                </div>
              )}
              <div>
                <dt>{t('imports.col.receivedAt')}</dt>
                <dd>{text.time(item.receivedAt)}</dd>
              </div>
              <div>
                <dt>{t('imports.col.by')}</dt>
                <dd>
                  {text.by(item)}
                  {item.userName ? ` · ${item.userName}` : ''}
                </dd>
              </div>
              <div className="receipt-checksum">
                <dt>{t('imports.checksum')}</dt>
                <dd className="mono">{item.contentSha256}</dd>
              </div>
            </dl>
            {item.status === 'accepted' && (
              <dl className="summary-counts" data-testid="import-summary">
                {summaryKeys
                  .filter((k) => item.summary[k] !== undefined)
                  .map((k) => (
                    <div key={k} data-key={k}>
                      <dt>{text.summaryLabel(k)}</dt>
                      <dd>{formatNumber(item.summary[k] ?? 0)}</dd>
                    </div>
                  ))}
              </dl>
            )}
          </section>
          {isNplChanges(item.changes) && <NplChangeLists changes={item.changes} />}
          {isListChanges(item.changes) && (
            <section className="card card-padded section-gap" aria-labelledby="import-list">
              <h2 id="import-list" className="section-title">
                {t('imports.listTitle')}
              </h2>
              <dl className="receipt-facts">
                <div>
                  <dt>{t('imports.listVersionLabel')}</dt>
                  <dd>{item.changes.version}</dd>
                </div>
                <div>
                  <dt>{t('imports.listValidFrom')}</dt>
                  <dd>{formatDate(item.changes.validFrom)}</dd>
                </div>
                <div>
                  <dt>{t('imports.listPrevious')}</dt>
                  <dd>{item.changes.previous ?? '–'}</dd>
                </div>
              </dl>
            </section>
          )}
          {item.warnings.length > 0 && (
            <ProblemTable
              id="import-warnings"
              title={t('imports.warningsTitle', { n: formatNumber(item.warnings.length) })}
              problems={item.warnings}
              testId="import-warnings"
            />
          )}
          {item.problems.length > 0 && (
            <ProblemTable
              id="import-problems"
              title={t('imports.problemsTitle', { n: formatNumber(item.problemCount) })}
              problems={item.problems}
              testId="import-problems"
            />
          )}
        </>
      )}
    </>
  );
}

function NplChangeLists({ changes }: { changes: NplChanges }) {
  const { t, formatNumber } = useI18n();
  const register = useRegisterText();
  const more = (n: number) =>
    n > CHANGE_LIST_SHOWN ? (
      <p className="table-note">{t('imports.more', { n: formatNumber(n - CHANGE_LIST_SHOWN) })}</p>
    ) : null;
  const packLink = (nplPackId: string) => (
    <Link className="mono" to={`/catalogue?q=${nplPackId}`}>
      {nplPackId}
    </Link>
  );
  return (
    <div className="grid-3 import-changes" data-testid="import-changes">
      <section className="card table-card" aria-labelledby="import-added">
        <div className="card-header">
          <h2 id="import-added" className="section-title">
            {t('imports.addedTitle', { n: formatNumber(changes.added.length) })}
          </h2>
        </div>
        {changes.added.length === 0 ? (
          <p className="card-padded muted">{t('imports.noneInList')}</p>
        ) : (
          <ul className="pack-list" data-testid="import-added">
            {changes.added.slice(0, CHANGE_LIST_SHOWN).map((p) => (
              <li key={p}>{packLink(p)}</li>
            ))}
          </ul>
        )}
        {more(changes.added.length)}
      </section>
      <section className="card table-card" aria-labelledby="import-changed">
        <div className="card-header">
          <h2 id="import-changed" className="section-title">
            {t('imports.changedTitle', { n: formatNumber(changes.changed.length) })}
          </h2>
        </div>
        {changes.changed.length === 0 ? (
          <p className="card-padded muted">{t('imports.noneInList')}</p>
        ) : (
          <ul className="pack-list" data-testid="import-changed">
            {changes.changed.slice(0, CHANGE_LIST_SHOWN).map((c) => (
              <li key={c.nplPackId}>
                {packLink(c.nplPackId)}
                <span className="cell-sub">{c.fields.map((f) => register.field(f)).join(', ')}</span>
              </li>
            ))}
          </ul>
        )}
        {more(changes.changed.length)}
      </section>
      <section className="card table-card" aria-labelledby="import-withdrawn">
        <div className="card-header">
          <h2 id="import-withdrawn" className="section-title">
            {t('imports.withdrawnTitle', { n: formatNumber(changes.withdrawn.length) })}
          </h2>
        </div>
        {changes.withdrawn.length === 0 ? (
          <p className="card-padded muted">{t('imports.noneInList')}</p>
        ) : (
          <ul className="pack-list" data-testid="import-withdrawn">
            {changes.withdrawn.slice(0, CHANGE_LIST_SHOWN).map((w) => (
              <li key={w.nplPackId}>
                {packLink(w.nplPackId)}
                {w.stockOrSales && <Badge tone="warning">{t('imports.stockOrSales')}</Badge>}
              </li>
            ))}
          </ul>
        )}
        {more(changes.withdrawn.length)}
      </section>
    </div>
  );
}

function ProblemTable({
  id,
  title,
  problems,
  testId,
}: {
  id: string;
  title: string;
  problems: RegisterImport['problems'];
  testId: string;
}) {
  const { t } = useI18n();
  return (
    <section className="card table-card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id} className="section-title">
          {title}
        </h2>
      </div>
      <div className="table-scroll">
        <table className="data-table compact-table problems-table" data-testid={testId}>
          <thead>
            <tr>
              <th scope="col">{t('imports.col.at')}</th>
              <th scope="col">{t('imports.col.field')}</th>
              <th scope="col">{t('imports.col.expected')}</th>
              <th scope="col">{t('imports.col.message')}</th>
            </tr>
          </thead>
          <tbody>
            {problems.map((p, i) => (
              <tr key={i}>
                <td className="mono">{p.at === undefined ? '–' : String(p.at)}</td>
                <td className="mono">{p.field ?? '–'}</td>
                <td>{p.expected ?? '–'}</td>
                <td>{p.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
