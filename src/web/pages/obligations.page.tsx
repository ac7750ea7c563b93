import { useId, useState, type FormEvent } from 'react';
import {
  type ApiError,
  type ObligationAccess,
  type ObligationCalculation,
  type ObligationDecision,
  type ObligationLines,
  type ObligationRevision,
  type ObligationsInForce,
  type ObligationWhatIf,
} from '../api-client.js';
import { FormCard, useSubmission } from '../components/form-card.js';
import { Badge } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { useDateTime } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { ExportButtons } from '../components/picture.js';
import { SelectField } from '../components/fields.js';
import { TableCard } from '../components/table-card.js';
import { EmptyState, ErrorState, Spinner } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

/*
 * Lagerhållningsskyldighet (R1, issue 12 items 1–3 and 8): Läkemedelsverket computes a year's
 * obligations, compares parameters (what-if), looks at the lines and publishes them; TLV sees the
 * same; a company sees its own list in force and its decisions.
 */

const LINES_PAGE = 50;
const EXEMPT_KEY = {
  parallel_traded: 'obl.exempt.parallel_traded',
  licence: 'obl.exempt.licence',
} as const satisfies Record<string, MessageKey>;

/** The year a page opens on: next year from October (when volumes are fixed), else this year. */
function defaultYear(): number {
  const now = new Date();
  return now.getMonth() >= 9 ? now.getFullYear() + 1 : now.getFullYear();
}

const todayIso = () => new Date().toISOString().slice(0, 10);

export function ObligationsPage() {
  const { t } = useI18n();
  const { params, set } = useQueryState();
  const year = Number.parseInt(params.get('year') ?? '', 10) || defaultYear();
  const access = useApi('obligations-access', (api, signal) =>
    api.request<ObligationAccess>('/api/obligations/access', { signal }),
  );
  const years = [year - 1, year, year + 1];
  return (
    <div className="obligations">
      <PageHeader
        title={t('obl.title')}
        lead={t('obl.lead')}
        actions={
          <SelectField
            label={t('obl.year')}
            value={String(year)}
            options={years.map((y) => ({ value: String(y), label: String(y) }))}
            onChange={(v) => set({ year: v, calc: undefined })}
          />
        }
      />
      {access.status === 'error' ? (
        <ErrorState error={access.error} onRetry={access.reload} />
      ) : !access.data ? (
        <Spinner />
      ) : access.data.seesAllCompanies ? (
        <AuthorityView year={year} decides={access.data.decides} />
      ) : (
        <>
          <InForceCard year={year} />
          <DecisionsCard year={year} />
        </>
      )}
    </div>
  );
}

function AuthorityView({ year, decides }: { year: number; decides: boolean }) {
  const { params, set } = useQueryState();
  const calcs = useApi(`obligation-calcs:${year}`, (api, signal) =>
    api.request<{ items: ObligationCalculation[] }>('/api/obligations/calculations', {
      query: { year },
      signal,
    }),
  );
  const chosen = Number.parseInt(params.get('calc') ?? '', 10) || calcs.data?.items[0]?.id;
  const [published, setPublished] = useState(0);
  return (
    <>
      <CalculationsCard
        year={year}
        calcs={calcs.data?.items}
        error={calcs.status === 'error' ? calcs.error : null}
        chosen={chosen}
        onChoose={(id) => set({ calc: String(id) })}
      />
      {decides && (
        <ComputeForm
          year={year}
          onComputed={(c) => {
            calcs.reload();
            set({ calc: String(c.id) });
          }}
        />
      )}
      <WhatIfCard year={year} />
      {chosen !== undefined && (
        <LinesCard id={chosen} decides={decides} onPublished={() => setPublished((n) => n + 1)} />
      )}
      <InForceCard year={year} key={`in-force-${published}`} />
      <DecisionsCard year={year} key={`decisions-${published}`} />
    </>
  );
}

