import { Fragment, useState, type FormEvent } from 'react';
import type { Static } from '@sinclair/typebox';
import type { DispensationDto } from '../../api/dispensation.routes.js';
import { DISPENSATION_STATUSES, type DispensationStatus } from '../../domain/dispensation.js';
import { type Page } from '../api-client.js';
import { DecisionCell, DetailRow, FormCard, useSubmission } from '../components/form-card.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { useDateTime } from '../components/freshness.js';
import { FilterPanel, FilterRow, InputField, SelectField, TextAreaField } from '../components/fields.js';
import { PageHeader } from '../components/page-header.js';
import { SectionTabs } from '../components/section-tabs.js';
import { OBLIGATION_TABS } from './supervision.page.js';
import { CardPager } from '../components/pager.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { ResultCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

type Dispensation = Static<typeof DispensationDto>;
type DispensationsPage = Page<Dispensation> & { mayApply: boolean; mayDecide: boolean };
interface InForce {
  on: string;
  items: {
    company: { id: number; name: string };
    package: { id: number; name: string; nplPackId: string };
    publishedVolume: number;
    volume: number;
    dispensationId: number | null;
  }[];
}

const PAGE_SIZE = 25;
const COLUMNS = 7;
const STATUS_TONE: Readonly<Record<DispensationStatus, BadgeTone>> = {
  pending: 'warning',
  granted: 'success',
  denied: 'danger',
};
const isStatus = (v: string | null): v is DispensationStatus =>
  DISPENSATION_STATUSES.includes(v as DispensationStatus);

/**
 * Dispenser (issue 12 item 3, R1): a company applies for a lower volume of one package of its
 * published obligation; Läkemedelsverket grants (volume, validity period) or denies, with a reason.
 */
