import { useState } from 'react';
import {
  isApiError,
  type Classification,
  type PictureItem,
  type Query,
  type RiskClass,
} from '../api-client.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useSession } from '../session.js';
import type { StockStatus } from '../../domain/stock-status.js';
import { Badge, type BadgeTone } from './badge.js';
import { num, type Column } from './data-table.js';
import { RunsOut } from './runs-out.js';

/*
 * Pieces every page of the situational picture shares: the information-class marking, risk badges,
 * coverage in days, and the buttons that fetch exports and the printable report with the token.
 */

const CLASS_TONE: Record<Classification['code'], string> = {
  open: 'open',
  restricted: 'restricted',
  protected: 'protected',
};

/**
 * The answer's information class, shown at the top of every picture page (issue 4 item 5: every
 * answer carries its class). Not a security classification under säkerhetsskyddslagen.
 */
export function ClassificationMark({ classification }: { classification: Classification | undefined }) {
  const { t } = useI18n();
  if (!classification) return <div className="classification classification-pending" aria-hidden="true" />;
  return (
    <div
      className={`classification classification-${CLASS_TONE[classification.code]}`}
      data-testid="classification"
      data-class={classification.code}
      role="note"
    >
      <strong>{t('picture.classification', { label: classification.label })}</strong>
      <span className="classification-help">{t(`picture.classHelp.${classification.code}`)}</span>
    </div>
  );
}

const RISK_TONE: Record<RiskClass, BadgeTone> = {
  critical: 'danger',
  low: 'warning',
  adequate: 'success',
  no_demand: 'neutral',
};

export function riskKey(risk: RiskClass): MessageKey {
  return `risk.${risk}`;
}

export function RiskBadge({ risk }: { risk: RiskClass }) {
  const { t } = useI18n();
  return <Badge tone={RISK_TONE[risk]}>{t(riskKey(risk))}</Badge>;
}

/** Coverage in days, one decimal below 10 days; "–" when there is no demand. */
export function useDays(): (days: number | null) => string {
  const { t, formatNumber } = useI18n();
  return (days) => {
    if (days === null) return t('picture.noDemand');
    const n = formatNumber(days, { maximumFractionDigits: days < 10 ? 1 : 0 });
    return t(n === '1' ? 'picture.day' : 'picture.days', { n });
  };
}

/**
 * Demand per day: two decimals below 1 (0,02 a day is not "0"), one above; a demand above zero that
 * two decimals would show as 0 (one pack a year is 0,0027 a day) reads "< 0,01", so that a critical
 * item does not read as having no demand.
 */
export function demandText(
  perDay: number,
  formatNumber: (n: number, options?: Intl.NumberFormatOptions) => string,
): string {
  if (perDay > 0 && perDay < 0.005) return `< ${formatNumber(0.01, { minimumFractionDigits: 2 })}`;
  return formatNumber(perDay, { maximumFractionDigits: perDay < 1 ? 2 : 1 });
}

/** {@link demandText} in the dashboard's language. */
export function useDemand(): (perDay: number) => string {
  const { formatNumber } = useI18n();
  return (perDay) => demandText(perDay, formatNumber);
}

/** The flags of an item as badges: prioritised list, notice, the possible-critical-shortage signal (R4). */
export function ItemFlags({
  item,
}: {
  item: Pick<PictureItem, 'flags'> & Partial<Pick<PictureItem, 'designatedCriticalShortage'>>;
}) {
  const { t, formatDate } = useI18n();
  const { prioritised, activeNotice, possibleCriticalShortage } = item.flags;
  const designated = item.designatedCriticalShortage ?? null;
  if (!prioritised && !activeNotice && !possibleCriticalShortage && designated === null) return null;
  return (
    <span className="badges">
      {designated !== null && (
        <Badge
          tone="danger"
          title={t('sc.flag.designatedHint', {
            by: designated.decidedBy.name,
            date: formatDate(designated.decidedOn),
          })}
        >
          {t('sc.flag.designated')}
        </Badge>
      )}
      {possibleCriticalShortage && (
        <Badge tone="danger" title={t('picture.flag.possibleCriticalShortageHint')}>
          {t('picture.flag.possibleCriticalShortage')}
        </Badge>
      )}
      {prioritised && <Badge tone="info">{t('picture.flag.prioritised')}</Badge>}
      {activeNotice && <Badge tone="warning">{t('picture.flag.notice')}</Badge>}
    </span>
  );
}