function CalculationsCard({
  year,
  calcs,
  error,
  chosen,
  onChoose,
}: {
  year: number;
  calcs: ObligationCalculation[] | undefined;
  error: ApiError | null;
  chosen: number | undefined;
  onChoose: (id: number) => void;
}) {
  const { t, formatNumber, formatDate } = useI18n();
  const time = useDateTime();
  if (error) return <ErrorState error={error} />;
  return (
    <TableCard
      id="obl-calcs"
      title={t('obl.calcs', { year: String(year) })}
      count={calcs?.length}
      testId="obl-calcs"
    >
      {calcs && calcs.length === 0 ? (
        <p className="card-padded muted">{t('obl.noCalcs')}</p>
      ) : (
        <DataTable
          columns={[
            'obl.calc',
            num('obl.months'),
            'obl.basisPeriod',
            num('obl.obligated'),
            num('obl.exemptLines'),
            num('obl.volume'),
            num('obl.value'),
            'obl.computedAt',
            { label: 'obl.show', hidden: true },
          ]}
          caption={t('obl.calcs', { year: String(year) })}
          rows={calcs?.map((c) => (
            <tr
              key={c.id}
              aria-current={c.id === chosen ? 'true' : undefined}
              className={c.id === chosen ? 'row-selected' : undefined}
            >
              <th scope="row">
                {t('obl.calcName', { id: String(c.id) })}
                {c.label && <span className="cell-sub">{c.label}</span>}
              </th>
              <td className="num">{formatNumber(c.months, { maximumFractionDigits: 2 })}</td>
              <td className="nowrap">
                {formatDate(c.basisFrom)} – {formatDate(c.basisTo)}
              </td>
              <td className="num">{formatNumber(c.totals.obligatedLines)}</td>
              <td className="num">{formatNumber(c.totals.exemptLines)}</td>
              <td className="num">{formatNumber(c.totals.volume)}</td>
              <td className="num">{formatNumber(c.totals.valueSek, { maximumFractionDigits: 0 })}</td>
              <td className="nowrap">{time(c.computedAt)}</td>
              <td>
                {c.id === chosen ? (
                  <Badge tone="info">{t('obl.shown')}</Badge>
                ) : (
                  <button type="button" className="button button-link" onClick={() => onChoose(c.id)}>
                    {t('obl.show')}
                  </button>
                )}
              </td>
            </tr>
          ))}
        />
      )}
    </TableCard>
  );
}

