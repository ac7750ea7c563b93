import { useId, useState, type FormEvent } from 'react';
import type { AllocationDetailDto, AllocationListItemDto } from '../../api/allocation.routes.js';
import type { AllocationReason, AllocationStatus } from '../../domain/allocation.js';
import { isApiError, type ApiError, type Page } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { useDateTime } from '../components/freshness.js';
import { SelectField } from '../components/fields.js';
import { ProductPicker } from '../components/product-picker.js';
import { groupKey } from '../../domain/demand.js';
import { PageHeader } from '../components/page-header.js';
import { CardPager } from '../components/pager.js';
import { EmptyState, ErrorState, SkeletonBlock } from '../components/states.js';
import { ResultCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState, useRouter } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

/*
 * Fördelning (issue 13 item 2, R3): the list and a new allocation (/allocations), one allocation with
 * its lines, each region's coverage before and after and the decision panel (/allocations/:id). The
 * quota an organisation delivers or receives is allocation-quota.page.tsx (/allocations/quota).
 */

type AllocationsPage = Page<AllocationListItemDto> & { mayCompute: boolean };

const PAGE_SIZE = 25;
const STATUS_TONE: Readonly<Record<AllocationStatus, BadgeTone>> = {
  draft: 'warning',
  decided: 'success',
  withdrawn: 'neutral',
};

