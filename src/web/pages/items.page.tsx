import { useId } from 'react';
import type { Query } from '../api-client.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { AsOfLine, ClassificationMark, ExportButtons } from '../components/picture.js';
import { EmptyState, ErrorState, Spinner } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { useDebouncedParam } from '../use-debounced-param.js';
import { ItemTable } from './overview.page.js';

const RISKS = ['critical', 'low', 'adequate', 'no_demand'] as const;
const TIERS = ['wholesale', 'community_pharmacy', 'dose_pharmacy', 'hospital_pharmacy', 'care_unit'] as const;
const SORTS = ['risk', 'coverage', 'name', 'demand'] as const;
/** Rows per page the reader may choose; the first is the default. */
const PAGE_SIZES = ['50', '25', '100', '200'] as const;

const oneOf = <T extends string>(values: readonly T[], v: string | null): T | undefined =>
  values.includes(v as T) ? (v as T) : undefined;

/**
 * Förpackningar (issue 10 item 2): every item of the picture, filtered by region, prioritised list,
 * risk, ATC, tier and notice, paged through all of them. The filters live in the address, so every
 * badge and count of the overview and the region pages links to the list behind it.
 */
export function ItemsPage() {
  const { t, formatNumber } = useI18n();
  const { me } = useSession();
  const { params, set } = useQueryState();
  const ids = {
    region: useId(),
    risk: useId(),
    tier: useId(),
    atc: useId(),
    q: useId(),
    sort: useId(),
    size: useId(),
    prio: useId(),
    notice: useId(),
    pcs: useId(),
  };
  const [atcText, setAtcText, atc] = useDebouncedParam('atc');
  const [text, setText, q] = useDebouncedParam('q');
  const regions = useApi('regions', (api, signal) => api.regions(signal));
  const region = params.get('region') ?? '';
  const risk = oneOf(RISKS, params.get('risk'));
  const tier = oneOf(TIERS, params.get('tier'));
  const sort = oneOf(SORTS, params.get('sort'));
  const prioritised = params.get('prioritised') === 'true';
  const notice = params.get('notice') === 'true';
  const possibleCriticalShortage = params.get('possibleCriticalShortage') === 'true';
  const offset = Math.max(0, Number(params.get('offset') ?? 0) || 0);
  const pageSize = Number(oneOf(PAGE_SIZES, params.get('limit')) ?? PAGE_SIZES[0]);
  const atcValid = atc === '' || /^[A-Za-z][0-9A-Za-z]{0,6}$/.test(atc);

  const filters: Query = {
    level: region ? 'region' : undefined,
    region: region || undefined,
    risk,
    tier,
    prioritised,
    notice,
    possibleCriticalShortage,
    atc: atcValid ? atc || undefined : undefined,
    q: q.trim() || undefined,
    sort,
  };
  const query: Query = { ...filters, limit: pageSize, offset };
  const items = useApi(`picture:items:${JSON.stringify(query)}`, (api, signal) =>
    api.pictureItems(query, signal),
  );
  const data = items.data;
  const regionName = regions.data?.items.find((r) => r.code === region)?.name;
  const filtered = Boolean(
    region || risk || tier || prioritised || notice || possibleCriticalShortage || atc || q,
  );
  const change = (changes: Record<string, string | undefined>) => set({ ...changes, offset: undefined });
  const clear = () => {
    setAtcText('');
    setText('');
    change({
      region: undefined,
      risk: undefined,
      tier: undefined,
      prioritised: undefined,
      notice: undefined,
      possibleCriticalShortage: undefined,
      atc: undefined,
      q: undefined,
    });
  };

  return (
    <>
      <PageHeader
        title={t('items.title')}
        lead={data ? <AsOfLine asOf={data.asOf} /> : t('items.lead')}
        actions={<ExportButtons path="/api/picture/export/items" query={filters} name="forpackningar" />}
      />
      <ClassificationMark classification={data?.classification} />

      <form className="card filter-panel" role="search" onSubmit={(event) => event.preventDefault()}>
        <fieldset className="filter-row">
          <legend className="visually-hidden">{t('catalogue.filters')}</legend>
          {me.picture.regionalAggregates && (
            <div className="field">
              <label htmlFor={ids.region}>{t('col.region')}</label>
              <select
                id={ids.region}
                value={region}
                onChange={(event) => change({ region: event.target.value || undefined })}
              >
                <option value="">{t('items.national')}</option>
                {(regions.data?.items ?? []).map((r) => (
                  <option key={r.code} value={r.code}>
                    {r.name}
                  </option>
                ))}
              </select>
            </div>
          )}
          <div className="field">
            <label htmlFor={ids.risk}>{t('col.risk')}</label>
            <select
              id={ids.risk}
              value={risk ?? ''}
              onChange={(event) => change({ risk: event.target.value || undefined })}
            >
              <option value="">{t('items.allRisks')}</option>
              {RISKS.map((r) => (
                <option key={r} value={r}>
                  {t(`risk.${r}`)}
                </option>
              ))}
            </select>
          </div>
          <div className="field">
            <label htmlFor={ids.tier}>{t('items.tier')}</label>
            <select
              id={ids.tier}
              value={tier ?? ''}
              onChange={(event) => change({ tier: event.target.value || undefined })}
            >
              <option value="">{t('items.allTiers')}</option>
              {TIERS.map((x) => (
                <option key={x} value={x}>
                  {t(`tier.${x}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
          <div className="field field-atc">
            <label htmlFor={ids.atc}>{t('catalogue.atc')}</label>
            <input
              id={ids.atc}
              type="text"
              className="mono-input"
              value={atcText}
              placeholder={t('catalogue.atcPlaceholder')}
              maxLength={7}
              autoComplete="off"
              aria-invalid={!atcValid}
              onChange={(event) => setAtcText(event.target.value.toUpperCase())}
            />
          </div>
          <div className="field field-search">
            <label htmlFor={ids.q}>{t('items.search')}</label>
            <input
              id={ids.q}
              type="search"
              value={text}
              autoComplete="off"
              maxLength={100}
              onChange={(event) => setText(event.target.value)}
            />
          </div>
          <div className="field">
            <label htmlFor={ids.sort}>{t('where.sort')}</label>
            <select
              id={ids.sort}
              value={sort ?? 'risk'}
              onChange={(event) => change({ sort: event.target.value })}
            >
              {SORTS.map((s) => (
                <option key={s} value={s}>
                  {t(`items.sort.${s}` as MessageKey)}
                </option>
              ))}
            </select>
          </div>
        </fieldset>
        <fieldset className="filter-row">
          <legend className="visually-hidden">{t('items.flags')}</legend>
          {(
            [
              ['prioritised', prioritised, ids.prio, 'notices.prioritisedOnly'],
              ['notice', notice, ids.notice, 'items.noticeOnly'],
              [
                'possibleCriticalShortage',
                possibleCriticalShortage,
                ids.pcs,
                'items.possibleCriticalShortageOnly',
              ],
            ] as const
          ).map(([name, checked, id, label]) => (
            <div key={name} className="field field-check">
              <input
                id={id}
                type="checkbox"
                checked={checked}
                onChange={(event) => change({ [name]: event.target.checked ? 'true' : undefined })}
              />
              <label htmlFor={id}>{t(label)}</label>
            </div>
          ))}
          {filtered && (
            <button type="button" className="button button-link filter-clear" onClick={clear}>
              {t('catalogue.clear')}
            </button>
          )}
        </fieldset>
      </form>

      {items.status === 'error' ? (
        <ErrorState error={items.error} onRetry={items.reload} />
      ) : data && data.total === 0 && items.status === 'ready' ? (
        <EmptyState title={t('items.emptyTitle')}>{t('items.emptyBody')}</EmptyState>
      ) : (
        <section className="card table-card" aria-labelledby="items-count">
          <div className="card-header">
            <h2 id="items-count" className="result-count" aria-live="polite" data-testid="result-count">
              {data
                ? t('items.count', { n: formatNumber(data.total), area: regionName ?? t('items.national') })
                : t('state.loading')}
            </h2>
            {items.status === 'loading' && data && <Spinner label={t('catalogue.updating')} showLabel />}
            <span className="field field-inline">
              <label htmlFor={ids.size}>{t('items.pageSize')}</label>
              <select
                id={ids.size}
                value={String(pageSize)}
                onChange={(event) =>
                  change({ limit: event.target.value === PAGE_SIZES[0] ? undefined : event.target.value })
                }
              >
                {PAGE_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                  </option>
                ))}
              </select>
            </span>
          </div>
          <ItemTable items={data?.items} emptyText={t('items.emptyBody')} />
          {data && (data.total > data.limit || data.offset > 0) && (
            <div className="card-footer">
              <Pager
                total={data.total}
                limit={data.limit}
                offset={data.offset}
                onChange={(next) => set({ offset: next ? String(next) : undefined })}
              />
            </div>
          )}
        </section>
      )}
    </>
  );
}
