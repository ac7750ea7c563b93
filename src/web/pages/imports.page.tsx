import type { ReactNode } from 'react';
import type { RegisterImport } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { useDateTime } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { CardPager } from '../components/pager.js';
import { DataTable, num } from '../components/data-table.js';
import { TableCard } from '../components/table-card.js';
import { EmptyState, ErrorState, SkeletonBlock } from '../components/states.js';
import { DICTIONARIES, useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { useRegisterText } from './product-register.component.js';

const PAGE_SIZE = 25;
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
  const { params } = useQueryState();
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
        <TableCard
          id="imports-table-title"
          title={t('imports.tableCaption')}
          actions={
            data && (
              <span className="muted" data-testid="imports-count">
                {t('imports.count', { n: formatNumber(data.total) })}
              </span>
            )
          }
        >
          <DataTable
            className="compact-table imports-table"
            columns={[
              'imports.col.id',
              'imports.col.register',
              'imports.col.source',
              'imports.col.asOf',
              'imports.col.receivedBy',
              'imports.col.status',
              num('imports.col.added'),
              num('imports.col.changed'),
              num('imports.col.withdrawn'),
              num('imports.col.unchanged'),
              'imports.col.notes',
            ]}
            testId="imports-table"
            loading={imports.status === 'loading'}
            rows={data?.items.map((i) => (
              <ImportRow key={i.id} item={i} />
            ))}
          />
          <CardPager page={data && { total: data.total, limit: PAGE_SIZE, offset }} />
        </TableCard>
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
  const packLink = (nplPackId: string) => (
    <Link className="mono" to={`/catalogue?q=${nplPackId}`}>
      {nplPackId}
    </Link>
  );
  return (
    <div className="grid-3 import-changes" data-testid="import-changes">
      <ChangeList
        id="import-added"
        title={t('imports.addedTitle', { n: formatNumber(changes.added.length) })}
        list={changes.added}
        render={(p) => <li key={p}>{packLink(p)}</li>}
      />
      <ChangeList
        id="import-changed"
        title={t('imports.changedTitle', { n: formatNumber(changes.changed.length) })}
        list={changes.changed}
        render={(c) => (
          <li key={c.nplPackId}>
            {packLink(c.nplPackId)}
            <span className="cell-sub">{c.fields.map((f) => register.field(f)).join(', ')}</span>
          </li>
        )}
      />
      <ChangeList
        id="import-withdrawn"
        title={t('imports.withdrawnTitle', { n: formatNumber(changes.withdrawn.length) })}
        list={changes.withdrawn}
        render={(w) => (
          <li key={w.nplPackId}>
            {packLink(w.nplPackId)}
            {w.stockOrSales && <Badge tone="warning">{t('imports.stockOrSales')}</Badge>}
          </li>
        )}
      />
    </div>
  );
}

/** One list of an import's changes: its first CHANGE_LIST_SHOWN packages, and how many more there are. */
function ChangeList<T>({
  id,
  title,
  list,
  render,
}: {
  id: string;
  title: string;
  list: readonly T[];
  render: (entry: T) => ReactNode;
}) {
  const { t, formatNumber } = useI18n();
  return (
    <TableCard id={id} title={title}>
      {list.length === 0 ? (
        <p className="card-padded muted">{t('imports.noneInList')}</p>
      ) : (
        <ul className="pack-list" data-testid={id}>
          {list.slice(0, CHANGE_LIST_SHOWN).map(render)}
        </ul>
      )}
      {list.length > CHANGE_LIST_SHOWN && (
        <p className="table-note">
          {t('imports.more', { n: formatNumber(list.length - CHANGE_LIST_SHOWN) })}
        </p>
      )}
    </TableCard>
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
  return (
    <TableCard id={id} title={title}>
      <DataTable
        className="compact-table problems-table"
        columns={['imports.col.at', 'imports.col.field', 'imports.col.expected', 'imports.col.message']}
        testId={testId}
        rows={problems.map((p, i) => (
          <tr key={i}>
            <td className="mono">{p.at === undefined ? '–' : String(p.at)}</td>
            <td className="mono">{p.field ?? '–'}</td>
            <td>{p.expected ?? '–'}</td>
            <td>{p.message}</td>
          </tr>
        ))}
      />
    </TableCard>
  );
}
