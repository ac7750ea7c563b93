import { Fragment, useState, type FormEvent } from 'react';
import type { Static } from '@sinclair/typebox';
import type {
  CompensationApplicationDto,
  CompensationEstimateDto,
  CompensationModelDto,
} from '../../api/compensation.routes.js';
import type { CompensationStatus } from '../../domain/compensation.js';
import { type Page } from '../api-client.js';
import { DecisionCell, DetailRow, FormCard, useSubmission } from '../components/form-card.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { useDateTime } from '../components/freshness.js';
import { InputField, SelectField, TextAreaField } from '../components/fields.js';
import { PageHeader } from '../components/page-header.js';
import { SectionTabs } from '../components/section-tabs.js';
import { OBLIGATION_TABS } from './supervision.page.js';
import { CardPager } from '../components/pager.js';
import { EmptyState, ErrorState, Spinner } from '../components/states.js';
import { TableCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

type Application = Static<typeof CompensationApplicationDto>;
type Estimate = Static<typeof CompensationEstimateDto>;
type Model = Static<typeof CompensationModelDto>;
type ApplicationsPage = Page<Application> & { mayApply: boolean; mayDecide: boolean };

const COLUMNS = 7;
const STATUS_TONE: Readonly<Record<CompensationStatus, BadgeTone>> = {
  pending: 'warning',
  approved: 'success',
  adjusted: 'info',
  denied: 'danger',
};

/**
 * Ersättning (issue 12 item 5, R1): the model's versions, a company's estimate and application for a
 * year, and TLV's decisions (approve, adjust, deny). A decision keeps the model version and the
 * amount computed when the company applied.
 */
export function CompensationPage() {
  const { t, formatNumber, formatDate } = useI18n();
  const { me } = useSession();
  const models = useApi('compensation-models', (api, signal) =>
    api.request<{ items: Model[]; inForce: number | null }>('/api/compensation/models', { signal }),
  );
  const list = useApi('compensation-applications', (api, signal) =>
    api.request<ApplicationsPage>('/api/compensation/applications', { query: { limit: 50 }, signal }),
  );
  const page = list.data;
  const company = me.organisation.kind === 'company';
  const sek = (n: number) => t('comp.sek', { n: formatNumber(n) });

  return (
    <>
      <SectionTabs label="nav.stockpiling" tabs={OBLIGATION_TABS} />
      <PageHeader
        title={t('comp.title')}
        lead={company ? t('comp.leadCompany', { org: me.organisation.name }) : t('comp.leadAuthority')}
      />
      <TableCard id="comp-models" title={t('comp.models')}>
        {models.status === 'error' ? (
          <ErrorState error={models.error} onRetry={models.reload} />
        ) : (
          <DataTable
            columns={[
              'comp.col.version',
              'comp.col.validFrom',
              num('comp.col.rate'),
              num('comp.col.margin'),
              num('comp.col.storage'),
              'comp.col.note',
            ]}
            testId="compensation-models"
            skeletonRows={1}
            rows={models.data?.items.map((m) => (
              <tr key={m.version}>
                <td className="nowrap">
                  {m.version}{' '}
                  {models.data?.inForce === m.version && <Badge tone="success">{t('comp.inForce')}</Badge>}
                </td>
                <td className="nowrap">{formatDate(m.validFrom)}</td>
                <td className="num">
                  {formatNumber(m.referenceRatePercent, { maximumFractionDigits: 2 })} %
                </td>
                <td className="num">
                  {t('comp.pp', { n: formatNumber(m.marginPercentagePoints, { maximumFractionDigits: 2 }) })}
                </td>
                <td className="num">
                  {formatNumber(m.storageSekPerUnitMonth, { minimumFractionDigits: 2 })} kr
                </td>
                <td>{m.note}</td>
              </tr>
            ))}
          />
        )}
      </TableCard>

      {page?.mayDecide && models.data && (
        <ModelForm latest={models.data.items[models.data.items.length - 1]} onAdded={models.reload} />
      )}
      {page?.mayApply && <ApplyCard onFiled={list.reload} />}

      <TableCard id="comp-applications" title={t('comp.applications')} count={page?.total}>
        {list.status === 'error' ? (
          <ErrorState error={list.error} onRetry={list.reload} />
        ) : page && page.total === 0 ? (
          <EmptyState title={t('comp.emptyTitle')}>{t('comp.emptyBody')}</EmptyState>
        ) : (
          <>
            <DataTable
              columns={[
                'col.company',
                'comp.col.year',
                'comp.col.model',
                num('comp.col.computed'),
                'comp.col.status',
                num('comp.col.decided'),
                'comp.col.decision',
              ]}
              testId="compensation-applications"
              loading={list.status === 'loading'}
              rows={page?.items.map((a) => (
                <ApplicationRow
                  key={a.id}
                  a={a}
                  mayDecide={page.mayDecide}
                  onDecided={list.reload}
                  sek={sek}
                />
              ))}
            />
            <CardPager page={page} />
          </>
        )}
      </TableCard>
      <p className="muted">{t('comp.rule')}</p>
    </>
  );
}

function ApplicationRow({
  a,
  mayDecide,
  onDecided,
  sek,
}: {
  a: Application;
  mayDecide: boolean;
  onDecided: () => void;
  sek: (n: number) => string;
}) {
  const { t } = useI18n();
  const time = useDateTime();
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <tr data-testid="compensation-row">
        <td>
          {a.company.name}
          <span className="cell-sub">
            {t('disp.appliedBy', { who: a.appliedBy, when: time(a.appliedAt) })}
          </span>
        </td>
        <td>{a.year}</td>
        <td className="nowrap">{t('comp.version', { n: a.modelVersion })}</td>
        <td className="num">
          {sek(a.computedSek)}
          <span className="cell-sub">
            {t('comp.split', { capital: sek(a.capitalCostSek), storage: sek(a.storageCostSek) })}
          </span>
        </td>
        <td>
          <Badge tone={STATUS_TONE[a.status]}>{t(`comp.status.${a.status}` as MessageKey)}</Badge>
        </td>
        <td className="num">{a.decision ? sek(a.decision.amountSek) : '–'}</td>
        <DecisionCell
          decided={
            a.decision ? (
              <>
                {a.decision.reason}
                <span className="cell-sub">
                  {a.decision.decidedBy}, {a.decision.organisation}, {time(a.decision.decidedAt)}
                </span>
              </>
            ) : null
          }
          mayDecide={mayDecide}
          open={open}
          onToggle={() => setOpen((o) => !o)}
          decideLabel={t('comp.decide')}
          awaitingLabel={t('comp.awaiting')}
        />
      </tr>
      {open && a.decision === null && (
        <DetailRow columns={COLUMNS}>
          <Lines lines={a.lines} sek={sek} />
          <DecisionForm a={a} onDecided={onDecided} />
        </DetailRow>
      )}
    </Fragment>
  );
}