export function DispensationsPage() {
  const { t, formatNumber } = useI18n();
  const { me } = useSession();
  const { params, set } = useQueryState();
  const statusParam = params.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const query = { status, limit: PAGE_SIZE, offset };
  const list = useApi(`dispensations:${JSON.stringify(query)}`, (api, signal) =>
    api.request<DispensationsPage>('/api/dispensations', { query, signal }),
  );
  const page = list.data;
  const company = me.organisation.kind === 'company';

  return (
    <>
      <SectionTabs label="nav.stockpiling" tabs={OBLIGATION_TABS} />
      <PageHeader
        title={t('disp.title')}
        lead={company ? t('disp.leadCompany', { org: me.organisation.name }) : t('disp.leadAuthority')}
      />
      {page?.mayApply && <ApplicationForm onFiled={list.reload} />}
      <FilterPanel>
        <FilterRow legend={t('catalogue.filters')}>
          <SelectField
            label={t('disp.status')}
            value={status ?? ''}
            all={t('disp.statusAll')}
            options={DISPENSATION_STATUSES.map((s) => ({
              value: s,
              label: t(`disp.status.${s}` as MessageKey),
            }))}
            onChange={(value) => set({ status: value || undefined, offset: undefined })}
          />
        </FilterRow>
      </FilterPanel>
      {list.status === 'error' ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : page && page.total === 0 && list.status === 'ready' ? (
        <EmptyState title={t('disp.emptyTitle')}>{t('disp.emptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="disp-count"
          count={
            page && t(page.total === 1 ? 'disp.countOne' : 'disp.count', { n: formatNumber(page.total) })
          }
          updating={list.status === 'loading' && page !== undefined}
        >
          <DataTable
            columns={[
              'col.company',
              'col.name',
              'disp.col.year',
              num('disp.col.requested', 'disp.col.requestedTitle'),
              'disp.col.reason',
              'disp.status',
              'disp.col.decision',
            ]}
            caption={t('disp.title')}
            testId="dispensations"
            loading={list.status === 'loading'}
            rows={page?.items.map((d) => (
              <DispensationRow key={d.id} d={d} mayDecide={page.mayDecide} onDecided={list.reload} />
            ))}
          />
          <CardPager page={page} />
        </ResultCard>
      )}
    </>
  );
}

function DispensationRow({
  d,
  mayDecide,
  onDecided,
}: {
  d: Dispensation;
  mayDecide: boolean;
  onDecided: () => void;
}) {
  const { t, formatNumber, formatDate } = useI18n();
  const time = useDateTime();
  const [open, setOpen] = useState(false);
  return (
    <Fragment>
      <tr data-testid="dispensation-row">
        <td>{d.company.name}</td>
        <th scope="row">
          {d.package.name}
          <span className="cell-sub mono">NPL {d.package.nplPackId}</span>
        </th>
        <td>{d.year}</td>
        <td className="num">
          {formatNumber(d.requestedVolume)}
          <span className="cell-sub">{t('disp.ofPublished', { n: formatNumber(d.publishedVolume) })}</span>
        </td>
        <td>
          {d.reason}
          <span className="cell-sub">
            {t('disp.appliedBy', { who: d.appliedBy, when: time(d.appliedAt) })}
          </span>
        </td>
        <td>
          <Badge tone={STATUS_TONE[d.status]}>{t(`disp.status.${d.status}` as MessageKey)}</Badge>
        </td>
        <DecisionCell
          decided={
            d.decision ? (
              <>
                {d.decision.volume !== null && d.decision.validFrom && d.decision.validTo
                  ? t('disp.grantedText', {
                      n: formatNumber(d.decision.volume),
                      from: formatDate(d.decision.validFrom),
                      to: formatDate(d.decision.validTo),
                    })
                  : t('disp.deniedText')}
                <span className="cell-sub">
                  {d.decision.reason} · {d.decision.decidedBy}, {d.decision.organisation},{' '}
                  {time(d.decision.decidedAt)}
                </span>
              </>
            ) : null
          }
          mayDecide={mayDecide}
          open={open}
          onToggle={() => setOpen((o) => !o)}
          decideLabel={t('disp.decide')}
          awaitingLabel={t('disp.awaiting')}
        />
      </tr>
      {open && d.decision === null && (
        <DetailRow columns={COLUMNS}>
          <DecisionForm d={d} onDecided={onDecided} />
        </DetailRow>
      )}
    </Fragment>
  );
}

/** The company's application: a package of its obligation in force, the volume asked for, the reason. */
function ApplicationForm({ onFiled }: { onFiled: () => void }) {
  const { t, formatNumber } = useI18n();
  const { api } = useSession();
  const obligations = useApi('obligations-in-force', (a, signal) =>
    a.request<InForce>('/api/dispensations/in-force', { signal }),
  );
  const [packageId, setPackageId] = useState('');
  const [volume, setVolume] = useState('');
  const [reason, setReason] = useState('');
  const { busy: saving, error, run } = useSubmission();
  const [filed, setFiled] = useState<Dispensation | null>(null);
  const items = obligations.data?.items ?? [];
  const year = obligations.data ? Number(obligations.data.on.slice(0, 4)) : undefined;

  const submit = (event: FormEvent) =>
    run(event, async () => {
      const body = {
        year,
        packageId: Number.parseInt(packageId, 10) || 0,
        requestedVolume: Number(volume),
        reason,
      };
      setFiled(await api.request<Dispensation>('/api/dispensations', { method: 'POST', body }));
      setVolume('');
      setReason('');
      onFiled();
    });

  return (
    <FormCard id="disp-new" title={t('disp.newTitle', { year: year ?? '' })} onSubmit={submit}>
      <div className="report-form-fields">
        <SelectField
          label={t('disp.package')}
          value={packageId}
          all={t('disp.choosePackage')}
          options={items.map((o) => ({
            value: String(o.package.id),
            label: t('disp.packageOption', { name: o.package.name, n: formatNumber(o.volume) }),
          }))}
          onChange={setPackageId}
        />
        <InputField
          label={t('disp.requestedVolume')}
          type="number"
          min={0}
          step={1}
          value={volume}
          onChange={setVolume}
        />
        <TextAreaField label={t('disp.reason')} rows={3} value={reason} onChange={setReason} />
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving || year === undefined}>
          {t('disp.apply')}
        </button>
        <span className="muted">{t('disp.applyHint')}</span>
      </div>
      <div aria-live="polite">
        {filed && (
          <div className="notice notice-success" role="status" data-testid="dispensation-filed">
            <div className="notice-body">
              <p className="notice-title">{t('disp.filed', { id: filed.id })}</p>
            </div>
          </div>
        )}
      </div>
      {error && <ErrorState error={error} title={t('disp.refused')} />}
    </FormCard>
  );
}

/** Läkemedelsverket's decision: grant (volume, validity period in the obligation's year) or deny. */
function DecisionForm({ d, onDecided }: { d: Dispensation; onDecided: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const [outcome, setOutcome] = useState<'grant' | 'deny'>('grant');
  const [volume, setVolume] = useState(String(d.requestedVolume));
  const [validFrom, setValidFrom] = useState(`${d.year}-01-01`);
  const [validTo, setValidTo] = useState(`${d.year}-12-31`);
  const [reason, setReason] = useState('');
  const { busy: saving, error, run } = useSubmission();

  const submit = (event: FormEvent) =>
    run(event, async () => {
      const body =
        outcome === 'grant'
          ? { outcome, reason, volume: Number(volume), validFrom, validTo }
          : { outcome, reason };
      await api.request<Dispensation>(`/api/dispensations/${d.id}/decision`, { method: 'POST', body });
      onDecided();
    });

  return (
    <form className="decision-form" onSubmit={(e) => void submit(e)} data-testid="dispensation-decision">
      <div className="decision-form-fields">
        <SelectField
          label={t('disp.outcome')}
          value={outcome}
          options={[
            { value: 'grant', label: t('disp.outcome.grant') },
            { value: 'deny', label: t('disp.outcome.deny') },
          ]}
          onChange={(v) => setOutcome(v === 'deny' ? 'deny' : 'grant')}
        />
        {outcome === 'grant' && (
          <>
            <InputField
              label={t('disp.grantVolume')}
              type="number"
              min={0}
              value={volume}
              onChange={setVolume}
            />
            <InputField label={t('disp.validFrom')} type="date" value={validFrom} onChange={setValidFrom} />
            <InputField label={t('disp.validTo')} type="date" value={validTo} onChange={setValidTo} />
          </>
        )}
        <TextAreaField
          label={t('disp.decisionReason')}
          className="decision-reason"
          rows={2}
          value={reason}
          onChange={setReason}
        />
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {t('disp.saveDecision')}
        </button>
        <span className="muted">{t('disp.decisionHint')}</span>
      </div>
      {error && <ErrorState error={error} title={t('disp.refused')} />}
    </form>
  );
}
