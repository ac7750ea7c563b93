import { useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, isApiError, type Receipt, type ReportPath } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { PageHeader } from '../components/page-header.js';
import { CardPager } from '../components/pager.js';
import { DataTable, num } from '../components/data-table.js';
import { ResultCard } from '../components/table-card.js';
import { SelectField } from '../components/fields.js';
import { saveBlob } from '../components/picture.js';
import { EmptyState, ErrorState, Spinner } from '../components/states.js';
import { useDateTime } from '../components/freshness.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useQueryState } from '../router.js';
import { useCan, useSession } from '../session.js';
import { useApi } from '../use-api.js';

const PAGE_SIZE = 20;

const KINDS: { path: ReportPath; label: MessageKey }[] = [
  { path: 'stock-snapshots', label: 'reports.kind.stock_snapshot' },
  { path: 'stock-differences', label: 'reports.kind.stock_difference' },
  { path: 'sales', label: 'reports.kind.sales' },
  { path: 'expected-deliveries', label: 'reports.kind.expected_delivery' },
  { path: 'shortage-notices', label: 'reports.kind.shortage_notice' },
];

/** The counts a receipt may carry, in the order they are shown. */
const SUMMARY_KEYS = [
  'lines',
  'locations',
  'packages',
  'regions',
  'days',
  'notices',
  'late',
  'corrections',
] as const;

type Sending =
  | { status: 'idle' }
  | { status: 'sending'; fileName: string }
  | { status: 'accepted'; receipt: Receipt }
  | { status: 'refused'; error: ApiError };

/** The content type the server reads the file by: JSON (and FHIR, told by its resourceType) or CSV. */
function contentTypeOf(file: File): string {
  return /\.json$/i.test(file.name) || file.type === 'application/json' ? 'application/json' : 'text/csv';
}

/**
 * Rapporter: send a report file (CSV, JSON or FHIR InventoryReport), see its receipt or every
 * problem in it, and list the organisation's earlier reports.
 */
