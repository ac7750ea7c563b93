import { useState } from 'react';
import type { Static } from '@sinclair/typebox';
import type { AllocationListItemDto } from '../../api/allocation.routes.js';
import type { PlanSummaryDto } from '../../api/redistribution.routes.js';
import type { CaseDto, DosePatientsDto } from '../../api/shortage-case.routes.js';
import {
  CONSULTED_PARTIES,
  MEDICAL_CRITERIA,
  REMEDY_KINDS,
  type CriticalShortageChecklist,
} from '../../domain/shortage-case.js';
import type { Page } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { useDateTime } from '../components/freshness.js';
import { SelectField } from '../components/fields.js';
import { PageHeader } from '../components/page-header.js';
import { SectionTabs } from '../components/section-tabs.js';
import { ErrorState, Spinner } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import {
  FormCard,
  SHORTAGE_TABS,
  SignalAndDesignation,
  StateBadge,
  TextField,
  useSubmit,
} from './shortage-parts.component.js';

type Case = Static<typeof CaseDto>;
type Dose = Static<typeof DosePatientsDto>;

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
        <PlansSection d={d} />
      </div>
    </>
  );
}

interface SectionProps {
  d: Case;
  onChanged: () => void;
}

/**
 * The case's plans (issue 13 item 1): its allocations and redistribution plans, each linked, and for
 * those who compute plans the links to a new one with the case (and its package or group) filled in.
 */
function PlansSection({ d }: { d: Case }) {
  const { t, formatNumber, formatDate } = useI18n();
  const allocations = useApi(`case-allocations:${d.id}`, (api, signal) =>
    api.request<Page<AllocationListItemDto> & { mayCompute: boolean }>('/api/allocations', {
      query: { case: d.id, limit: 50, offset: 0 },
      signal,
    }),
  );
  const plans = useApi(`case-redistributions:${d.id}`, (api, signal) =>
    api.request<PlanSummaryDto[]>('/api/redistributions', { query: { case: d.id }, signal }),
  );
  const subject =
    d.subject.kind === 'group'
      ? `kind=group&ref=${encodeURIComponent(d.subject.groupKey ?? '')}`
      : `kind=package&ref=${d.subject.packageId ?? ''}`;
  const packages = d.subject.kind === 'package' ? `&packages=${d.subject.packageId ?? ''}` : '';
  const rows = [
    ...(allocations.data?.items ?? []).map((a) => ({
      key: `a${a.id}`,
      to: `/allocations/${a.id}`,
      what: t('sc.plan.allocation', { id: String(a.id) }),
      status: t(`alloc.status.${a.status}` as MessageKey),
      figure: t('sc.plan.allocated', {
        n: a.allocated === null ? '–' : formatNumber(a.allocated),
        unit: a.item.unit,
      }),
      day: a.pictureToday,
    })),
    ...(plans.data ?? []).map((p) => ({
      key: `r${p.id}`,
      to: `/redistributions/${p.id}`,
      what: t('sc.plan.redistribution', { id: String(p.id) }),
      status: t(`redist.status.${p.status}` as MessageKey),
      figure: t('sc.plan.moved', { n: formatNumber(p.totalQuantity), unit: p.unit }),
      day: p.transferDate,
    })),
  ];
  const error =
    allocations.status === 'error' ? allocations.error : plans.status === 'error' ? plans.error : null;
  return (
    <section className="card card-padded" aria-labelledby="sc-plans" data-testid="sc-plans">
      <h2 id="sc-plans" className="section-title">
        {t('sc.plans')}
      </h2>
      {error ? (
        <ErrorState error={error} />
      ) : rows.length === 0 ? (
        <p className="muted">
          {allocations.status === 'loading' || plans.status === 'loading'
            ? t('sc.plansLoading')
            : t('sc.plansNone')}
        </p>
      ) : (
        <ul className="sc-plans">
          {rows.map((r) => (
            <li key={r.key}>
              <Link to={r.to}>{r.what}</Link> · {r.status} · {r.figure}
              <span className="cell-sub">{formatDate(r.day)}</span>
            </li>
          ))}
        </ul>
      )}
      {(allocations.data?.mayCompute ?? false) && (
        <p className="badges">
          <Link to={`/allocations?case=${d.id}&${subject}`} className="button button-secondary">
            {t('sc.plan.newAllocation')}
          </Link>
          <Link to={`/redistributions?case=${d.id}${packages}`} className="button button-secondary">
            {t('sc.plan.newRedistribution')}
          </Link>
        </p>
      )}
    </section>
  );
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
