import type { PictureWhereRow, Query } from '../api-client.js';
import { CardPager } from '../components/pager.js';
import { DataTable, num } from '../components/data-table.js';
import { CheckField, SelectField } from '../components/fields.js';
import { TableCard } from '../components/table-card.js';
import { ExportButtons, RiskBadge, useDays } from '../components/picture.js';
import { formatStock } from '../components/runs-out.js';
import { ErrorState, Spinner } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

const SORTS = ['distance', 'stock', 'coverage', 'name'] as const;
type Sort = (typeof SORTS)[number];
const isSort = (v: string | null): v is Sort => SORTS.includes(v as Sort);
/** Rows per page of the list. */
const WHERE_PAGE_SIZE = 25;

/**
 * "Var finns det?" (issue 10 item 1): every location holding the package (or its group) that the
 * caller may see in detail, with quantity, lots, owner, the days it covers there and the distance
 * from a chosen municipality; sorted, paged, exported as a shortlist (CSV/XLSX). Its choices live in
 * the address (`near`, `wsort`, `wgroup`, `woffset`), so a shortlist can be shared as a link.
 */
export function WhereIsIt({ packageId, groupKey }: { packageId: number; groupKey: string | null }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { params, set } = useQueryState();
  const near = params.get('near') ?? '';
  const sortParam = params.get('wsort');
  const group = groupKey !== null && params.get('wgroup') === 'true';
  const offset = Math.max(0, Number(params.get('woffset') ?? 0) || 0);
  const sort: Sort | undefined = isSort(sortParam) ? sortParam : undefined;

  const query: Query = {
    ...(group && groupKey !== null ? { group: groupKey } : { package: packageId }),
    near: near || undefined,
    sort,
    limit: WHERE_PAGE_SIZE,
    offset,
  };
  const where = useApi(`picture:where:${JSON.stringify(query)}`, (api, signal) =>
    api.pictureWhere(query, signal),
  );
  const municipalities = useApi('municipalities', (api, signal) => api.municipalities(signal));
  const data = where.data;
  const { limit: _limit, offset: _offset, ...exportQuery } = query;
  const shownSort = data?.sort ?? sort ?? (near ? 'distance' : 'stock');

  return (
    <TableCard
      id="where-title"
      title={t('where.title')}
      count={data?.total}
      actions={<ExportButtons path="/api/picture/export/where" query={exportQuery} name="kortlista" />}
      testId="where-is-it"
      anchor="var-finns-det"
    >
      <form className="filter-row card-controls" onSubmit={(event) => event.preventDefault()}>
        <SelectField
          label={t('where.near')}
          value={near}
          all={t('where.nearNone')}
          options={(municipalities.data?.items ?? []).map((m) => ({ value: m.code, label: m.name }))}
          onChange={(value) =>
            set({ near: value || undefined, wsort: undefined, woffset: undefined }, { replace: true })
          }
        />
        <SelectField
          label={t('where.sort')}
          value={shownSort}
          options={SORTS.map((s) => ({
            value: s,
            label: t(`where.sort.${s}` as MessageKey),
            disabled: s === 'distance' && !near,
          }))}
          onChange={(value) => set({ wsort: value, woffset: undefined }, { replace: true })}
        />
        {groupKey !== null && (
          <CheckField
            label={t('where.wholeGroup')}
            checked={group}
            onChange={(checked) =>
              set({ wgroup: checked ? 'true' : undefined, woffset: undefined }, { replace: true })
            }
          />
        )}
        {where.status === 'loading' && data && <Spinner label={t('catalogue.updating')} showLabel />}
      </form>
      {where.status === 'error' ? (
        <ErrorState error={where.error} onRetry={where.reload} />
      ) : data && data.total === 0 ? (
        <p className="card-padded muted" data-testid="where-empty">
          {t(me.seesEverything ? 'where.emptyAll' : 'where.emptyOwn')}
        </p>
      ) : (
        <WhereTable rows={data?.items} showGroup={group} />
      )}
      <CardPager page={data} param="woffset" />
      <p className="table-note">
        {t(me.seesEverything ? 'where.noteAll' : 'where.noteOwn')} {t('where.distanceNote')}
      </p>
    </TableCard>
  );
}

function WhereTable({ rows, showGroup }: { rows: PictureWhereRow[] | undefined; showGroup: boolean }) {
  const { t, formatNumber, formatDate, kindLabel } = useI18n();
  const days = useDays();
  return (
    <DataTable
      columns={[
        'col.location',
        'where.owner',
        'col.municipality',
        showGroup && 'where.package',
        num('col.usableStock'),
        'where.lots',
        num('where.coversHere'),
        num('where.distance'),
      ]}
      testId="where-table"
      skeletonRows={4}
      rows={rows?.map((r) => (
        <tr key={`${r.location.id}:${r.package.id}`} data-testid="where-row">
          <th scope="row">
            <Link to={`/locations/${r.location.id}`} className="row-link">
              {r.location.name}
            </Link>
            <div className="cell-sub">
              {kindLabel(r.location.kind)} · <span className="mono">{r.location.code}</span>
            </div>
          </th>
          <td>{r.location.organisation.name}</td>
          <td>{r.location.municipality?.name ?? '–'}</td>
          {showGroup && (
            <td>
              {r.package.name} <span className="cell-sub">{r.package.pack}</span>
            </td>
          )}
          <td className="num">
            {formatStock(formatNumber, r.stock.usable)}
            {r.stock.usable !== r.stock.total && (
              <div className="cell-sub">
                {t('product.ofTotal', { n: formatStock(formatNumber, r.stock.total) })}
                {r.reserve && (
                  <div className="cell-sub">
                    {t('location.reserve', { n: formatStock(formatNumber, r.reserve.total) })}
                  </div>
                )}
              </div>
            )}
          </td>
          <td>
            {r.lots.length === 0
              ? '–'
              : r.lots.map((lot) => (
                  <div key={lot.expiry ?? 'none'} className="nowrap">
                    {lot.expiry ? formatDate(lot.expiry) : t('where.noExpiry')}:{' '}
                    {formatStock(formatNumber, lot.quantity)}
                  </div>
                ))}
          </td>
          <td className="num">
            {r.demandBasis === 'no_basis' ? (
              <span className="muted">{t('regionPicture.noBasis')}</span>
            ) : (
              <>
                <span className="strong">{days(r.coverageDays)}</span>
                {r.riskClass && (
                  <div>
                    <RiskBadge risk={r.riskClass} />
                  </div>
                )}
              </>
            )}
          </td>
          <td className="num">
            {r.distanceKm === null
              ? '–'
              : t('where.km', { n: formatNumber(r.distanceKm, { maximumFractionDigits: 1 }) })}
          </td>
        </tr>
      ))}
    />
  );
}