export function ReportsPage() {
  const { t, formatNumber } = useI18n();
  const { api, me } = useSession();
  const canSend = useCan('report:write');
  const { params } = useQueryState();
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const reports = useApi(`reports:${offset}`, (a, signal) => a.reports({ limit: PAGE_SIZE, offset }, signal));
  const ids = { file: useId(), ref: useId(), fileHint: useId() };
  const [kind, setKind] = useState<ReportPath>('stock-snapshots');
  const [file, setFile] = useState<File | null>(null);
  const [clientRef, setClientRef] = useState('');
  const [sending, setSending] = useState<Sending>({ status: 'idle' });
  const [missingFile, setMissingFile] = useState(false);
  const fileInput = useRef<HTMLInputElement>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) {
      setMissingFile(true);
      fileInput.current?.focus();
      return;
    }
    setSending({ status: 'sending', fileName: file.name });
    try {
      const receipt = await api.sendReport(kind, file, {
        fileName: file.name,
        clientRef: clientRef.trim() || undefined,
        contentType: contentTypeOf(file),
      });
      setSending({ status: 'accepted', receipt });
    } catch (err) {
      setSending({
        status: 'refused',
        error: isApiError(err)
          ? err
          : new ApiError(0, 'internal', err instanceof Error ? err.message : String(err)),
      });
    }
    reports.reload();
  };

  const page = reports.data;
  return (
    <>
      <PageHeader title={t('reports.title')} lead={t('reports.lead', { org: me.organisation.name })} />

      {canSend && (
        <form
          className="card card-padded report-form"
          onSubmit={(event) => void submit(event)}
          aria-labelledby="send-title"
        >
          <h2 id="send-title" className="section-title">
            {t('reports.sendTitle')}
          </h2>
          <div className="report-form-fields">
            <SelectField
              label={t('reports.kind')}
              value={kind}
              options={KINDS.map((k) => ({ value: k.path, label: t(k.label) }))}
              onChange={(value) => setKind(value as ReportPath)}
            />
            <div className="field">
              <label htmlFor={ids.file}>{t('reports.file')}</label>
              <input
                ref={fileInput}
                id={ids.file}
                type="file"
                accept=".csv,.json,text/csv,application/json,application/fhir+json"
                aria-describedby={ids.fileHint}
                aria-invalid={missingFile}
                onChange={(event) => {
                  setFile(event.target.files?.[0] ?? null);
                  setMissingFile(false);
                }}
              />
              <span id={ids.fileHint} className={missingFile ? 'field-error' : 'field-hint'}>
                {missingFile ? t('reports.fileMissing') : t('reports.fileHint')}
              </span>
            </div>
            <div className="field">
              <label htmlFor={ids.ref}>{t('reports.clientRef')}</label>
              <input
                id={ids.ref}
                type="text"
                value={clientRef}
                maxLength={200}
                autoComplete="off"
                placeholder={t('reports.clientRefPlaceholder')}
                onChange={(event) => setClientRef(event.target.value)}
              />
            </div>
          </div>
          <TemplateLinks kind={kind} />
          <div className="report-form-actions">
            <button type="submit" className="button button-primary" disabled={sending.status === 'sending'}>
              {sending.status === 'sending' ? t('reports.sending') : t('reports.send')}
            </button>
            {sending.status === 'sending' && (
              <Spinner label={t('reports.sendingFile', { file: sending.fileName })} showLabel />
            )}
          </div>
        </form>
      )}

      <div aria-live="polite">
        {sending.status === 'accepted' && <ReceiptView receipt={sending.receipt} />}
        {sending.status === 'refused' && <RefusalView error={sending.error} />}
      </div>

      {reports.status === 'error' ? (
        <ErrorState error={reports.error} onRetry={reports.reload} />
      ) : page && page.total === 0 && reports.status === 'ready' ? (
        <EmptyState title={t('reports.emptyTitle')}>{t('reports.emptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="reports-count"
          count={page && t('reports.listTitle', { n: formatNumber(page.total) })}
          updating={reports.status === 'loading' && page !== undefined}
        >
          <DataTable
            className="reports-table"
            columns={[
              'reports.col.id',
              'reports.col.received',
              'reports.col.kind',
              'reports.col.file',
              num('reports.col.lines'),
              'reports.col.status',
              'reports.col.notes',
              'reports.col.checksum',
            ]}
            caption={t('reports.listCaption')}
            loading={reports.status === 'loading'}
            rows={page?.items.map((r) => (
              <ReportRow key={r.id} report={r} />
            ))}
          />
          <CardPager page={page} />
        </ResultCard>
      )}
    </>
  );
}

/**
 * Templates of the chosen kind (GET /api/reports/templates/{kind}): a header and one example line of
 * the organisation's own codes, accepted as it is; English or Swedish column names.
 */
function TemplateLinks({ kind }: { kind: ReportPath }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [error, setError] = useState<string | null>(null);
  const download = async (columns: 'sv' | 'en') => {
    setError(null);
    try {
      const { blob, fileName } = await api.file(`/api/reports/templates/${kind}`, { columns });
      saveBlob(blob, fileName ?? `mall-${kind}.csv`);
    } catch (err) {
      setError(isApiError(err) ? err.message : String(err));
    }
  };
  return (
    <p className="field-hint report-templates" data-testid="report-templates">
      {t('reports.templateLead')}{' '}
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => void download('sv')}
      >
        {t('reports.templateSv')}
      </button>{' '}
      <button
        type="button"
        className="button button-secondary button-small"
        onClick={() => void download('en')}
      >
        {t('reports.templateEn')}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {' '}
          {error}
        </span>
      )}
    </p>
  );
}

function useReceiptText() {
  const { t } = useI18n();
  const dateTime = useDateTime();
  return {
    kind: (kind: string) => t(`reports.kind.${kind}` as MessageKey),
    time: dateTime,
    summaryLabel: (key: string) => t(`reports.summary.${key}` as MessageKey),
  };
}

function ReceiptView({ receipt }: { receipt: Receipt }) {
  const { t, formatNumber } = useI18n();
  const text = useReceiptText();
  const counts = SUMMARY_KEYS.filter((k) => receipt.summary[k] !== undefined);
  return (
    <section className="notice notice-success" data-testid="receipt" aria-labelledby="receipt-title">
      <div className="notice-icon notice-icon-success" aria-hidden="true">
        ✓
      </div>
      <div className="notice-body">
        <h2 id="receipt-title" className="notice-title">
          {receipt.replayed
            ? t('reports.replayedTitle', { id: receipt.id })
            : t('reports.acceptedTitle', { id: receipt.id })}
        </h2>
        <p>
          {receipt.replayed
            ? t('reports.replayedBody')
            : t('reports.acceptedBody', { kind: text.kind(receipt.kind) })}
        </p>
        <dl className="receipt-facts">
          {counts.map((k) => (
            <div key={k}>
              <dt>{text.summaryLabel(k)}</dt>
              <dd>{formatNumber(receipt.summary[k] ?? 0)}</dd>
            </div>
          ))}
          <div>
            <dt>{t('reports.receivedAt')}</dt>
            <dd>{text.time(receipt.receivedAt)}</dd>
          </div>
          {receipt.clientRef && (
            <div>
              <dt>{t('reports.clientRef')}</dt>
              <dd className="mono">{receipt.clientRef}</dd>
            </div>
          )}
          <div className="receipt-checksum">
            <dt>{t('reports.checksum')}</dt>
            <dd className="mono">{receipt.contentSha256}</dd>
          </div>
        </dl>
        {receipt.warnings.length > 0 && (
          <div className="receipt-warnings">
            <h3>{t('reports.warnings', { n: receipt.warnings.length })}</h3>
            <ul>
              {receipt.warnings.map((w, i) => (
                <li key={i}>{w.message}</li>
              ))}
            </ul>
          </div>
        )}
      </div>
    </section>
  );
}