function ComputeForm({ year, onComputed }: { year: number; onComputed: (c: ObligationCalculation) => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const ids = { months: useId(), cutoff: useId(), label: useId() };
  const [months, setMonths] = useState('3');
  const [cutoff, setCutoff] = useState(`${year - 1}-10-01`);
  const [label, setLabel] = useState('');
  const { busy, error, run } = useSubmission();
  const submit = (event: FormEvent) =>
    run(event, async () => {
      const body = { year, months: Number(months.replace(',', '.')), cutoff, ...(label ? { label } : {}) };
      onComputed(
        await api.request<ObligationCalculation>('/api/obligations/calculations', { method: 'POST', body }),
      );
    });
  return (
    <FormCard id="obl-compute" title={t('obl.computeTitle', { year: String(year) })} onSubmit={submit}>
      <div className="report-form-fields">
        <div className="field">
          <label htmlFor={ids.months}>{t('obl.months')}</label>
          <input
            id={ids.months}
            inputMode="decimal"
            value={months}
            onChange={(e) => setMonths(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.cutoff}>{t('obl.cutoff')}</label>
          <input id={ids.cutoff} type="date" value={cutoff} onChange={(e) => setCutoff(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.label}>{t('obl.label')}</label>
          <input id={ids.label} value={label} maxLength={200} onChange={(e) => setLabel(e.target.value)} />
        </div>
      </div>
      <p className="muted">{t('obl.computeExplain')}</p>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={busy}>
          {busy ? t('obl.computing') : t('obl.compute')}
        </button>
      </div>
      {error && <ErrorState error={error} title={t('obl.refused')} />}
    </FormCard>
  );
}

function WhatIfCard({ year }: { year: number }) {
  const { t, formatNumber, formatDate } = useI18n();
  const { params, set } = useQueryState();
  const id = useId();
  const monthsText = params.get('months') ?? '3,6';
  const months = monthsText
    .split(',')
    .map((m) => Number(m))
    .filter((m) => Number.isFinite(m) && m > 0)
    .slice(0, 5);
  const [draft, setDraft] = useState(monthsText.replaceAll(',', ', '));
  const query = `year=${year}${months.map((m) => `&months=${m}`).join('')}`;
  const w = useApi(`obligation-what-if:${query}`, (api, signal) =>
    api.request<ObligationWhatIf>(`/api/obligations/what-if?${query}`, { signal }),
  );
  const money = (v: number) => formatNumber(v, { maximumFractionDigits: 0 });
  return (
    <TableCard
      id="obl-whatif"
      title={t('obl.whatIf')}
      testId="obl-whatif"
      updating={w.status === 'loading' && w.data !== undefined}
      actions={
        <span className="card-actions">
          <form
            className="inline-form"
            onSubmit={(e) => {
              e.preventDefault();
              set({ months: draft.replace(/\s+/g, '') });
            }}
          >
            <label htmlFor={id}>{t('obl.whatIfMonths')}</label>{' '}
            <input id={id} value={draft} size={8} onChange={(e) => setDraft(e.target.value)} />{' '}
            <button type="submit" className="button button-secondary button-small">
              {t('obl.compare')}
            </button>
          </form>
          <ExportButtons
            path={`/api/obligations/export/what-if?${query}`}
            name={`skyldighet-${year}-jamforelse`}
          />
        </span>
      }
    >
      {w.status === 'error' ? (
        <ErrorState error={w.error} onRetry={w.reload} />
      ) : (
        <>
          {w.data && (
            <p className="card-padded muted">
              {t('obl.whatIfBasis', {
                from: formatDate(w.data.basisFrom),
                to: formatDate(w.data.basisTo),
                cutoff: formatDate(w.data.cutoff),
              })}
            </p>
          )}
          <div className="table-scroll">
            <table className="data-table" data-testid="obl-whatif-table">
              <caption className="visually-hidden">{t('obl.whatIf')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('col.company')}</th>
                  {(w.data?.months ?? months).flatMap((m) => [
                    <th key={`v${m}`} scope="col" className="num">
                      {t('obl.whatIfVolume', { m: formatNumber(m, { maximumFractionDigits: 2 }) })}
                    </th>,
                    <th key={`s${m}`} scope="col" className="num">
                      {t('obl.whatIfValue', { m: formatNumber(m, { maximumFractionDigits: 2 }) })}
                    </th>,
                  ])}
                </tr>
              </thead>
              <tbody>
                {w.data?.companies.map((c) => (
                  <tr key={c.company.id}>
                    <th scope="row">{c.company.name}</th>
                    {c.scenarios.flatMap((s, i) => [
                      <td key={`v${i}`} className="num">
                        {formatNumber(s.volume)}
                      </td>,
                      <td key={`s${i}`} className="num">
                        {money(s.valueSek)}
                      </td>,
                    ])}
                  </tr>
                ))}
              </tbody>
              {w.data && (
                <tfoot>
                  <tr className="row-total">
                    <th scope="row">{t('obl.national')}</th>
                    {w.data.national.flatMap((s, i) => [
                      <td key={`v${i}`} className="num">
                        <strong>{formatNumber(s.volume)}</strong>
                      </td>,
                      <td key={`s${i}`} className="num">
                        <strong>{money(s.valueSek)}</strong>
                      </td>,
                    ])}
                  </tr>
                </tfoot>
              )}
            </table>
          </div>
        </>
      )}
    </TableCard>
  );
}

function LinesCard({ id, decides, onPublished }: { id: number; decides: boolean; onPublished: () => void }) {
  const { t, formatNumber } = useI18n();
  const [company, setCompany] = useState('');
  const [offset, setOffset] = useState(0);
  const lines = useApi(`obligation-lines:${id}`, (api, signal) =>
    api.request<ObligationLines>(`/api/obligations/calculations/${id}/lines`, { signal }),
  );
  if (lines.status === 'error') return <ErrorState error={lines.error} onRetry={lines.reload} />;
  const all = lines.data?.items;
  const companies = [...new Map((all ?? []).map((l) => [l.company.id, l.company.name])).entries()].sort(
    (a, b) => a[1].localeCompare(b[1], 'sv'),
  );
  const shown = company ? all?.filter((l) => String(l.company.id) === company) : all;
  const page = shown?.slice(offset, offset + LINES_PAGE);
  const c = lines.data?.calculation;
  return (
    <>
      <TableCard
        id="obl-lines"
        title={t('obl.lines', {
          id: String(id),
          months: c ? formatNumber(c.months, { maximumFractionDigits: 2 }) : '…',
        })}
        count={shown?.length}
        testId="obl-lines"
        actions={
          <span className="card-actions">
            <SelectField
              label={t('col.company')}
              value={company}
              all={t('obl.allCompanies')}
              options={companies.map(([value, label]) => ({ value: String(value), label }))}
              onChange={(v) => {
                setCompany(v);
                setOffset(0);
              }}
            />
            <ExportButtons
              path="/api/obligations/export/lines"
              query={{ calculation: id, company: company || undefined }}
              name={`skyldighet-berakning-${id}`}
            />
          </span>
        }
      >
        <DataTable
          columns={[
            'col.company',
            'col.name',
            num('obl.basis', 'obl.basisHelp'),
            num('obl.volume'),
            num('obl.value'),
            'obl.status',
          ]}
          caption={t('obl.lines', { id: String(id), months: '' })}
          testId="obl-lines-table"
          loading={lines.status === 'loading'}
          rows={page?.map((l) => (
            <tr key={`${l.company.id}:${l.package.id}`} data-testid="obl-line">
              <td>{l.company.name}</td>
              <th scope="row">
                {l.package.name}
                <span className="cell-sub">
                  {l.package.description} · <span className="mono">{l.package.atcCode}</span> ·{' '}
                  <span className="mono">NPL {l.package.nplPackId}</span>
                </span>
              </th>
              <td className="num">{formatNumber(l.basisUnits, { maximumFractionDigits: 1 })}</td>
              <td className="num">{formatNumber(l.volume)}</td>
              <td className="num">
                {l.valueSek === null ? '–' : formatNumber(l.valueSek, { maximumFractionDigits: 0 })}
              </td>
              <td>
                <span className="badges">
                  {l.exemptReason ? (
                    <Badge tone="neutral">{t(EXEMPT_KEY[l.exemptReason])}</Badge>
                  ) : l.basisUnits === 0 ? (
                    <Badge tone="neutral">{t('obl.noSales')}</Badge>
                  ) : (
                    <Badge tone="info">{t('obl.obligatedBadge')}</Badge>
                  )}
                  {!l.sellerOnCutoff && <Badge tone="warning">{t('obl.formerSeller')}</Badge>}
                  {l.revision && (
                    <Badge tone="warning">
                      {t('obl.revisedTo', {
                        n: formatNumber(l.revision.newVolume),
                        date: l.revision.revisedOn,
                      })}
                    </Badge>
                  )}
                </span>
              </td>
            </tr>
          ))}
        />
        {shown && shown.length > LINES_PAGE && (
          <div className="card-footer">
            <Pager total={shown.length} limit={LINES_PAGE} offset={offset} onChange={setOffset} />
          </div>
        )}
      </TableCard>
      {decides && c && <ReviseForm calc={c} onRevised={lines.reload} />}
      {decides && c && <PublishForm calc={c} onPublished={onPublished} />}
    </>
  );
}

/** R1: the ±25 % test on a day; the revisions due are stored and shown on the lines. */
function ReviseForm({ calc, onRevised }: { calc: ObligationCalculation; onRevised: () => void }) {
  const { t, formatNumber } = useI18n();
  const { api } = useSession();
  const id = useId();
  const [on, setOn] = useState(`${calc.year}-04-01`);
  const { busy, error, run } = useSubmission();
  const [made, setMade] = useState<ObligationRevision[] | null>(null);
  const submit = (event: FormEvent) =>
    run(event, async () => {
      const res = await api.request<{ items: ObligationRevision[] }>(
        `/api/obligations/calculations/${calc.id}/revisions`,
        { method: 'POST', body: { on } },
      );
      setMade(res.items);
      onRevised();
    });
  return (
    <FormCard id="obl-revise" title={t('obl.reviseTitle')} onSubmit={submit}>
      <p className="muted">
        {t('obl.reviseExplain', {
          pct: formatNumber(calc.revisionThreshold * 100, { maximumFractionDigits: 1 }),
        })}
      </p>
      <div className="report-form-fields">
        <div className="field">
          <label htmlFor={id}>{t('obl.reviseOn')}</label>
          <input id={id} type="date" value={on} onChange={(e) => setOn(e.target.value)} />
        </div>
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-secondary" disabled={busy}>
          {t('obl.revise')}
        </button>
        {made && (
          <span role="status" data-testid="obl-revised">
            {t('obl.revisedN', { n: formatNumber(made.length) })}
          </span>
        )}
      </div>
      {error && <ErrorState error={error} title={t('obl.refused')} />}
    </FormCard>
  );
}

function PublishForm({ calc, onPublished }: { calc: ObligationCalculation; onPublished: () => void }) {
  const { t, formatNumber } = useI18n();
  const { api } = useSession();
  const ids = { reason: useId(), from: useId() };
  const [reason, setReason] = useState('');
  const [validFrom, setValidFrom] = useState(`${calc.year}-01-01`);
  const { busy, error, run } = useSubmission();
  const [made, setMade] = useState<ObligationDecision[] | null>(null);
  const submit = (event: FormEvent) =>
    run(event, async () => {
      const body = { calculationId: calc.id, reason, validFrom };
      const res = await api.request<{ items: ObligationDecision[] }>('/api/obligations/decisions', {
        method: 'POST',
        body,
      });
      setMade(res.items);
      onPublished();
    });
  return (
    <FormCard id="obl-publish" title={t('obl.publishTitle', { id: String(calc.id) })} onSubmit={submit}>
      <p className="muted">{t('obl.publishExplain')}</p>
      <div className="report-form-fields">
        <div className="field field-wide">
          <label htmlFor={ids.reason}>{t('obl.reason')}</label>
          <textarea
            id={ids.reason}
            value={reason}
            rows={2}
            required
            onChange={(e) => setReason(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{t('obl.validFrom')}</label>
          <input id={ids.from} type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />
        </div>
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={busy || reason.trim() === ''}>
          {busy ? t('obl.publishing') : t('obl.publish')}
        </button>
      </div>
      {error && <ErrorState error={error} title={t('obl.refused')} />}
      {made && (
        <div className="notice notice-success" role="status" data-testid="obl-published">
          <div className="notice-body">
            <h3 className="notice-title">
              {made.length === 0
                ? t('obl.publishedNone')
                : t('obl.publishedN', {
                    n: formatNumber(made.length),
                    volume: formatNumber(made.reduce((s, d) => s + d.volume, 0)),
                  })}
            </h3>
          </div>
        </div>
      )}
    </FormCard>
  );
}

function InForceCard({ year }: { year: number }) {
  const { t, formatNumber, formatDate } = useI18n();
  const { params, set } = useQueryState();
  const id = useId();
  const on = params.get('on') ?? (year === new Date().getFullYear() ? todayIso() : `${year}-01-01`);
  const list = useApi(`obligations-in-force:${year}:${on}`, (api, signal) =>
    api.request<ObligationsInForce>('/api/obligations/in-force', { query: { year, on }, signal }),
  );
  const [offset, setOffset] = useState(0);
  const items = list.data?.items;
  return (
    <TableCard
      id="obl-in-force"
      title={t('obl.inForce', { year: String(year) })}
      count={items?.length}
      testId="obl-in-force"
      actions={
        <span className="card-actions">
          <span className="inline-form">
            <label htmlFor={id}>{t('obl.on')}</label>{' '}
            <input
              id={id}
              type="date"
              value={on}
              onChange={(e) => set({ on: e.target.value || undefined })}
            />
          </span>
          <ExportButtons
            path="/api/obligations/export/in-force"
            query={{ year, on }}
            name={`skyldighet-${year}`}
          />
        </span>
      }
    >
      {list.status === 'error' ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : items && items.length === 0 ? (
        <EmptyState title={t('obl.inForceEmpty')}>
          {t('obl.inForceEmptyBody', { date: formatDate(on) })}
        </EmptyState>
      ) : (
        <>
          <DataTable
            columns={[
              'col.company',
              'col.name',
              num('obl.volume'),
              num('obl.basis', 'obl.basisHelp'),
              'obl.decision',
            ]}
            caption={t('obl.inForce', { year: String(year) })}
            testId="obl-in-force-table"
            loading={list.status === 'loading'}
            rows={items?.slice(offset, offset + LINES_PAGE).map((x) => (
              <tr key={`${x.company.id}:${x.package.id}`}>
                <td>{x.company.name}</td>
                <th scope="row">
                  {x.package.name}
                  <span className="cell-sub">
                    {x.package.description} · <span className="mono">{x.package.atcCode}</span>
                  </span>
                </th>
                <td className="num">
                  {x.exemptReason ? (
                    <Badge tone="neutral">{t(EXEMPT_KEY[x.exemptReason])}</Badge>
                  ) : (
                    formatNumber(x.volume)
                  )}
                </td>
                <td className="num">
                  {formatNumber(x.basisUnits, { maximumFractionDigits: 1 })}
                  <span className="cell-sub">
                    {formatDate(x.basisFrom)} – {formatDate(x.basisTo)}
                  </span>
                </td>
                <td className="nowrap">
                  {t('obl.versionFrom', { v: String(x.version), date: formatDate(x.validFrom) })}
                </td>
              </tr>
            ))}
          />
          {items && items.length > LINES_PAGE && (
            <div className="card-footer">
              <Pager total={items.length} limit={LINES_PAGE} offset={offset} onChange={setOffset} />
            </div>
          )}
        </>
      )}
    </TableCard>
  );
}

function DecisionsCard({ year }: { year: number }) {
  const { t, formatNumber, formatDate } = useI18n();
  const time = useDateTime();
  const list = useApi(`obligation-decisions:${year}`, (api, signal) =>
    api.request<{ items: ObligationDecision[] }>('/api/obligations/decisions', { query: { year }, signal }),
  );
  if (list.status === 'error') return <ErrorState error={list.error} onRetry={list.reload} />;
  const items = list.data?.items;
  return (
    <TableCard
      id="obl-decisions"
      title={t('obl.decisions', { year: String(year) })}
      count={items?.length}
      testId="obl-decisions"
    >
      {items && items.length === 0 ? (
        <p className="card-padded muted">{t('obl.noDecisions')}</p>
      ) : (
        <DataTable
          columns={[
            'col.company',
            num('obl.version'),
            'obl.validFrom',
            num('obl.volume'),
            'obl.reason',
            'obl.decidedAt',
          ]}
          caption={t('obl.decisions', { year: String(year) })}
          rows={items?.map((d) => (
            <tr key={d.id}>
              <th scope="row">{d.company.name}</th>
              <td className="num">{d.version}</td>
              <td className="nowrap">{formatDate(d.validFrom)}</td>
              <td className="num">{formatNumber(d.volume)}</td>
              <td>{d.reason}</td>
              <td className="nowrap">{time(d.decidedAt)}</td>
            </tr>
          ))}
        />
      )}
    </TableCard>
  );
}
