import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Static } from '@sinclair/typebox';
import type { CaseSummaryDto } from '../../api/shortage-case.routes.js';
import { SHORTAGE_CASE_STATES, type ShortageCaseState } from '../../domain/shortage-case.js';
import { isApiError, type ApiError } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import type { SectionTab } from '../components/section-tabs.js';
import { ErrorState } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';

/* Pieces shared by the shortage board and the case page (issue 13, h-cases). */

type Summary = Static<typeof CaseSummaryDto>;

/** The shortage section's tabs (issue 13): cases here; allocation, redistribution, instructions by the other parts. */
export const SHORTAGE_TABS: readonly SectionTab[] = [
  { to: '/shortages', label: 'sc.tab.cases' },
  { to: '/allocations', label: 'sc.tab.allocations' },
  { to: '/redistributions', label: 'sc.tab.redistributions' },
  { to: '/instructions', label: 'sc.tab.instructions' },
];

const STATE_TONE: Readonly<Record<ShortageCaseState, BadgeTone>> = {
  signal: 'warning',
  assessed: 'info',
  critical_shortage: 'danger',
  measures: 'info',
  decision: 'info',
  follow_up: 'neutral',
  closed: 'success',
};
export const isState = (v: string | null): v is ShortageCaseState =>
  SHORTAGE_CASE_STATES.includes(v as ShortageCaseState);

export function StateBadge({ state }: { state: ShortageCaseState }) {
  const { t } = useI18n();
  return <Badge tone={STATE_TONE[state]}>{t(`sc.state.${state}` as MessageKey)}</Badge>;
}

/** The picture's signal and LV's designation, side by side (designated is the decision, the signal a computation). */
export function SignalAndDesignation({ c }: { c: Summary }) {
  const { t, formatDate, formatNumber } = useI18n();
  return (
    <span className="badges">
      {c.designation && (
        <Badge
          tone="danger"
          title={t('sc.flag.designatedHint', {
            by: c.designation.decidedBy.name,
            date: formatDate(c.designation.decidedOn),
          })}
        >
          {t('sc.flag.designated')}
        </Badge>
      )}
      {c.signal.possibleCriticalShortage && (
        <Badge tone="warning" title={t('picture.flag.possibleCriticalShortageHint')}>
          {t('picture.flag.possibleCriticalShortage')}
        </Badge>
      )}
      {c.signal.coverageDays !== null && (
        <span className="cell-sub">
          {t('sc.coverage', { n: formatNumber(c.signal.coverageDays, { maximumFractionDigits: 0 }) })}
        </span>
      )}
    </span>
  );
}

/** Bristsituationer (issue 13 item 7): the board of shortage cases by state. */
export function useSubmit(onDone: () => void) {
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (event: FormEvent, send: () => Promise<unknown>) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      await send();
      onDone();
    } catch (err) {
      if (isApiError(err)) setError(err);
    } finally {
      setSaving(false);
    }
  };
  return { saving, error, run };
}

export function TextField({
  label,
  value,
  onChange,
  area,
  type = 'text',
}: {
  label: string;
  value: string;
  onChange: (v: string) => void;
  area?: boolean;
  type?: string;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {area ? (
        <textarea id={id} rows={2} value={value} onChange={(e) => onChange(e.target.value)} />
      ) : (
        <input id={id} type={type} value={value} onChange={(e) => onChange(e.target.value)} />
      )}
    </div>
  );
}

export function FormCard({
  title,
  children,
  onSubmit,
  saving,
  error,
  submit,
}: {
  title: string;
  children: ReactNode;
  onSubmit: (e: FormEvent) => void;
  saving: boolean;
  error: ApiError | null;
  submit: string;
}) {
  const { t } = useI18n();
  const id = useId();
  return (
    <form className="card card-padded report-form sc-form" onSubmit={onSubmit} aria-labelledby={id}>
      <h3 id={id} className="section-title">
        {title}
      </h3>
      <div className="report-form-fields">{children}</div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {submit}
        </button>
      </div>
      {error && <ErrorState error={error} title={t('sc.refused')} />}
    </form>
  );
}

/** Open a case: from an active shortage notice, or by hand for a package id or a group key. */