function Lines({ lines, sek }: { lines: Estimate['lines']; sek: (n: number) => string }) {
  const { t, formatNumber } = useI18n();
  return (
    <DataTable
      className="compact-table"
      columns={[
        'col.name',
        num('comp.col.packMonths', 'comp.col.packMonthsTitle'),
        num('comp.col.valueMonths'),
        num('comp.col.capital'),
        num('comp.col.storageCost'),
        num('comp.col.amount'),
      ]}
      testId="compensation-lines"
      rows={lines.map((l) => (
        <tr key={l.packageId}>
          <th scope="row">
            {l.packageName}
            <span className="cell-sub mono">NPL {l.nplPackId}</span>
            {l.priceMissing && <Badge tone="warning">{t('comp.priceMissing')}</Badge>}
          </th>
          <td className="num">{formatNumber(l.packMonths)}</td>
          <td className="num">{sek(Math.round(l.valueMonths))}</td>
          <td className="num">{sek(l.capitalCostSek)}</td>
          <td className="num">{sek(l.storageCostSek)}</td>
          <td className="num">{sek(l.amountSek)}</td>
        </tr>
      ))}
    />
  );
}

/** The company's estimate for a year (what it would get today) and its application. */
function ApplyCard({ onFiled }: { onFiled: () => void }) {
  const { t, formatNumber } = useI18n();
  const { api } = useSession();
  // The year of the obligations in force on the picture's day, until the user picks another.
  const inForce = useApi('obligations-in-force-day', (a, signal) =>
    a.request<{ on: string }>('/api/dispensations/in-force', { signal }),
  );
  const [yearText, setYear] = useState<string | null>(null);
  const year = yearText ?? inForce.data?.on.slice(0, 4) ?? '';
  const [note, setNote] = useState('');
  const { busy: saving, error, run } = useSubmission();
  const y = Number.parseInt(year, 10);
  const estimate = useApi(`compensation-estimate:${y}`, (a, signal) =>
    y >= 2000 && y <= 2200
      ? a.request<Estimate>('/api/compensation/estimate', { query: { year: y }, signal })
      : Promise.resolve(undefined),
  );
  const sek = (n: number) => t('comp.sek', { n: formatNumber(n) });

  const submit = (event: FormEvent) =>
    run(event, async () => {
      await api.request<Application>('/api/compensation/applications', {
        method: 'POST',
        body: { year: y, ...(note.trim() ? { note } : {}) },
      });
      setNote('');
      onFiled();
    });

  return (
    <FormCard id="comp-new" title={t('comp.newTitle')} onSubmit={submit}>
      <div className="report-form-fields">
        <InputField
          label={t('comp.year')}
          type="number"
          min={2000}
          max={2200}
          value={year}
          onChange={setYear}
        />
        <TextAreaField label={t('comp.note')} rows={2} value={note} onChange={setNote} />
      </div>
      <div className="comp-estimate" data-testid="compensation-estimate">
        {estimate.status === 'error' ? (
          <ErrorState error={estimate.error} onRetry={estimate.reload} />
        ) : estimate.data ? (
          <>
            <p>
              {t('comp.estimate', {
                amount: sek(estimate.data.amountSek),
                capital: sek(estimate.data.capitalCostSek),
                storage: sek(estimate.data.storageCostSek),
                version: estimate.data.modelVersion,
              })}
            </p>
            {estimate.data.lines.length > 0 && <Lines lines={estimate.data.lines} sek={sek} />}
          </>
        ) : estimate.status === 'loading' ? (
          <Spinner />
        ) : null}
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving || !(y >= 2000)}>
          {t('comp.apply')}
        </button>
      </div>
      {error && <ErrorState error={error} title={t('comp.refused')} />}
    </FormCard>
  );
}