function RefusalView({ error }: { error: ApiError }) {
  const { t, formatNumber } = useI18n();
  if (error.problems.length === 0) return <ErrorState error={error} title={t('reports.refusedTitle')} />;
  const more = error.problems.find((p) => p.at === undefined && p.message.startsWith('…'));
  const listed = error.problems.filter((p) => p !== more);
  return (
    <section className="notice notice-error report-refusal" role="alert" data-testid="refusal">
      <div className="notice-icon" aria-hidden="true">
        !
      </div>
      <div className="notice-body">
        <h2 className="notice-title">{t('reports.refusedTitle')}</h2>
        <p>{t('reports.refusedBody', { n: formatNumber(listed.length) })}</p>
        <div className="table-scroll problems-scroll">
          <table className="data-table problems-table" data-testid="problems">
            <caption className="visually-hidden">{t('reports.problemsCaption')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('reports.col.at')}</th>
                <th scope="col">{t('reports.col.field')}</th>
                <th scope="col">{t('reports.col.value')}</th>
                <th scope="col">{t('reports.col.expected')}</th>
                <th scope="col">{t('reports.col.problem')}</th>
              </tr>
            </thead>
            <tbody>
              {listed.map((p, i) => (
                <tr key={i} data-testid="problem-row">
                  <td className="mono nowrap">
                    {p.at === undefined
                      ? '–'
                      : typeof p.at === 'number'
                        ? t('reports.line', { n: p.at })
                        : p.at}
                  </td>
                  <td className="mono">{p.field ?? '–'}</td>
                  <td className="mono">
                    {p.value === undefined || p.value === null
                      ? '–'
                      : typeof p.value === 'object'
                        ? JSON.stringify(p.value)
                        : String(p.value as string | number | boolean)}
                  </td>
                  <td>{p.expected ?? '–'}</td>
                  <td>{p.message}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        {more && <p className="notice-meta">{more.message}</p>}
        {error.correlationId && (
          <p className="notice-meta">{t('state.correlation', { id: error.correlationId })}</p>
        )}
      </div>
    </section>
  );
}

function ReportRow({ report }: { report: Receipt }) {
  const { t, formatNumber } = useI18n();
  const text = useReceiptText();
  const notes =
    report.status === 'rejected'
      ? t('reports.problemCount', { n: formatNumber(report.problemCount) })
      : report.warnings.length > 0
        ? t('reports.warningCount', { n: report.warnings.length })
        : '';
  return (
    <tr data-testid="report-row">
      <th scope="row" className="mono">
        {report.id}
      </th>
      <td className="nowrap">{text.time(report.receivedAt)}</td>
      <td>
        {text.kind(report.kind)}
        <span className="cell-sub">{report.format.toUpperCase()}</span>
      </td>
      <td>
        {report.fileName ?? '–'}
        {report.clientRef && <span className="cell-sub mono">{report.clientRef}</span>}
      </td>
      <td className="num">{formatNumber(report.lineCount)}</td>
      <td>
        {report.status === 'accepted' ? (
          <Badge tone="success">{t('reports.status.accepted')}</Badge>
        ) : (
          <Badge tone="danger">{t('reports.status.rejected')}</Badge>
        )}
      </td>
      <td>
        {notes}
        {report.status === 'rejected' && report.problems[0] && (
          <span className="cell-sub">{report.problems[0].message}</span>
        )}
      </td>
      <td className="mono" title={report.contentSha256}>
        {report.contentSha256.slice(0, 12)}
      </td>
    </tr>
  );
}