export function AllocationsPage() {
  const { t, formatNumber, formatDate } = useI18n();
  const { params } = useQueryState();
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const caseId = caseParam(params);
  const query = { limit: PAGE_SIZE, offset, ...(caseId ? { case: caseId } : {}) };
  const list = useApi(`allocations:${JSON.stringify(query)}`, (api, signal) =>
    api.request<AllocationsPage>('/api/allocations', { query, signal }),
  );
  const page = list.data;
  return (
    <>
      <PageHeader
        title={t('alloc.title')}
        lead={t('alloc.lead')}
        actions={
          <Link to="/allocations/quota" className="button button-secondary">
            {t('alloc.quotaLink')}
          </Link>
        }
      />
      {caseId !== null && (
        <p className="muted" data-testid="alloc-case-filter">
          {t('alloc.caseFilter', { id: String(caseId) })} <Link to="/allocations">{t('alloc.caseAll')}</Link>
        </p>
      )}
      {page?.mayCompute && <NewAllocationForm />}
      {list.status === 'error' ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : page && page.total === 0 && list.status === 'ready' ? (
        <EmptyState title={t('alloc.emptyTitle')}>{t('alloc.emptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="alloc-count"
          count={
            page && t(page.total === 1 ? 'alloc.countOne' : 'alloc.count', { n: formatNumber(page.total) })
          }
          updating={list.status === 'loading' && page !== undefined}
        >
          <DataTable
            columns={[
              'alloc.col.id',
              'alloc.col.item',
              num('alloc.col.horizon'),
              num('alloc.col.available'),
              num('alloc.col.allocated'),
              'alloc.col.status',
              'alloc.col.created',
            ]}
            caption={t('alloc.title')}
            testId="allocations"
            loading={list.status === 'loading'}
            rows={page?.items.map((a) => (
              <tr key={a.id} data-testid="allocation-row">
                <td>
                  <Link to={`/allocations/${a.id}`}>#{a.id}</Link>
                </td>
                <th scope="row">
                  <Link to={`/allocations/${a.id}`}>{a.item.name}</Link>
                  <span className="cell-sub">
                    {t(a.item.kind === 'group' ? 'alloc.kind.group' : 'alloc.kind.package')} · {a.item.ref}
                  </span>
                </th>
                <td className="num">{t('alloc.days', { n: formatNumber(a.horizonDays) })}</td>
                <td className="num">{a.available === null ? '–' : formatNumber(a.available)}</td>
                <td className="num">{a.allocated === null ? '–' : formatNumber(a.allocated)}</td>
                <td>
                  <Badge tone={STATUS_TONE[a.status]}>{t(`alloc.status.${a.status}` as MessageKey)}</Badge>
                </td>
                <td>
                  {a.createdBy}
                  <span className="cell-sub">{formatDate(a.pictureToday)}</span>
                </td>
              </tr>
            ))}
          />
          <CardPager page={page} />
        </ResultCard>
      )}
    </>
  );
}

/** The shortage case a page is opened for (`?case=7`), or null. */
function caseParam(params: URLSearchParams): number | null {
  const n = Number.parseInt(params.get('case') ?? '', 10);
  return Number.isInteger(n) && n > 0 ? n : null;
}

/** Parses "01:2, 12:1" (region code: tier) into a record; undefined when empty; null when malformed. */
function parseTiers(text: string): Record<string, number> | undefined | null {
  const parts = text
    .split(/[,;\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return undefined;
  const out: Record<string, number> = {};
  for (const p of parts) {
    const m = /^([0-9A-Za-z_-]{1,30}):([1-9])$/.exec(p);
    if (!m) return null;
    out[m[1] ?? ''] = Number(m[2]);
  }
  return out;
}

function NewAllocationForm() {
  const { t } = useI18n();
  const { api } = useSession();
  const { navigate } = useRouter();
  const { params } = useQueryState();
  const ids = { ref: useId(), horizon: useId(), tiers: useId(), note: useId() };
  const [kind, setKind] = useState<'package' | 'group'>(params.get('kind') === 'group' ? 'group' : 'package');
  const [ref, setRef] = useState(params.get('ref') ?? '');
  const caseId = caseParam(params);
  const [picked, setPicked] = useState<string | null>(null);
  const [level, setLevel] = useState<'region' | 'location'>('region');
  const [horizon, setHorizon] = useState('30');
  const [tiers, setTiers] = useState('');
  const [note, setNote] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [tiersError, setTiersError] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const parsed = parseTiers(tiers);
    setTiersError(parsed === null);
    if (parsed === null) return;
    setSaving(true);
    setError(null);
    try {
      const body = {
        kind,
        ref: ref.trim(),
        level,
        horizonDays: Number.parseInt(horizon, 10) || 0,
        ...(parsed ? { tiers: parsed } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
        ...(caseId ? { caseId } : {}),
      };
      const created = await api.request<AllocationDetailDto>('/api/allocations', { method: 'POST', body });
      navigate(`/allocations/${created.id}`);
    } catch (err) {
      if (isApiError(err)) setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="card card-padded report-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="alloc-new"
    >
      <h2 id="alloc-new" className="section-title">
        {t('alloc.newTitle')}
      </h2>
      {caseId !== null && (
        <p className="muted" data-testid="alloc-form-case">
          <Link to={`/shortages/${caseId}`}>{t('alloc.forCase', { id: String(caseId) })}</Link>
        </p>
      )}
      <div className="report-form-fields">
        <SelectField
          label={t('alloc.itemKind')}
          value={kind}
          options={[
            { value: 'package', label: t('alloc.kind.package') },
            { value: 'group', label: t('alloc.kind.group') },
          ]}
          onChange={(v) => {
            setKind(v === 'group' ? 'group' : 'package');
            setRef('');
            setPicked(null);
          }}
        />
        <ProductPicker
          label={t(kind === 'group' ? 'alloc.pickGroup' : 'alloc.pickPackage')}
          chosen={picked ?? (ref.trim() ? ref.trim() : null)}
          testId="alloc-picker"
          onPick={(p) => {
            // A group is the picked package's substance, strength and form (src/domain/demand.ts groupKey).
            setRef(
              kind === 'group'
                ? groupKey({
                    substance: p.substance,
                    strength: p.strength,
                    form: p.form,
                    species: p.species === 'veterinary' ? 'veterinary' : 'human',
                  })
                : String(p.id),
            );
            setPicked(
              kind === 'group'
                ? `${p.substance} ${p.strength} ${p.form}`
                : `${p.name} ${p.strength} ${p.form}, ${p.packSize} ${p.packUnit} · NPL ${p.nplPackId}`,
            );
          }}
        />
        <div className="field">
          <label htmlFor={ids.ref}>{t(kind === 'group' ? 'alloc.groupKey' : 'alloc.packageId')}</label>
          <input
            type="text"
            id={ids.ref}
            value={ref}
            onChange={(e) => {
              setRef(e.target.value);
              setPicked(null);
            }}
            required
          />
        </div>
        <SelectField
          label={t('alloc.level')}
          value={level}
          options={[
            { value: 'region', label: t('alloc.level.region') },
            { value: 'location', label: t('alloc.level.location') },
          ]}
          onChange={(v) => setLevel(v === 'location' ? 'location' : 'region')}
        />
        <div className="field">
          <label htmlFor={ids.horizon}>{t('alloc.horizon')}</label>
          <input
            id={ids.horizon}
            type="number"
            min={1}
            max={365}
            value={horizon}
            onChange={(e) => setHorizon(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.tiers}>{t('alloc.tiers')}</label>
          <input
            type="text"
            id={ids.tiers}
            value={tiers}
            placeholder="01:1, 12:2"
            aria-invalid={tiersError}
            aria-describedby={`${ids.tiers}-hint`}
            onChange={(e) => setTiers(e.target.value)}
          />
          <span id={`${ids.tiers}-hint`} className={tiersError ? 'field-error' : 'field-hint'}>
            {t(tiersError ? 'alloc.tiersInvalid' : 'alloc.tiersHint')}
          </span>
        </div>
        <div className="field">
          <label htmlFor={ids.note}>{t('alloc.note')}</label>
          <textarea id={ids.note} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {t('alloc.compute')}
        </button>
        <span className="muted">{t('alloc.computeHint')}</span>
      </div>
      {error && <ErrorState error={error} title={t('alloc.refused')} />}
    </form>
  );
}

const REASON_TONE: Readonly<Record<AllocationReason, BadgeTone>> = {
  raised_to_level: 'info',
  capped_at_limit: 'success',
  above_level: 'neutral',
  no_demand: 'neutral',
  minimum_shared: 'warning',
  nothing_left: 'danger',
};

export function AllocationPage({ id }: { id: string }) {
  const { t, formatNumber, formatDate } = useI18n();
  const time = useDateTime();
  const one = useApi(`allocation:${id}`, (api, signal) =>
    api.request<AllocationDetailDto>(`/api/allocations/${encodeURIComponent(id)}`, { signal }),
  );
  const a = one.data;
  if (one.status === 'error') {
    return (
      <>
        <PageHeader title={t('alloc.oneTitle', { id })} />
        <ErrorState error={one.error} onRetry={one.reload} />
      </>
    );
  }
  if (!a) {
    return (
      <>
        <PageHeader title={t('alloc.oneTitle', { id })} />
        <SkeletonBlock lines={6} />
      </>
    );
  }
  const unit = a.item.unit;
  const figure = (n: number | null, options?: Intl.NumberFormatOptions) =>
    n === null ? '–' : formatNumber(n, options);
  const days = (n: number | null) =>
    n === null ? '–' : t('alloc.days', { n: formatNumber(n, { maximumFractionDigits: 1 }) });
  // A supplier reads whom it delivers how much, not what each recipient holds or needs (the API leaves
  // those figures out: null).
  const supplier = a.view === 'supplier';
  const withDemand = a.lines.filter((l) => l.coverageBeforeDays !== null);
  type RegionRow = AllocationDetailDto['regions'][number];
  // R3: the spread between regions (the lines added up per region, whatever the recipients).
  const spread = (pick: (r: RegionRow) => number | null) => {
    const values = a.regions.map(pick).filter((x): x is number => x !== null);
    return values.length === 0 ? null : { min: Math.min(...values), max: Math.max(...values) };
  };
  const before = spread((l) => l.coverageBeforeDays);
  const after = spread((l) => l.coverageAfterDays);
  const scale = Math.max(
    1,
    ...withDemand.map((l) => Math.max(l.coverageAfterDays ?? 0, l.coverageBeforeDays ?? 0)),
  );
  const decision = [...a.decisions].reverse().find((d) => d.outcome === 'decided');

  return (
    <>
      <PageHeader
        eyebrow={<Link to="/allocations">{t('alloc.title')}</Link>}
        title={t('alloc.oneTitle', { id: a.id })}
        lead={t('alloc.oneLead', {
          item: a.item.name,
          kind: t(a.item.kind === 'group' ? 'alloc.kind.group' : 'alloc.kind.package'),
          horizon: formatNumber(a.horizonDays),
          date: formatDate(a.pictureToday),
        })}
        actions={<Badge tone={STATUS_TONE[a.status]}>{t(`alloc.status.${a.status}` as MessageKey)}</Badge>}
      />
      {a.view === 'all' && (
        <section
          className="card card-padded alloc-summary"
          aria-label={t('alloc.supply')}
          data-testid="alloc-summary"
        >
          <dl className="alloc-figures">
            <div>
              <dt>{t('alloc.wholesaleStock')}</dt>
              <dd>
                {figure(a.wholesaleStock)} {unit}
              </dd>
            </div>
            <div>
              <dt>{t('alloc.deliveries')}</dt>
              <dd>
                {figure(a.deliveries)} {unit}
              </dd>
            </div>
            <div>
              <dt>{t('alloc.available')}</dt>
              <dd>
                {figure(a.available)} {unit}
              </dd>
            </div>
            <div>
              <dt>{t('alloc.allocatedTotal')}</dt>
              <dd>
                {figure(a.allocated)} {unit}
              </dd>
            </div>
            {before && after && (
              <div>
                <dt>{t('alloc.spread')}</dt>
                <dd data-testid="alloc-spread">
                  {t('alloc.spreadText', {
                    b1: formatNumber(before.min, { maximumFractionDigits: 1 }),
                    b2: formatNumber(before.max, { maximumFractionDigits: 1 }),
                    a1: formatNumber(after.min, { maximumFractionDigits: 1 }),
                    a2: formatNumber(after.max, { maximumFractionDigits: 1 }),
                  })}
                </dd>
              </div>
            )}
          </dl>
          <ul className="alloc-tiers">
            {a.tiers.map((tier) => (
              <li key={tier.tier}>
                {tier.levelDays === null
                  ? t(tier.availableBefore === 0 ? 'alloc.tierNothing' : 'alloc.tierMet', {
                      tier: tier.tier,
                      n: formatNumber(tier.allocated),
                    })
                  : t('alloc.tierLevel', {
                      tier: tier.tier,
                      n: formatNumber(tier.allocated),
                      days: formatNumber(tier.levelDays, { maximumFractionDigits: 1 }),
                    })}
              </li>
            ))}
          </ul>
          {a.suppliers.length > 0 && (
            <p className="muted">
              {t('alloc.suppliers', {
                list: a.suppliers
                  .map((s) => `${s.name} (${formatNumber(s.stock + s.deliveries)})`)
                  .join(', '),
              })}
            </p>
          )}
        </section>
      )}
      <ResultCard id="alloc-lines" count={t('alloc.linesTitle')} updating={false}>
        <DataTable
          columns={
            supplier
              ? ['alloc.col.recipient', num('alloc.col.tier'), num('alloc.col.quota'), 'alloc.col.reason']
              : [
                  'alloc.col.recipient',
                  num('alloc.col.tier'),
                  num('alloc.col.demand'),
                  num('alloc.col.stock'),
                  num('alloc.col.need'),
                  num('alloc.col.quota'),
                  'alloc.col.coverage',
                  'alloc.col.reason',
                ]
          }
          caption={t('alloc.linesTitle')}
          testId="allocation-lines"
          rows={a.lines.map((l) => (
            <tr key={l.lineNo} data-testid="allocation-line">
              <th scope="row">
                {l.recipientName}
                <span className="cell-sub mono">{l.recipientKey}</span>
              </th>
              <td className="num">{l.tier}</td>
              {!supplier && (
                <>
                  <td className="num">{figure(l.demandPerDay, { maximumFractionDigits: 2 })}</td>
                  <td className="num">{figure(l.stock, { maximumFractionDigits: 0 })}</td>
                  <td className="num">{figure(l.upperBound)}</td>
                </>
              )}
              <td className="num">
                <strong>{formatNumber(l.allocated)}</strong>
                {l.rounding !== 'exact' && (
                  <span className="cell-sub" title={t('alloc.exactShare')}>
                    {t(l.rounding === 'up' ? 'alloc.roundedUp' : 'alloc.roundedDown')}
                  </span>
                )}
              </td>
              {!supplier && (
                <td>
                  {l.coverageBeforeDays === null ? (
                    <span className="muted">{t('alloc.noDemand')}</span>
                  ) : (
                    <div
                      className="alloc-bars"
                      aria-label={t('alloc.coverageAria', {
                        b: days(l.coverageBeforeDays),
                        a: days(l.coverageAfterDays),
                      })}
                    >
                      <span
                        className="alloc-bar alloc-bar-before"
                        style={{ width: `${(100 * l.coverageBeforeDays) / scale}%` }}
                      />
                      <span
                        className="alloc-bar alloc-bar-after"
                        style={{ width: `${(100 * (l.coverageAfterDays ?? 0)) / scale}%` }}
                      />
                      <span className="cell-sub">
                        {days(l.coverageBeforeDays)} → {days(l.coverageAfterDays)}
                      </span>
                    </div>
                  )}
                </td>
              )}
              <td>
                <Badge tone={REASON_TONE[l.reason]}>{t(`alloc.reason.${l.reason}` as MessageKey)}</Badge>
                {!supplier && (
                  <span className="cell-sub">
                    {t(`alloc.why.${l.reason}` as MessageKey, {
                      tier: l.tier,
                      level: formatNumber(l.levelDays ?? 0, { maximumFractionDigits: 1 }),
                      n: figure(l.upperBound),
                      min: figure(l.minimum),
                    })}
                  </span>
                )}
              </td>
            </tr>
          ))}
        />
      </ResultCard>
      {a.view === 'all' && a.lines.some((l) => l.recipientKind !== 'region') && (
        <ResultCard id="alloc-regions" count={t('alloc.regionsTitle')} updating={false}>
          <DataTable
            columns={[
              'alloc.col.region',
              num('alloc.col.demand'),
              num('alloc.col.stock'),
              num('alloc.col.quota'),
              'alloc.col.coverage',
            ]}
            caption={t('alloc.regionsTitle')}
            testId="allocation-regions"
            rows={a.regions.map((r) => (
              <tr key={r.regionCode}>
                <th scope="row" className="mono">
                  {r.regionCode}
                </th>
                <td className="num">{formatNumber(r.demandPerDay, { maximumFractionDigits: 2 })}</td>
                <td className="num">{formatNumber(r.stock, { maximumFractionDigits: 0 })}</td>
                <td className="num">{formatNumber(r.allocated)}</td>
                <td>
                  {days(r.coverageBeforeDays)} → {days(r.coverageAfterDays)}
                </td>
              </tr>
            ))}
          />
        </ResultCard>
      )}
      <section className="card card-padded" aria-labelledby="alloc-decision" data-testid="alloc-decision">
        <h2 id="alloc-decision" className="section-title">
          {t('alloc.decisionTitle')}
        </h2>
        {a.decisions.length === 0 && !a.mayDecide && <p className="muted">{t('alloc.awaiting')}</p>}
        {a.decisions.map((d) => (
          <div key={d.id} className="alloc-decision-entry">
            <p>
              <strong>
                {d.outcome === 'decided'
                  ? t('alloc.decidedText', {
                      mode: t(d.mode === 'mandatory' ? 'alloc.mode.mandatory' : 'alloc.mode.voluntary'),
                      from: d.validFrom ? formatDate(d.validFrom) : '',
                      to: d.validTo ? formatDate(d.validTo) : t('alloc.untilFurther'),
                    })
                  : t('alloc.withdrawnText')}
              </strong>
            </p>
            {d.legalBasis && <p>{t('alloc.legalBasisText', { text: d.legalBasis })}</p>}
            {d.conditions.capPerDispensing !== undefined && (
              <p>{t('alloc.capText', { n: formatNumber(d.conditions.capPerDispensing) })}</p>
            )}
            {d.conditions.minRemainingShelfLifeDays !== undefined && (
              <p>{t('alloc.shelfText', { n: formatNumber(d.conditions.minRemainingShelfLifeDays) })}</p>
            )}
            {d.conditions.note && <p>{d.conditions.note}</p>}
            <p className="muted">
              {d.reason} · {d.decidedBy}, {d.organisation}, {time(d.decidedAt)}
            </p>
          </div>
        ))}
        {a.mayDecide && <DecisionForm id={a.id} onDecided={one.reload} />}
        {decision && a.status === 'decided' && a.view === 'all' && (
          <WithdrawForm id={a.id} onDone={one.reload} />
        )}
      </section>
    </>
  );
}

function DecisionForm({ id, onDecided }: { id: number; onDecided: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const ids = {
    basis: useId(),
    from: useId(),
    to: useId(),
    cap: useId(),
    shelf: useId(),
    note: useId(),
    reason: useId(),
  };
  const [mode, setMode] = useState<'voluntary' | 'mandatory'>('voluntary');
  const [legalBasis, setLegalBasis] = useState('');
  const [validFrom, setValidFrom] = useState(new Date().toISOString().slice(0, 10));
  const [validTo, setValidTo] = useState('');
  const [cap, setCap] = useState('');
  const [shelf, setShelf] = useState('');
  const [note, setNote] = useState('');
  const [reason, setReason] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const conditions = {
        ...(cap ? { capPerDispensing: Number(cap) } : {}),
        ...(shelf ? { minRemainingShelfLifeDays: Number(shelf) } : {}),
        ...(note.trim() ? { note: note.trim() } : {}),
      };
      const body = { mode, legalBasis, validFrom, validTo: validTo || null, conditions, reason };
      await api.request<AllocationDetailDto>(`/api/allocations/${id}/decision`, { method: 'POST', body });
      onDecided();
    } catch (err) {
      if (isApiError(err)) setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="decision-form" onSubmit={(e) => void submit(e)} data-testid="allocation-decision-form">
      <div className="decision-form-fields">
        <SelectField
          label={t('alloc.mode')}
          value={mode}
          options={[
            { value: 'voluntary', label: t('alloc.mode.voluntary') },
            { value: 'mandatory', label: t('alloc.mode.mandatory') },
          ]}
          onChange={(v) => setMode(v === 'mandatory' ? 'mandatory' : 'voluntary')}
        />
        <div className="field">
          <label htmlFor={ids.basis}>{t('alloc.legalBasis')}</label>
          <input
            type="text"
            id={ids.basis}
            value={legalBasis}
            onChange={(e) => setLegalBasis(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.from}>{t('alloc.validFrom')}</label>
          <input id={ids.from} type="date" value={validFrom} onChange={(e) => setValidFrom(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.to}>{t('alloc.validTo')}</label>
          <input id={ids.to} type="date" value={validTo} onChange={(e) => setValidTo(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.cap}>{t('alloc.capPerDispensing')}</label>
          <input id={ids.cap} type="number" min={1} value={cap} onChange={(e) => setCap(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={ids.shelf}>{t('alloc.minShelfLife')}</label>
          <input
            id={ids.shelf}
            type="number"
            min={0}
            value={shelf}
            onChange={(e) => setShelf(e.target.value)}
          />
        </div>
        <div className="field">
          <label htmlFor={ids.note}>{t('alloc.conditionNote')}</label>
          <input type="text" id={ids.note} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div className="field decision-reason">
          <label htmlFor={ids.reason}>{t('alloc.reasonLabel')}</label>
          <textarea id={ids.reason} rows={2} value={reason} onChange={(e) => setReason(e.target.value)} />
        </div>
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {t('alloc.decide')}
        </button>
        <span className="muted">{t('alloc.decideHint')}</span>
      </div>
      {error && <ErrorState error={error} title={t('alloc.refused')} />}
    </form>
  );
}

function WithdrawForm({ id, onDone }: { id: number; onDone: () => void }) {
  const { t } = useI18n();
  const { api } = useSession();
  const reasonId = useId();
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    try {
      await api.request(`/api/allocations/${id}/withdrawal`, { method: 'POST', body: { reason } });
      onDone();
    } catch (err) {
      if (isApiError(err)) setError(err);
    }
  };
  return (
    <form className="decision-form" onSubmit={(e) => void submit(e)}>
      <div className="field decision-reason">
        <label htmlFor={reasonId}>{t('alloc.withdrawReason')}</label>
        <input type="text" id={reasonId} value={reason} onChange={(e) => setReason(e.target.value)} />
      </div>
      <button type="submit" className="button button-secondary button-small">
        {t('alloc.withdraw')}
      </button>
      {error && <ErrorState error={error} title={t('alloc.refused')} />}
    </form>
  );
}
