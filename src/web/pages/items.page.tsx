import { useId } from 'react';
import type { Query } from '../api-client.js';
import { PageHeader } from '../components/page-header.js';
import { CardPager } from '../components/pager.js';
import { ResultCard } from '../components/table-card.js';
import {
  AtcField,
  CheckField,
  FilterPanel,
  FilterRow,
  SearchField,
  SelectField,
} from '../components/fields.js';
import { AsOfLine, ClassificationMark, ExportButtons } from '../components/picture.js';
import { EmptyState, ErrorState } from '../components/states.js';
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
  const pageSizeId = useId();
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

      <FilterPanel>
        <FilterRow legend={t('catalogue.filters')}>
          {me.picture.regionalAggregates && (
            <SelectField
              label={t('col.region')}
              value={region}
              all={t('items.national')}
              options={(regions.data?.items ?? []).map((r) => ({ value: r.code, label: r.name }))}
              onChange={(value) => change({ region: value || undefined })}
            />
          )}
          <SelectField
            label={t('col.risk')}
            value={risk ?? ''}
            all={t('items.allRisks')}
            options={RISKS.map((r) => ({ value: r, label: t(`risk.${r}`) }))}
            onChange={(value) => change({ risk: value || undefined })}
          />
          <SelectField
            label={t('items.tier')}
            value={tier ?? ''}
            all={t('items.allTiers')}
            options={TIERS.map((x) => ({ value: x, label: t(`tier.${x}` as MessageKey) }))}
            onChange={(value) => change({ tier: value || undefined })}
          />
          <AtcField value={atcText} invalid={!atcValid} onChange={setAtcText} />
          <SearchField label={t('items.search')} value={text} onChange={setText} />
          <SelectField
            label={t('where.sort')}
            value={sort ?? 'risk'}
            options={SORTS.map((s) => ({ value: s, label: t(`items.sort.${s}` as MessageKey) }))}
            onChange={(value) => change({ sort: value })}
          />
        </FilterRow>
        <FilterRow legend={t('items.flags')} onClear={filtered ? clear : undefined}>
          {(
            [
              ['prioritised', prioritised, 'notices.prioritisedOnly'],
              ['notice', notice, 'items.noticeOnly'],
              ['possibleCriticalShortage', possibleCriticalShortage, 'items.possibleCriticalShortageOnly'],
            ] as const
          ).map(([name, checked, label]) => (
            <CheckField
              key={name}
              label={t(label)}
              checked={checked}
              onChange={(on) => change({ [name]: on ? 'true' : undefined })}
            />
          ))}
        </FilterRow>
      </FilterPanel>

      {items.status === 'error' ? (
        <ErrorState error={items.error} onRetry={items.reload} />
      ) : data && data.total === 0 && items.status === 'ready' ? (
        <EmptyState title={t('items.emptyTitle')}>{t('items.emptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="items-count"
          count={
            data && t('items.count', { n: formatNumber(data.total), area: regionName ?? t('items.national') })
          }
          updating={items.status === 'loading' && data !== undefined}
          actions={
            <span className="field field-inline">
              <label htmlFor={pageSizeId}>{t('items.pageSize')}</label>
              <select
                id={pageSizeId}
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
          }
        >
          <ItemTable items={data?.items} emptyText={t('items.emptyBody')} />
          <CardPager page={data} />
        </ResultCard>
      )}
    </>
  );
}