/** TLV's decision: approve the computed amount, adjust it, or deny; always with a reason. */
function DecisionForm({ a, onDecided }: { a: Application; onDecided: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [outcome, setOutcome] = useState<'approve' | 'adjust' | 'deny'>('approve');
  const [amount, setAmount] = useState(String(a.computedSek));
  const [reason, setReason] = useState('');
  const { busy: saving, error, run } = useSubmission();

  const submit = (event: FormEvent) =>
    run(event, async () => {
      const body =
        outcome === 'adjust' ? { outcome, reason, amountSek: Number(amount) } : { outcome, reason };
      await api.request<Application>(`/api/compensation/applications/${a.id}/decision`, {
        method: 'POST',
        body,
      });
      onDecided();
    });

  return (
    <form className="decision-form" onSubmit={(e) => void submit(e)} data-testid="compensation-decision">
      <div className="decision-form-fields">
        <SelectField
          label={t('comp.outcome')}
          value={outcome}
          options={(['approve', 'adjust', 'deny'] as const).map((o) => ({
            value: o,
            label: t(`comp.outcome.${o}` as MessageKey),
          }))}
          onChange={(v) => setOutcome(v === 'adjust' ? 'adjust' : v === 'deny' ? 'deny' : 'approve')}
        />
        {outcome === 'adjust' && (
          <InputField label={t('comp.amount')} type="number" min={0} value={amount} onChange={setAmount} />
        )}
        <TextAreaField
          label={t('comp.reason')}
          className="decision-reason"
          rows={2}
          value={reason}
          onChange={setReason}
        />
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {t('comp.saveDecision')}
        </button>
      </div>
      {error && <ErrorState error={error} title={t('comp.refused')} />}
    </form>
  );
}

/**
 * TLV adds a version of the model (starting from the latest one's figures). Applications already filed
 * and their decisions keep the version they were computed with.
 */
function ModelForm({ latest, onAdded }: { latest: Model | undefined; onAdded: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [validFrom, setValidFrom] = useState('');
  const [rate, setRate] = useState(String(latest?.referenceRatePercent ?? ''));
  const [margin, setMargin] = useState(String(latest?.marginPercentagePoints ?? ''));
  const [storage, setStorage] = useState(String(latest?.storageSekPerUnitMonth ?? ''));
  const [note, setNote] = useState('');
  const { busy: saving, error, run } = useSubmission();

  const submit = (event: FormEvent) =>
    run(event, async () => {
      await api.request<Model>('/api/compensation/models', {
        method: 'POST',
        body: {
          validFrom,
          referenceRatePercent: Number(rate),
          marginPercentagePoints: Number(margin),
          storageSekPerUnitMonth: Number(storage),
          note,
        },
      });
      setNote('');
      onAdded();
    });

  return (
    <FormCard id="comp-model" title={t('comp.newModel')} onSubmit={submit}>
      <div className="decision-form-fields">
        <InputField label={t('comp.col.validFrom')} type="date" value={validFrom} onChange={setValidFrom} />
        <InputField label={t('comp.ratePercent')} type="number" step="0.01" value={rate} onChange={setRate} />
        <InputField
          label={t('comp.marginPp')}
          type="number"
          step="0.01"
          value={margin}
          onChange={setMargin}
        />
        <InputField
          label={t('comp.storageSek')}
          type="number"
          step="0.01"
          value={storage}
          onChange={setStorage}
        />
        <TextAreaField
          label={t('comp.modelNote')}
          className="decision-reason"
          rows={2}
          value={note}
          onChange={setNote}
        />
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {t('comp.addModel')}
        </button>
        <span className="muted">{t('comp.modelHint')}</span>
      </div>
      {error && <ErrorState error={error} title={t('comp.refused')} />}
    </FormCard>
  );
}
