import sweden from '@svg-maps/sweden';
import { useState, type FormEvent } from 'react';
import { Badge } from '../components/badge.js';
import { DataTable } from '../components/data-table.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import {
  computeRedistribution,
  decideRedistribution,
  listRedistributions,
  withdrawRedistribution,
  redistribution,
  type RedistributionPlan,
} from '../redistribution-api.js';
import { FormCard, useSubmission } from '../components/form-card.js';
import { InputField, SelectField, TextAreaField } from '../components/fields.js';
import { Link, useQueryState, useRouter } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { colourSteps, REGION_CODE_OF_MAP_ID } from './map.component.js';
import { ConditionList, STATUS_KEY, STATUS_TONE, useFormat } from './redistribution-parts.component.js';

/*
 * Redistribution (omfördelning, issue 13 items 3–5 and 7): the plans with a form for a new one, a plan
 * with the region map before/after, the equity table, the transfers and Läkemedelsverket's decision
 * panel with the conditions, the decision log and the withdrawal. An organisation's own instructions are
 * instructions.page.tsx.
 */

// The map's colour scale (ours, for plans): the picture's default thresholds, 7 and 14 days.
const STEPS = colourSteps({ criticalBelowDays: 7, lowBelowDays: 14 });
const fill = (days: number | null | undefined) =>
  days === null || days === undefined
    ? '#eef1f5'
    : ((STEPS.find((s) => days < s.below) ?? STEPS[STEPS.length - 1])?.colour ?? '#eef1f5');

export function RedistributionsPage() {
  const { t, formatDate } = useI18n();
  const { me } = useSession();
  const f = useFormat();
  const { params } = useQueryState();
  const caseId = caseParam(params);
  const state = useApi(`redistributions:${caseId ?? ''}`, (api, signal) =>
    listRedistributions(api, signal, caseId),
  );
  const canCompute = me.permissions.includes('shortage:manage');
  return (
    <>
      <PageHeader title={t('redist.title')} lead={t('redist.lead')} />
      {caseId !== null && (
        <p className="muted" data-testid="redist-case-filter">
          {t('redist.caseFilter', { id: String(caseId) })}{' '}
          <Link to="/redistributions">{t('redist.caseAll')}</Link>
        </p>
      )}
      {canCompute && <NewPlanForm caseId={caseId} />}
      {state.status === 'error' && <ErrorState error={state.error} onRetry={state.reload} />}
      {state.data?.length === 0 ? (
        <EmptyState title={t('redist.empty')}>{t('redist.emptyBody')}</EmptyState>
      ) : (
        <section className="card card-padded section-gap">
          <h2 className="section-title">{t('redist.plans')}</h2>
          <DataTable
            testId="redist-plans"
            columns={[
              'redist.col.plan',
              'redist.col.status',
              'redist.col.date',
              { label: 'redist.col.lowestBefore', num: true },
              { label: 'redist.col.lowestAfter', num: true },
              { label: 'redist.col.quantity', num: true },
              { label: 'redist.col.value', num: true },
            ]}
            loading={state.status === 'loading'}
            rows={state.data?.map((p) => (
              <tr key={p.id}>
                <td>
                  <Link to={`/redistributions/${p.id}`}>{`#${p.id} ${p.subject}`}</Link>
                </td>
                <td>
                  <Badge tone={STATUS_TONE[p.status]}>{t(STATUS_KEY[p.status])}</Badge>
                </td>
                <td>{formatDate(p.transferDate)}</td>
                <td className="num">{f.days(p.lowestCoverageBefore)}</td>
                <td className="num">{f.days(p.lowestCoverageAfter)}</td>
                <td className="num">{f.qty(p.totalQuantity)}</td>
                <td className="num">{f.kr(p.totalValueSek)}</td>
              </tr>
            ))}
          />
        </section>
      )}
    </>
  );
}

