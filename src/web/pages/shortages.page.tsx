import { useId, useState, type FormEvent, type ReactNode } from 'react';
import type { Static } from '@sinclair/typebox';
import type { CaseDto, CaseSummaryDto, DosePatientsDto } from '../../api/shortage-case.routes.js';
import {
  CONSULTED_PARTIES,
  MEDICAL_CRITERIA,
  REMEDY_KINDS,
  SHORTAGE_CASE_STATES,
  type CriticalShortageChecklist,
  type ShortageCaseState,
} from '../../domain/shortage-case.js';
import { isApiError, type ApiError } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { useDateTime } from '../components/freshness.js';
import { FilterPanel, FilterRow, SelectField } from '../components/fields.js';
import { PageHeader } from '../components/page-header.js';
import { SectionTabs, type SectionTab } from '../components/section-tabs.js';
import { EmptyState, ErrorState, Spinner } from '../components/states.js';
import { ResultCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

type Summary = Static<typeof CaseSummaryDto>;
type Case = Static<typeof CaseDto>;
type Dose = Static<typeof DosePatientsDto>;

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
const isState = (v: string | null): v is ShortageCaseState =>
  SHORTAGE_CASE_STATES.includes(v as ShortageCaseState);

function StateBadge({ state }: { state: ShortageCaseState }) {
  const { t } = useI18n();
  return <Badge tone={STATE_TONE[state]}>{t(`sc.state.${state}` as MessageKey)}</Badge>;
}

/** The picture's signal and LV's designation, side by side (designated is the decision, the signal a computation). */
function SignalAndDesignation({ c }: { c: Summary }) {
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
export function ShortagesPage() {
  const { t, formatNumber } = useI18n();
  const time = useDateTime();
  const { params, set } = useQueryState();
  const stateParam = params.get('state');
  const state = isState(stateParam) ? stateParam : undefined;
  const list = useApi('shortage-cases', (api, signal) =>
    api.request<{ items: Summary[]; may: { manage: boolean } }>('/api/shortage-cases', { signal }),
  );
  const all = list.data?.items;
  const shown = all?.filter((c) => state === undefined || c.state === state);
  const counts = new Map<ShortageCaseState, number>();
  for (const c of all ?? []) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  return (
    <>
      <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
      <PageHeader title={t('sc.title')} lead={t('sc.lead')} />
      {list.data?.may.manage && <OpenCaseForm onOpened={list.reload} />}
      <section className="stats sc-board" aria-label={t('sc.byState')} data-testid="sc-board">
        {SHORTAGE_CASE_STATES.map((s) => (
          <button
            key={s}
            type="button"
            className={`stat card stat-link sc-stat sc-stat-${s}${state === s ? ' is-current' : ''}`}
            aria-pressed={state === s}
            onClick={() => set({ state: state === s ? undefined : s })}
          >
            <span className="stat-label">{t(`sc.state.${s}` as MessageKey)}</span>
            <span className="stat-value">{all ? formatNumber(counts.get(s) ?? 0) : '–'}</span>
          </button>
        ))}
      </section>
      <FilterPanel>
        <FilterRow legend={t('catalogue.filters')}>
          <SelectField
            label={t('sc.col.state')}
            value={state ?? ''}
            all={t('sc.stateAll')}
            options={SHORTAGE_CASE_STATES.map((s) => ({ value: s, label: t(`sc.state.${s}` as MessageKey) }))}
            onChange={(value) => set({ state: value || undefined })}
          />
        </FilterRow>
      </FilterPanel>
      {list.status === 'error' ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : shown && shown.length === 0 && list.status === 'ready' ? (
        <EmptyState title={t('sc.emptyTitle')}>{t('sc.emptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="sc-count"
          count={
            shown && t(shown.length === 1 ? 'sc.countOne' : 'sc.count', { n: formatNumber(shown.length) })
          }
          updating={list.status === 'loading' && all !== undefined}
        >
          <DataTable
            columns={['sc.col.case', 'sc.col.state', 'sc.col.picture', 'sc.col.checklist', 'sc.col.opened']}
            caption={t('sc.title')}
            testId="shortage-cases"
            loading={list.status === 'loading'}
            rows={shown?.map((c) => (
              <tr key={c.id} data-testid="shortage-case-row">
                <th scope="row">
                  <Link to={`/shortages/${c.id}`}>{c.title}</Link>
                  <span className="cell-sub">
                    {c.subject.kind === 'group'
                      ? t('sc.subject.group', { key: c.subject.groupKey ?? '' })
                      : t('sc.subject.package')}
                  </span>
                </th>
                <td>
                  <StateBadge state={c.state} />
                </td>
                <td>
                  <SignalAndDesignation c={c} />
                </td>
                <td>{t(`sc.outcome.${c.checklistOutcome}` as MessageKey)}</td>
                <td>
                  {time(c.openedAt)}
                  <span className="cell-sub">{c.openedBy.organisation}</span>
                </td>
              </tr>
            ))}
          />
        </ResultCard>
      )}
    </>
  );
}

/** A small POST form helper: runs `send`, shows the refusal, reloads on success. */
function useSubmit(onDone: () => void) {
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

function TextField({
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

function FormCard({
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
function OpenCaseForm({ onOpened }: { onOpened: () => void }) {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const notices = useApi('sc-notices', (a, signal) =>
    a.request<{ items: { id: number; name: string; pack: string; kind: string; expectedStart: string }[] }>(
      '/api/notices',
      {
        query: { limit: 100, offset: 0 },
        signal,
      },
    ),
  );
  const [noticeId, setNoticeId] = useState('');
  const [packageId, setPackageId] = useState('');
  const [groupKey, setGroupKey] = useState('');
  const [reason, setReason] = useState('');
  const { saving, error, run } = useSubmit(() => {
    setReason('');
    onOpened();
  });
  const body = {
    ...(noticeId ? { noticeId: Number(noticeId) } : {}),
    ...(packageId ? { packageId: Number(packageId) } : {}),
    ...(groupKey.trim() ? { groupKey: groupKey.trim() } : {}),
    reason,
  };
  return (
    <details className="card card-padded sc-open">
      <summary>{t('sc.open')}</summary>
      <FormCard
        title={t('sc.openTitle')}
        submit={t('sc.openSubmit')}
        saving={saving}
        error={error}
        onSubmit={(e) => void run(e, () => api.request('/api/shortage-cases', { method: 'POST', body }))}
      >
        <SelectField
          label={t('sc.fromNotice')}
          value={noticeId}
          all={t('sc.noNotice')}
          options={(notices.data?.items ?? []).map((n) => ({
            value: String(n.id),
            label: `${n.name} ${n.pack} · ${formatDate(n.expectedStart)}`,
          }))}
          onChange={setNoticeId}
        />
        <TextField label={t('sc.packageId')} value={packageId} onChange={setPackageId} type="number" />
        <TextField label={t('sc.groupKey')} value={groupKey} onChange={setGroupKey} />
        <TextField label={t('sc.reason')} value={reason} onChange={setReason} area />
      </FormCard>
    </details>
  );
}

// The case page ----------------------------------------------------------------------------------------

/** A shortage case (issue 13 items 1, 6, 7): state and history, R4 checklist, designation, records, dose patients. */
export function ShortageCasePage({ id }: { id: string }) {
  const { t } = useI18n();
  const c = useApi(`shortage-case:${id}`, (api, signal) =>
    api.request<Case>(`/api/shortage-cases/${encodeURIComponent(id)}`, { signal }),
  );
  const back = <Link to="/shortages">← {t('sc.title')}</Link>;
  if (c.status === 'error' && !c.data)
    return (
      <>
        <PageHeader title={t('sc.case')} eyebrow={back} />
        <ErrorState error={c.error} onRetry={c.reload} />
      </>
    );
  if (!c.data) return <Spinner />;
  const d = c.data;
  return (
    <>
      <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
      <PageHeader
        eyebrow={back}
        title={d.title}
        lead={
          d.subject.kind === 'group' ? (
            t('sc.subject.group', { key: d.subject.groupKey ?? '' })
          ) : (
            <Link to={`/products/${d.subject.packageId}`}>{t('sc.subject.productPage')}</Link>
          )
        }
        actions={
          <span className="badges" data-testid="sc-case-state">
            <StateBadge state={d.state} />
            <SignalAndDesignation c={d} />
          </span>
        }
      />
      <div className="sc-grid">
        <HistorySection d={d} onChanged={c.reload} />
        <ChecklistSection d={d} onChanged={c.reload} />
        <AlternativesSection d={d} onChanged={c.reload} />
        <RemediesSection d={d} onChanged={c.reload} />
        <ConsultationsSection d={d} onChanged={c.reload} />
        {d.may.seeDosePatients && <DoseSection id={d.id} />}
        <section className="card card-padded" aria-labelledby="sc-plans">
          <h2 id="sc-plans" className="section-title">
            {t('sc.plans')}
          </h2>
          <p className="muted">{t('sc.plansBody')}</p>
          <p className="badges">
            <Link to={`/allocations?case=${d.id}`}>{t('sc.tab.allocations')}</Link>
            <Link to={`/redistributions?case=${d.id}`}>{t('sc.tab.redistributions')}</Link>
          </p>
        </section>
      </div>
    </>
  );
}

interface SectionProps {
  d: Case;
  onChanged: () => void;
}

function HistorySection({ d, onChanged }: SectionProps) {
  const { t } = useI18n();
  const time = useDateTime();
  const { api } = useSession();
  const [to, setTo] = useState('');
  const [reason, setReason] = useState('');
  const { saving, error, run } = useSubmit(() => {
    setReason('');
    setTo('');
    onChanged();
  });
  return (
    <section className="card card-padded sc-history" aria-labelledby="sc-history">
      <h2 id="sc-history" className="section-title">
        {t('sc.history')}
      </h2>
      <ol className="sc-events" data-testid="sc-history">
        {d.history.map((e) => (
          <li key={e.id}>
            <strong>{t(`sc.event.${e.kind}` as MessageKey)}</strong>
            {e.to && e.kind !== 'alternative' && (
              <>
                {' '}
                {e.from ? `${t(`sc.state.${e.from}` as MessageKey)} → ` : ''}
                {t(`sc.state.${e.to}` as MessageKey)}
              </>
            )}
            {e.outcome && e.kind === 'designation' && (
              <> · {t(`sc.designation.${e.outcome}` as MessageKey)}</>
            )}
            {e.reason && <span className="sc-reason">{e.reason}</span>}
            <span className="cell-sub">
              {e.by.user}, {e.by.organisation} · {time(e.at)}
            </span>
          </li>
        ))}
      </ol>
      {d.may.manage && d.allowedMoves.length > 0 && (
        <FormCard
          title={t('sc.move')}
          submit={t('sc.moveSubmit')}
          saving={saving}
          error={error}
          onSubmit={(e) =>
            void run(e, () =>
              api.request(`/api/shortage-cases/${d.id}/moves`, { method: 'POST', body: { to, reason } }),
            )
          }
        >
          <SelectField
            label={t('sc.moveTo')}
            value={to}
            all={t('sc.choose')}
            options={d.allowedMoves.map((s) => ({ value: s, label: t(`sc.state.${s}` as MessageKey) }))}
            onChange={setTo}
          />
          <TextField label={t('sc.reason')} value={reason} onChange={setReason} area />
        </FormCard>
      )}
    </section>
  );
}

const CRITERIA = [...MEDICAL_CRITERIA, 'noRelevantAlternative'] as const;
const answerOf = (v: boolean | null) => (v === null ? '' : v ? 'yes' : 'no');
const fromAnswer = (v: string) => (v === '' ? null : v === 'yes');

function ChecklistSection({ d, onChanged }: SectionProps) {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const [list, setList] = useState<CriticalShortageChecklist>(d.checklist);
  const [reason, setReason] = useState('');
  const [decision, setDecision] = useState('');
  const [why, setWhy] = useState('');
  const save = useSubmit(() => {
    setReason('');
    onChanged();
  });
  const decide = useSubmit(() => {
    setWhy('');
    setDecision('');
    onChanged();
  });
  const tone: BadgeTone =
    d.checklistOutcome === 'met' ? 'danger' : d.checklistOutcome === 'not_met' ? 'success' : 'neutral';
  return (
    <section className="card card-padded sc-checklist" aria-labelledby="sc-checklist">
      <h2 id="sc-checklist" className="section-title">
        {t('sc.checklist')}
      </h2>
      <p className="muted">{t('sc.checklistLead')}</p>
      <table className="data-table sc-criteria" data-testid="sc-criteria">
        <tbody>
          {CRITERIA.map((k) => (
            <tr key={k}>
              <th scope="row">{t(`sc.criterion.${k}` as MessageKey)}</th>
              <td>
                {d.may.manage ? (
                  <select
                    aria-label={t(`sc.criterion.${k}` as MessageKey)}
                    value={answerOf(list[k])}
                    onChange={(e) => setList({ ...list, [k]: fromAnswer(e.target.value) })}
                  >
                    <option value="">{t('sc.answer.open')}</option>
                    <option value="yes">{t('sc.answer.yes')}</option>
                    <option value="no">{t('sc.answer.no')}</option>
                  </select>
                ) : (
                  t(`sc.answer.${answerOf(d.checklist[k]) || 'open'}` as MessageKey)
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p data-testid="sc-outcome">
        {t('sc.outcomeLabel')}{' '}
        <Badge tone={tone}>{t(`sc.outcome.${d.checklistOutcome}` as MessageKey)}</Badge>
      </p>
      {d.checklistNote && <p>{d.checklistNote}</p>}
      {d.confidentialNote && (
        <p className="sc-confidential">
          <strong>{t('sc.confidential')}</strong> {d.confidentialNote}
        </p>
      )}
      {d.may.manage && (
        <FormCard
          title={t('sc.saveChecklist')}
          submit={t('sc.save')}
          saving={save.saving}
          error={save.error}
          onSubmit={(e) =>
            void save.run(e, () =>
              api.request(`/api/shortage-cases/${d.id}/checklist`, {
                method: 'PUT',
                body: { checklist: list, reason },
              }),
            )
          }
        >
          <TextField label={t('sc.reason')} value={reason} onChange={setReason} />
        </FormCard>
      )}
      <h3 className="section-title">{t('sc.designationTitle')}</h3>
      <p data-testid="sc-designation">
        {d.designation
          ? t('sc.designatedBy', {
              by: d.designation.decidedBy.name,
              date: formatDate(d.designation.decidedOn),
            })
          : t('sc.notDesignated')}
      </p>
      {d.may.designate && (
        <FormCard
          title={t('sc.decide')}
          submit={t('sc.decideSubmit')}
          saving={decide.saving}
          error={decide.error}
          onSubmit={(e) =>
            void decide.run(e, () =>
              api.request(`/api/shortage-cases/${d.id}/designation`, {
                method: 'POST',
                body: { outcome: decision, reason: why },
              }),
            )
          }
        >
          <SelectField
            label={t('sc.designationOutcome')}
            value={decision}
            all={t('sc.choose')}
            options={(d.designation ? ['revoked'] : ['designated', 'not_designated']).map((o) => ({
              value: o,
              label: t(`sc.designation.${o}` as MessageKey),
            }))}
            onChange={setDecision}
          />
          <TextField label={t('sc.reason')} value={why} onChange={setWhy} />
        </FormCard>
      )}
    </section>
  );
}

function AlternativesSection({ d, onChanged }: SectionProps) {
  const { t, formatNumber, formatDate } = useI18n();
  const { api } = useSession();
  const [alt, setAlt] = useState('');
  const [pkg, setPkg] = useState('');
  const [units, setUnits] = useState('1');
  const [note, setNote] = useState('');
  const { saving, error, run } = useSubmit(() => {
    setAlt('');
    setNote('');
    onChanged();
  });
  return (
    <section className="card card-padded" aria-labelledby="sc-alternatives">
      <h2 id="sc-alternatives" className="section-title">
        {t('sc.alternatives')}
      </h2>
      <p className="muted">{t('sc.alternativesLead')}</p>
      {d.alternatives.length === 0 ? (
        <p className="muted">{t('sc.none')}</p>
      ) : (
        <DataTable
          columns={['sc.col.alternative', 'sc.col.replaces', num('sc.col.unitsPerUnit'), 'sc.col.note']}
          testId="sc-alternatives"
          rows={d.alternatives.map((a) => (
            <tr key={a.id}>
              <th scope="row">
                <Link to={`/products/${a.alternativePackageId}`}>
                  {a.alternativeName} {a.alternativePack}
                </Link>
              </th>
              <td>{a.packageName}</td>
              <td className="num">{formatNumber(a.unitsPerUnit, { maximumFractionDigits: 3 })}</td>
              <td>
                {a.note}
                <span className="cell-sub">{formatDate(a.decidedOn)}</span>
              </td>
            </tr>
          ))}
        />
      )}
      {d.may.manage && (
        <FormCard
          title={t('sc.addAlternative')}
          submit={t('sc.add')}
          saving={saving}
          error={error}
          onSubmit={(e) =>
            void run(e, () =>
              api.request(`/api/shortage-cases/${d.id}/alternatives`, {
                method: 'POST',
                body: {
                  alternativePackageId: Number(alt),
                  unitsPerUnit: Number(units),
                  ...(pkg ? { packageId: Number(pkg) } : {}),
                  ...(note.trim() ? { note } : {}),
                },
              }),
            )
          }
        >
          <TextField label={t('sc.alternativeId')} value={alt} onChange={setAlt} type="number" />
          {d.subject.kind === 'group' && (
            <TextField label={t('sc.replacesId')} value={pkg} onChange={setPkg} type="number" />
          )}
          <TextField label={t('sc.col.unitsPerUnit')} value={units} onChange={setUnits} type="number" />
          <TextField label={t('sc.col.note')} value={note} onChange={setNote} />
        </FormCard>
      )}
    </section>
  );
}

function RemediesSection({ d, onChanged }: SectionProps) {
  const { t, formatNumber } = useI18n();
  const time = useDateTime();
  const { api } = useSession();
  const [kind, setKind] = useState('');
  const [note, setNote] = useState('');
  const { saving, error, run } = useSubmit(() => {
    setNote('');
    setKind('');
    onChanged();
  });
  return (
    <section className="card card-padded" aria-labelledby="sc-remedies">
      <h2 id="sc-remedies" className="section-title">
        {t('sc.remedies')}
      </h2>
      {d.remedies.length === 0 ? (
        <p className="muted">{t('sc.none')}</p>
      ) : (
        <ul className="sc-list" data-testid="sc-remedies">
          {d.remedies.map((r) => (
            <li key={r.id}>
              <strong>{t(`sc.remedy.${r.kind}` as MessageKey)}</strong> {r.note}
              {r.kind === 'extemporaneous_production' && (
                <span className="cell-sub">
                  {t('sc.extemporeLicence', { n: formatNumber(d.extemporaneousLicenceAbovePackages) })}
                </span>
              )}
              <span className="cell-sub">
                {r.organisation} · {time(r.recordedAt)}
              </span>
            </li>
          ))}
        </ul>
      )}
      {d.may.manage && (
        <FormCard
          title={t('sc.addRemedy')}
          submit={t('sc.add')}
          saving={saving}
          error={error}
          onSubmit={(e) =>
            void run(e, () =>
              api.request(`/api/shortage-cases/${d.id}/remedies`, { method: 'POST', body: { kind, note } }),
            )
          }
        >
          <SelectField
            label={t('sc.remedyKind')}
            value={kind}
            all={t('sc.choose')}
            options={REMEDY_KINDS.map((k) => ({ value: k, label: t(`sc.remedy.${k}` as MessageKey) }))}
            onChange={setKind}
          />
          <TextField label={t('sc.col.note')} value={note} onChange={setNote} />
        </FormCard>
      )}
    </section>
  );
}

function ConsultationsSection({ d, onChanged }: SectionProps) {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const [party, setParty] = useState('');
  const [name, setName] = useState('');
  const [on, setOn] = useState('');
  const [summary, setSummary] = useState('');
  const { saving, error, run } = useSubmit(() => {
    setName('');
    setSummary('');
    onChanged();
  });
  return (
    <section className="card card-padded" aria-labelledby="sc-consultations">
      <h2 id="sc-consultations" className="section-title">
        {t('sc.consultations')}
      </h2>
      {d.notConsulted.length > 0 && (
        <p className="muted" data-testid="sc-not-consulted">
          {t('sc.notConsulted', {
            parties: d.notConsulted.map((p) => t(`sc.party.${p}` as MessageKey)).join(', '),
          })}
        </p>
      )}
      {d.consultations.length === 0 ? (
        <p className="muted">{t('sc.none')}</p>
      ) : (
        <DataTable
          columns={['sc.col.party', 'sc.col.when', 'sc.col.said']}
          testId="sc-consultations"
          rows={d.consultations.map((k) => (
            <tr key={k.id}>
              <th scope="row">
                {k.partyName}
                <span className="cell-sub">{t(`sc.party.${k.party}` as MessageKey)}</span>
              </th>
              <td>{formatDate(k.consultedOn)}</td>
              <td>{k.summary ?? <span className="muted">{t('sc.notShared')}</span>}</td>
            </tr>
          ))}
        />
      )}
      {d.may.manage && (
        <FormCard
          title={t('sc.addConsultation')}
          submit={t('sc.add')}
          saving={saving}
          error={error}
          onSubmit={(e) =>
            void run(e, () =>
              api.request(`/api/shortage-cases/${d.id}/consultations`, {
                method: 'POST',
                body: { party, partyName: name, consultedOn: on, summary },
              }),
            )
          }
        >
          <SelectField
            label={t('sc.col.party')}
            value={party}
            all={t('sc.choose')}
            options={CONSULTED_PARTIES.map((p) => ({ value: p, label: t(`sc.party.${p}` as MessageKey) }))}
            onChange={setParty}
          />
          <TextField label={t('sc.partyName')} value={name} onChange={setName} />
          <TextField label={t('sc.col.when')} value={on} onChange={setOn} type="date" />
          <TextField label={t('sc.col.said')} value={summary} onChange={setSummary} area />
        </FormCard>
      )}
    </section>
  );
}

function DoseSection({ id }: { id: number }) {
  const { t, formatNumber } = useI18n();
  const [stops, setStops] = useState('');
  const dose = useApi(`sc-dose:${id}:${stops}`, (api, signal) =>
    api.request<Dose>(`/api/shortage-cases/${id}/dose-patients`, {
      query: stops ? { stops: Number(stops) } : {},
      signal,
    }),
  );
  const regions = useApi('regions', (api, signal) => api.regions(signal));
  const regionName = (code: string) => regions.data?.items.find((r) => r.code === code)?.name ?? code;
  const n = (v: number) => formatNumber(v, { maximumFractionDigits: 0 });
  const days = (v: number | null) => (v === null ? '–' : t('sc.days', { n: n(v) }));
  const d = dose.data;
  return (
    <section className="card card-padded sc-dose" aria-labelledby="sc-dose" data-testid="sc-dose">
      <h2 id="sc-dose" className="section-title">
        {t('sc.dose')} <Badge tone="warning">{t('sc.estimate')}</Badge>
      </h2>
      {dose.status === 'error' ? (
        <ErrorState error={dose.error} onRetry={dose.reload} />
      ) : !d ? (
        <Spinner />
      ) : (
        <>
          <p className="muted">
            {t('sc.doseMethod', {
              window: d.parameters.windowDays,
              units: formatNumber(d.parameters.unitsPerPatientPerDay),
              cycle: d.cycleDays,
            })}
          </p>
          <p data-testid="sc-dose-total">{t('sc.doseTotal', { n: n(d.total.patients) })}</p>
          {d.pharmacies.length === 0 ? (
            <p className="muted">{t('sc.noDose')}</p>
          ) : (
            <DataTable
              columns={[
                'sc.col.dosePharmacy',
                num('sc.col.patients'),
                num('sc.col.stockUnits'),
                num('sc.col.lasts'),
                'sc.col.regions',
              ]}
              testId="sc-dose-pharmacies"
              rows={d.pharmacies.map((p) => (
                <tr key={p.pharmacyId}>
                  <th scope="row">{p.name}</th>
                  <td className="num">{n(p.patients)}</td>
                  <td className="num">{n(p.stockUnits)}</td>
                  <td className="num">{days(p.coverageDays)}</td>
                  <td>{p.regions.map((r) => `${regionName(r.regionCode)} ${n(r.patients)}`).join(', ')}</td>
                </tr>
              ))}
            />
          )}
          <SelectField
            label={t('sc.stops')}
            value={stops}
            all={t('sc.stopsNone')}
            options={d.pharmacies.map((p) => ({ value: String(p.pharmacyId), label: p.name }))}
            onChange={setStops}
          />
          {d.stops && (
            <div className="notice notice-warning" data-testid="sc-stops">
              <div className="notice-body">
                <p className="notice-title">
                  {t('sc.stopsTitle', { name: d.stops.stopped.name, n: n(d.stops.stopped.patients) })}
                </p>
                <p>
                  {t('sc.stopsRegions', {
                    regions:
                      d.stops.regionsLosingSupply
                        .map((r) => `${regionName(r.regionCode)} (${n(r.patients)})`)
                        .join(', ') || '–',
                  })}
                </p>
                <p>
                  {t('sc.stopsOthers', {
                    before: days(d.stops.others.daysBefore),
                    after: days(d.stops.others.daysIfTakingOver),
                  })}
                </p>
              </div>
            </div>
          )}
        </>
      )}
    </section>
  );
}
