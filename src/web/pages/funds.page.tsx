import { useId, useState, type FormEvent } from 'react';

import { FormCard, useSubmission } from '../components/form-card.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { SelectField } from '../components/fields.js';
import { PageHeader } from '../components/page-header.js';
import { ClassificationMark, ExportButtons } from '../components/picture.js';
import { ErrorState } from '../components/states.js';
import { TableCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import {
  funds as loadFunds,
  recordFundUse,
  type FundAgreement,
  type FundState,
  type FundUse,
  type Funds,
} from '../preparedness-api.js';
import { useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { PreparednessTabs } from './regional-target.page.js';
import { useApi } from '../use-api.js';

/*
 * R2, issue 12 item 7: the state–SKR agreements, each region's allocation by population share, the funds
 * used and what is due to be repaid and when. A region's coordinator or reporter records its funds used
 * here; authorities and Nationellt CT see every region, a region its own.
 */

const STATE_TONE: Readonly<Record<FundState, BadgeTone>> = {
  open: 'info',
  to_repay: 'warning',
  overdue: 'danger',
  settled: 'success',
};
const STATE_KEY: Readonly<Record<FundState, MessageKey>> = {
  open: 'funds.state.open',
  to_repay: 'funds.state.to_repay',
  overdue: 'funds.state.overdue',
  settled: 'funds.state.settled',
};

/** Whole kronor with the currency, e.g. '63 297 021 kr'. */
function useKronor(): (sek: number | null) => string {
  const { t, formatNumber } = useI18n();
  return (sek) => (sek === null ? t('funds.notGiven') : t('funds.kronor', { n: formatNumber(sek) }));
}

export function FundsPage() {
  const { t } = useI18n();
  const { me } = useSession();
  const { params, set } = useQueryState();
  const onId = useId();
  const onParam = params.get('on') ?? '';
  const on = /^\d{4}-\d{2}-\d{2}$/.test(onParam) ? onParam : undefined;
  const state = useApi(`funds:${on ?? ''}`, (api, signal) => loadFunds(api, on, signal));
  const data = state.data;
  const canRecord =
    data?.recordsFor !== null &&
    data?.recordsFor !== undefined &&
    me.permissions.includes('preparedness:apply');

  return (
    <>
      <PreparednessTabs current="funds" />
      <ClassificationMark classification={data?.classification} />
      <PageHeader
        title={t('funds.title')}
        lead={t('funds.lead')}
        actions={
          <>
            <div className="field field-inline">
              <label htmlFor={onId}>{t('funds.asOf')}</label>
              <input
                id={onId}
                type="date"
                value={on ?? data?.on ?? ''}
                onChange={(e) => set({ on: e.target.value }, { replace: true })}
              />
            </div>
            <ExportButtons
              path="/api/preparedness/funds/export"
              query={on ? { on } : undefined}
              name="beredskapsmedel"
            />
          </>
        }
      />
      {state.status === 'error' && <ErrorState error={state.error} onRetry={state.reload} />}
      {data?.agreements.map((a) => (
        <AgreementCard key={a.code} agreement={a} />
      ))}
      {data && canRecord && <RecordUseForm funds={data} onRecorded={state.reload} />}
      {data && data.uses.length > 0 && <UsesCard uses={data.uses} />}
    </>
  );
}

function AgreementCard({ agreement: a }: { agreement: FundAgreement }) {
  const { t, formatNumber, formatDate } = useI18n();
  const kronor = useKronor();
  return (
    <TableCard
      id={`agreement-${a.code}`}
      title={a.name}
      testId={`agreement-${a.code}`}
      actions={<span className="muted">{t('funds.repayBy', { date: formatDate(a.repayBy) })}</span>}
    >
      <dl className="facts" data-testid="agreement-facts">
        <div>
          <dt>{t('funds.total')}</dt>
          <dd>{kronor(a.totalSek)}</dd>
        </div>
        <div>
          <dt>{t('funds.toRegions')}</dt>
          <dd>{kronor(a.regionsSek)}</dd>
        </div>
        <div>
          <dt>{t('funds.toSkr')}</dt>
          <dd>{kronor(a.skrSek)}</dd>
        </div>
        <div>
          <dt>{t('funds.requisitionBy')}</dt>
          <dd>{a.requisitionBy ? formatDate(a.requisitionBy) : t('funds.notGiven')}</dd>
        </div>
        <div>
          <dt>{t('funds.usable')}</dt>
          <dd>
            {formatDate(a.usableFrom)} – {formatDate(a.usableTo)}
          </dd>
        </div>
        <div>
          <dt>{t('funds.population')}</dt>
          <dd>{formatDate(a.populationDate)}</dd>
        </div>
      </dl>
      <p className="muted facts-source">{a.source}</p>
      {a.regions.length > 0 && (
        <DataTable
          columns={[
            'funds.region',
            num('funds.inhabitants'),
            num('funds.allocated'),
            num('funds.used'),
            num('funds.dueToRepay', 'funds.dueHint'),
            'funds.state',
          ]}
          rows={a.regions.map((r) => (
            <tr key={r.regionCode} data-testid="fund-region-row">
              <th scope="row">{r.regionName}</th>
              <td className="num">{formatNumber(r.population)}</td>
              <td className="num">{kronor(r.allocatedSek)}</td>
              <td className="num">{kronor(r.usedSek)}</td>
              <td className="num">{kronor(r.dueToRepaySek)}</td>
              <td>
                <Badge tone={STATE_TONE[r.state]}>{t(STATE_KEY[r.state])}</Badge>
              </td>
            </tr>
          ))}
          foot={
            a.regions.length > 1 ? (
              <tfoot>
                <tr>
                  <th scope="row">{t('funds.allRegions')}</th>
                  <td />
                  <td className="num">{kronor(a.totals.allocatedSek)}</td>
                  <td className="num">{kronor(a.totals.usedSek)}</td>
                  <td className="num">{kronor(a.totals.dueToRepaySek)}</td>
                  <td />
                </tr>
              </tfoot>
            ) : undefined
          }
        />
      )}
    </TableCard>
  );
}

function RecordUseForm({ funds, onRecorded }: { funds: Funds; onRecorded: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const ids = { amount: useId(), day: useId(), purpose: useId() };
  const open = funds.agreements.filter((a) => a.regions.some((r) => r.unusedSek > 0));
  const [agreement, setAgreement] = useState(open.at(-1)?.code ?? '');
  const [amount, setAmount] = useState('');
  const [usedOn, setUsedOn] = useState('');
  const [purpose, setPurpose] = useState('');
  const { busy: saving, error, run } = useSubmission();
  const [recorded, setRecorded] = useState<FundUse | null>(null);
  const kronor = useKronor();

  const submit = (event: FormEvent) =>
    run(event, async () => {
      setRecorded(null);
      const amountSek = Number(amount.replace(/[\s\u00a0]/g, ''));
      setRecorded(await recordFundUse(api, { agreement, amountSek, usedOn, purpose }));
      setAmount('');
      setPurpose('');
      onRecorded();
    });

  return (
    <FormCard id="funds-record" title={t('funds.recordTitle')} onSubmit={submit}>
      <div className="report-form-fields">
        <SelectField
          label={t('funds.agreement')}
          value={agreement}
          options={funds.agreements.map((a) => ({ value: a.code, label: a.code }))}
          onChange={setAgreement}
        />
        <div className="field">
          <label htmlFor={ids.amount}>{t('funds.amount')}</label>
          <input
            id={ids.amount}
            type="text"
            inputMode="numeric"
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            required
          />
        </div>
        <div className="field">
          <label htmlFor={ids.day}>{t('funds.usedOn')}</label>
          <input
            id={ids.day}
            type="date"
            value={usedOn}
            onChange={(e) => setUsedOn(e.target.value)}
            required
          />
        </div>
        <div className="field field-wide">
          <label htmlFor={ids.purpose}>{t('funds.purpose')}</label>
          <input
            id={ids.purpose}
            type="text"
            maxLength={500}
            value={purpose}
            onChange={(e) => setPurpose(e.target.value)}
            required
          />
        </div>
      </div>
      <p className="muted">{t('funds.recordHint')}</p>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving || agreement === ''}>
          {saving ? t('funds.recording') : t('funds.record')}
        </button>
      </div>
      {recorded && (
        <div className="notice notice-success" role="status" data-testid="fund-use-recorded">
          <div className="notice-body">
            <p>
              {t('funds.recorded', { amount: kronor(recorded.amountSek), agreement: recorded.agreementCode })}
            </p>
          </div>
        </div>
      )}
      {error && <ErrorState error={error} title={t('funds.refused')} />}
    </FormCard>
  );
}

function UsesCard({ uses }: { uses: FundUse[] }) {
  const { t, formatDate } = useI18n();
  const kronor = useKronor();
  return (
    <TableCard id="fund-uses" title={t('funds.uses')} count={uses.length} testId="fund-uses">
      <DataTable
        columns={[
          'funds.agreement',
          'funds.usedOn',
          'funds.region',
          num('funds.amount'),
          'funds.purpose',
          'funds.recordedBy',
        ]}
        rows={uses.map((u) => (
          <tr key={u.id} data-testid="fund-use-row">
            <td>{u.agreementCode}</td>
            <td>{formatDate(u.usedOn)}</td>
            <td>{u.regionName}</td>
            <td className="num">{kronor(u.amountSek)}</td>
            <td>{u.purpose}</td>
            <td>{u.recordedBy}</td>
          </tr>
        ))}
      />
    </TableCard>
  );
}