/** The shortage case a page is opened for (`?case=7`), or null. */
function caseParam(params: URLSearchParams): number | null {
  const n = Number.parseInt(params.get('case') ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : null;
}

function NewPlanForm({ caseId }: { caseId: number | null }) {
  const { t } = useI18n();
  const { api } = useSession();
  const { navigate } = useRouter();
  const { params } = useQueryState();
  const [packageIds, setPackageIds] = useState(params.get('packages') ?? '');
  const [file, setFile] = useState<File | null>(null);
  const [inputError, setInputError] = useState<string | null>(null);
  const { busy, error, run } = useSubmission();
  const submit = (event: FormEvent) =>
    run(event, async () => {
      setInputError(null);
      let body: { instance?: unknown; packageIds?: number[]; caseId?: number };
      if (file) {
        try {
          body = { instance: JSON.parse(await file.text()) as unknown };
        } catch {
          setInputError(t('redist.form.badFile'));
          return;
        }
      } else {
        const ids = packageIds
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number);
        if (ids.length === 0 || ids.some((n) => !Number.isInteger(n) || n < 1)) {
          setInputError(t('redist.form.needInput'));
          return;
        }
        body = { packageIds: ids };
      }
      if (caseId !== null) body.caseId = caseId;
      const plan = await computeRedistribution(api, body);
      navigate(`/redistributions/${plan.id}`);
    });
  return (
    <FormCard id="redist-new" title={t('redist.form.title')} onSubmit={submit} testId="redist-form">
      <p className="muted">{t('redist.form.lead')}</p>
      {caseId !== null && (
        <p className="muted" data-testid="redist-form-case">
          <Link to={`/shortages/${caseId}`}>{t('redist.forCase', { id: String(caseId) })}</Link>
        </p>
      )}
      <div className="report-form-fields">
        <InputField
          label={t('redist.form.packages')}
          type="text"
          value={packageIds}
          onChange={setPackageIds}
          disabled={file !== null}
        />
        <div className="field">
          <label htmlFor="redist-file">{t('redist.form.file')}</label>
          <input
            id="redist-file"
            type="file"
            accept="application/json,.json"
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
        </div>
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('redist.form.computing') : t('redist.form.compute')}
        </button>
      </div>
      {inputError !== null && (
        <p className="field-error" role="alert">
          {inputError}
        </p>
      )}
      {error && <ErrorState error={error} />}
    </FormCard>
  );
}

function RegionMap({ plan, when }: { plan: RedistributionPlan; when: 'before' | 'after' }) {
  const { t } = useI18n();
  const f = useFormat();
  const byCode = new Map(plan.equity.regions.map((r) => [r.region, r]));
  return (
    <figure className="redist-map">
      <figcaption>{t(when === 'before' ? 'redist.map.before' : 'redist.map.after')}</figcaption>
      <svg
        viewBox={sweden.viewBox}
        role="img"
        aria-label={t(when === 'before' ? 'redist.map.before' : 'redist.map.after')}
        data-testid={`redist-map-${when}`}
      >
        {sweden.locations.map((loc) => {
          const code = REGION_CODE_OF_MAP_ID[loc.id];
          const region = code ? byCode.get(code) : undefined;
          const days = region
            ? when === 'before'
              ? region.coverageBefore
              : region.coverageAfter
            : undefined;
          return (
            <path key={loc.id} d={loc.path} fill={fill(days)} stroke="#fff" strokeWidth={1}>
              <title>{`${loc.name}: ${region ? `${f.days(days)} ${t('redist.daysUnit')}` : t('redist.map.none')}`}</title>
            </path>
          );
        })}
      </svg>
    </figure>
  );
}