export function saveBlob(blob: Blob, fileName: string) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** CSV and XLSX buttons for one table (GET /api/picture/export/...; the file carries the class marking). */
export function ExportButtons({ path, query, name }: { path: string; query?: Query; name: string }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [busy, setBusy] = useState<'csv' | 'xlsx' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const download = async (format: 'csv' | 'xlsx') => {
    setBusy(format);
    setError(null);
    try {
      const { blob, fileName } = await api.file(path, { ...query, format });
      saveBlob(blob, fileName ?? `${name}.${format}`);
    } catch (err) {
      setError(isApiError(err) ? err.message : String(err));
    } finally {
      setBusy(null);
    }
  };
  return (
    <span className="export-buttons" role="group" aria-label={t('picture.export')}>
      <span className="export-label">{t('picture.export')}</span>
      {(['csv', 'xlsx'] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="button button-secondary button-small"
          disabled={busy !== null}
          onClick={() => void download(format)}
        >
          {format.toUpperCase()}
        </button>
      ))}
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </span>
  );
}

/**
 * Opens the printable situational report (GET /api/picture/report.html) in a new tab. The report is
 * fetched with the token and shown from a blob address: self-contained, so it prints offline.
 */
export function ReportButton({ region }: { region?: string }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [error, setError] = useState<string | null>(null);
  const open = async () => {
    setError(null);
    // Open the tab inside the click (popup blockers), then fill it when the report has arrived.
    const tab = window.open('', '_blank');
    try {
      const { blob } = await api.file('/api/picture/report.html', region ? { region } : undefined);
      const url = URL.createObjectURL(new Blob([blob], { type: 'text/html' }));
      if (tab) tab.location.href = url;
      else window.location.href = url;
    } catch (err) {
      tab?.close();
      setError(isApiError(err) ? err.message : String(err));
    }
  };
  return (
    <>
      <button type="button" className="button button-primary" onClick={() => void open()}>
        {t('picture.report')}
      </button>
      {error && (
        <span className="field-error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}

/** "Lägesbild per 2 mars 2026 · lager räknat till … · försäljning till …". */
export function AsOfLine({
  asOf,
}: {
  asOf: { today: string; salesThrough: string | null; stockCountedUntil: string | null } | undefined;
}) {
  const { t, formatDate } = useI18n();
  if (!asOf) return null;
  const parts: string[] = [t('picture.asOf', { date: formatDate(asOf.today) })];
  if (asOf.stockCountedUntil)
    parts.push(t('picture.stockUntil', { date: formatDate(asOf.stockCountedUntil.slice(0, 10)) }));
  if (asOf.salesThrough) parts.push(t('picture.salesThrough', { date: formatDate(asOf.salesThrough) }));
  return <span data-testid="as-of">{parts.join(' · ')}</span>;
}

/** The columns that end a table of coverage: demand per day, days covered, run-out date, risk. */
export const OUTLOOK_COLUMNS: readonly Column[] = [
  num('col.demandPerDay'),
  num('col.coverage'),
  'col.runsOut',
  'col.risk',
];
/** Usable stock, then OUTLOOK_COLUMNS. */
export const COVERAGE_COLUMNS: readonly Column[] = [num('col.usableStock'), ...OUTLOOK_COLUMNS];

/** The cells under OUTLOOK_COLUMNS' last two: when the item runs out, and its risk (a dash without one). */
export function RunsOutCells({
  on,
  status,
  risk,
}: {
  on: string | null;
  status: StockStatus;
  risk: RiskClass | null;
}) {
  return (
    <>
      <td className="nowrap">
        <RunsOut on={on} status={status} />
      </td>
      <td>{risk ? <RiskBadge risk={risk} /> : '–'}</td>
    </>
  );
}