export function RedistributionPage({ id }: { id: number }) {
  const { t, formatDate } = useI18n();
  const f = useFormat();
  const state = useApi(`redistribution:${id}`, (api, signal) => redistribution(api, id, signal));
  const regions = useApi('regions', (api, signal) => api.regions(signal));
  // An uploaded instance may name regions the register does not know: their code is shown.
  const regionName = (code: string) => regions.data?.items.find((r) => r.code === code)?.name ?? code;
  const plan = state.data;
  if (state.status === 'error' && !plan) return <ErrorState error={state.error} onRetry={state.reload} />;
  return (
    <>
      <PageHeader
        title={plan ? t('redist.planTitle', { id: String(id), subject: plan.subject }) : t('redist.loading')}
        lead={
          plan ? t('redist.planLead', { date: formatDate(plan.transferDate), unit: plan.unit }) : undefined
        }
        eyebrow={<Link to="/redistributions">{t('redist.back')}</Link>}
        actions={plan && <Badge tone={STATUS_TONE[plan.status]}>{t(STATUS_KEY[plan.status])}</Badge>}
      />
      {plan && (
        <>
          <section className="card card-padded section-gap redist-summary" data-testid="redist-summary">
            <dl className="redist-figures">
              {plan.lowestCoverageAfter !== null && (
                <div>
                  <dt>{t('redist.lowest')}</dt>
                  <dd>{`${f.days(plan.lowestCoverageBefore)} → ${f.days(plan.lowestCoverageAfter)} ${t('redist.daysUnit')}`}</dd>
                </div>
              )}
              {plan.equity.regions.length > 0 && (
                <div>
                  <dt>{t('redist.spread')}</dt>
                  <dd>{`${f.days(plan.equity.before.spread)} → ${f.days(plan.equity.after.spread)} ${t('redist.daysUnit')}`}</dd>
                </div>
              )}
              <div>
                <dt>{t('redist.moved')}</dt>
                <dd>{`${f.qty(plan.totalQuantity)} ${plan.unit}`}</dd>
              </div>
              <div>
                <dt>{t('redist.value')}</dt>
                <dd>{t('redist.kronor', { n: f.kr(plan.totalValueSek) })}</dd>
              </div>
              <div>
                <dt>{t('redist.transport')}</dt>
                <dd>{f.qty(plan.transportOptimum)}</dd>
              </div>
            </dl>
            {plan.unreachable.length > 0 && (
              <p className="muted">{t('redist.unreachable', { ids: plan.unreachable.join(', ') })}</p>
            )}
            {plan.refusedArcs.length > 0 && (
              <p className="muted">{t('redist.refused', { n: String(plan.refusedArcs.length) })}</p>
            )}
          </section>
          <section className="card card-padded section-gap">
            <h2 className="section-title">{t('redist.equity')}</h2>
            {plan.equity.regions.length === 0 ? (
              // An organisation concerned reads no region it could subtract its own stock from
              // (src/domain/redistribution-scope.ts); a computed plan always has a region.
              <p className="muted" data-testid="redist-equity-hidden">
                {t('redist.equityHidden')}
              </p>
            ) : (
              <>
                <div className="redist-maps">
                  <RegionMap plan={plan} when="before" />
                  <RegionMap plan={plan} when="after" />
                </div>
                <DataTable
                  testId="redist-equity"
                  columns={[
                    'redist.col.region',
                    { label: 'redist.col.stockBefore', num: true },
                    { label: 'redist.col.stockAfter', num: true },
                    { label: 'redist.col.demand', num: true },
                    { label: 'redist.col.coverageBefore', num: true },
                    { label: 'redist.col.coverageAfter', num: true },
                  ]}
                  rows={plan.equity.regions.map((r) => (
                    <tr key={r.region}>
                      <th scope="row">
                        {regionName(r.region)}
                        <span className="cell-sub mono">{r.region}</span>
                      </th>
                      <td className="num">{f.qty(r.stockBefore)}</td>
                      <td className="num">{f.qty(r.stockAfter)}</td>
                      <td className="num">{f.days(r.demandPerDay)}</td>
                      <td className="num">{f.days(r.coverageBefore)}</td>
                      <td className="num">{f.days(r.coverageAfter)}</td>
                    </tr>
                  ))}
                />
              </>
            )}
          </section>
          <section className="card card-padded section-gap">
            <h2 className="section-title">{t('redist.transfers', { n: String(plan.transfers.length) })}</h2>
            {plan.transfers.length === 0 ? (
              <p className="muted">{t('redist.noTransfers')}</p>
            ) : (
              <TransferTable plan={plan} />
            )}
          </section>
          <DecisionPanel plan={plan} onDecided={state.reload} />
        </>
      )}
    </>
  );
}

function TransferTable({ plan }: { plan: RedistributionPlan }) {
  const { formatDate } = useI18n();
  const f = useFormat();
  return (
    <DataTable
      testId="redist-transfers"
      columns={[
        'redist.col.from',
        'redist.col.to',
        'redist.col.package',
        'redist.col.batch',
        'redist.col.expiry',
        { label: 'redist.col.quantity', num: true },
        { label: 'redist.col.value', num: true },
        { label: 'redist.col.km', num: true },
        'redist.col.confirmed',
      ]}
      rows={plan.transfers.map((x) => (
        <tr key={x.line}>
          <td>{x.fromCode}</td>
          <td>{x.toCode}</td>
          <td>{x.package}</td>
          <td>{x.batch}</td>
          <td>{formatDate(x.expiry)}</td>
          <td className="num">{f.qty(x.quantity)}</td>
          <td className="num">{f.kr(x.valueSek)}</td>
          <td className="num">{f.days(x.distanceKm)}</td>
          <td>{`${x.sentAt ? '✓' : '–'} / ${x.receivedAt ? '✓' : '–'}`}</td>
        </tr>
      ))}
    />
  );
}

function DecisionPanel({ plan, onDecided }: { plan: RedistributionPlan; onDecided: () => void }) {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const [mode, setMode] = useState<'voluntary' | 'mandatory'>('voluntary');
  const [legalBasis, setLegalBasis] = useState('');
  const [validFrom, setValidFrom] = useState(plan.transferDate);
  const [validTo, setValidTo] = useState('');
  const [cap, setCap] = useState('');
  const [shelf, setShelf] = useState('');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmission();
  // Läkemedelsverket decides (the server says: a coordinator elsewhere has the role, not the mandate).
  const mayDecide = plan.mayDecide;
  const d = plan.decision;
  if (d) {
    const withdrawal = plan.log.find((l) => l.event === 'withdrawn');
    return (
      <>
        <section className="card card-padded section-gap" data-testid="redist-decision">
          <h2 className="section-title">{t('redist.decision.title')}</h2>
          {withdrawal && (
            <p className="notice notice-warning" role="status" data-testid="redist-withdrawn">
              {t('redist.withdrawn', {
                date: formatDate(withdrawal.at.slice(0, 10)),
                by: withdrawal.actor,
                reason: withdrawal.reason ?? '',
              })}
            </p>
          )}
          <dl className="redist-figures">
            <div>
              <dt>{t('redist.decision.mode')}</dt>
              <dd>{t(d.mode === 'voluntary' ? 'redist.decision.voluntary' : 'redist.decision.mandatory')}</dd>
            </div>
            <div>
              <dt>{t('redist.decision.legalBasis')}</dt>
              <dd>{d.legalBasis}</dd>
            </div>
            <div>
              <dt>{t('redist.decision.validity')}</dt>
              <dd>{`${formatDate(d.validFrom)} – ${formatDate(d.validTo)}`}</dd>
            </div>
            <div>
              <dt>{t('redist.decision.reason')}</dt>
              <dd>{d.reason}</dd>
            </div>
            <div>
              <dt>{t('redist.decision.by')}</dt>
              <dd>{`${d.decidedBy}, ${formatDate(d.decidedAt.slice(0, 10))}`}</dd>
            </div>
          </dl>
          <h3>{t('redist.conditions')}</h3>
          <ConditionList conditions={d.conditions} testId="redist-conditions" />
          <h3>{t('redist.log')}</h3>
          <ul className="redist-log">
            {plan.log.map((l) => (
              <li
                key={l.id}
              >{`${formatDate(l.at.slice(0, 10))} ${l.actor}: ${t(`redist.event.${l.event}` as MessageKey)}${l.line !== null ? ` (${t('redist.line', { n: String(l.line) })})` : ''}${l.event === 'withdrawn' && l.reason ? `: ${l.reason}` : ''}`}</li>
            ))}
          </ul>
        </section>
        {plan.status === 'decided' && mayDecide && <WithdrawForm plan={plan} onWithdrawn={onDecided} />}
      </>
    );
  }
  if (plan.status !== 'draft' || !mayDecide) return null;
  const submit = (event: FormEvent) =>
    run(event, async () => {
      await decideRedistribution(api, plan.id, {
        mode,
        legalBasis,
        validFrom,
        validTo,
        conditions: {
          ...(cap ? { capPerDispensing: Number(cap) } : {}),
          ...(shelf ? { minRemainingShelfLifeDays: Number(shelf) } : {}),
          ...(note ? { note } : {}),
        },
        reason,
      });
      onDecided();
    });
  return (
    <FormCard id="redist-decide" title={t('redist.decide.title')} onSubmit={submit} testId="redist-decide">
      <p className="muted">{t('redist.decide.lead')}</p>
      <div className="redist-grid">
        <SelectField
          label={t('redist.decision.mode')}
          value={mode}
          options={(['voluntary', 'mandatory'] as const).map((m) => ({
            value: m,
            label: t(`redist.decision.${m}` as MessageKey),
          }))}
          onChange={(v) => setMode(v === 'mandatory' ? 'mandatory' : 'voluntary')}
        />
        <InputField
          label={t('redist.decision.legalBasis')}
          type="text"
          required
          value={legalBasis}
          onChange={setLegalBasis}
        />
        <InputField
          label={t('redist.decision.validFrom')}
          type="date"
          required
          value={validFrom}
          onChange={setValidFrom}
        />
        <InputField
          label={t('redist.decision.validTo')}
          type="date"
          required
          value={validTo}
          onChange={setValidTo}
        />
        <InputField
          label={t('redist.decision.cap')}
          type="number"
          min={1}
          step={1}
          value={cap}
          onChange={setCap}
        />
        <InputField
          label={t('redist.decision.shelf')}
          type="number"
          min={0}
          step={1}
          value={shelf}
          onChange={setShelf}
        />
        <InputField
          label={t('redist.decision.note')}
          className="redist-wide"
          type="text"
          value={note}
          onChange={setNote}
        />
        <TextAreaField
          label={t('redist.decision.reason')}
          className="redist-wide"
          required
          value={reason}
          onChange={setReason}
        />
      </div>
      <p className="muted">{t('redist.decide.freezes')}</p>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {t('redist.decide.submit')}
        </button>
      </div>
      {error && <ErrorState error={error} />}
    </FormCard>
  );
}

/** Läkemedelsverket withdraws a decided plan, with a reason (item 5: the log only grows). */
function WithdrawForm({ plan, onWithdrawn }: { plan: RedistributionPlan; onWithdrawn: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [reason, setReason] = useState('');
  const { busy, error, run } = useSubmission();
  const submit = (event: FormEvent) =>
    run(event, async () => {
      await withdrawRedistribution(api, plan.id, reason);
      onWithdrawn();
    });
  return (
    <FormCard
      id="redist-withdraw"
      title={t('redist.withdraw.title')}
      onSubmit={submit}
      testId="redist-withdraw"
    >
      <p className="muted">{t('redist.withdraw.lead')}</p>
      <TextAreaField label={t('redist.withdraw.reason')} required value={reason} onChange={setReason} />
      <div className="report-form-actions">
        <button type="submit" className="button button-secondary" disabled={busy}>
          {t('redist.withdraw.submit')}
        </button>
      </div>
      {error && <ErrorState error={error} />}
    </FormCard>
  );
}
