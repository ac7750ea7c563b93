import type { MapSubject, PictureMap } from '../api-client.js';
import { PageHeader } from '../components/page-header.js';
import {
  AsOfLine,
  ClassificationMark,
  ExportButtons,
  OUTLOOK_COLUMNS,
  RiskBadge,
  RunsOutCells,
  useDays,
  useDemand,
} from '../components/picture.js';
import { ErrorState } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { SwedenMap } from './map.component.js';
import { formatStock } from '../components/runs-out.js';
import { DataTable, num } from '../components/data-table.js';
import { TableCard } from '../components/table-card.js';

const DEFAULT_THRESHOLDS = { criticalBelowDays: 14, lowBelowDays: 30 };

/** Karta: coverage of one package or group in each of the 21 regions (?package=ID or ?group=KEY). */
export function MapPage() {
  const { t } = useI18n();
  const { params, set } = useQueryState();
  const kind = params.get('group') !== null || params.get('kind') === 'group' ? 'group' : 'package';
  // The choices: the items most at risk nationally, packages or groups.
  const choices = useApi(`picture:map-choices:${kind}`, (api, signal) =>
    api.pictureItems({ sort: 'risk', limit: 100, group: kind === 'group' }, signal),
  );
  const first = choices.data?.items[0];
  const chosenPackage = Number(params.get('package')) || undefined;
  const chosenGroup = params.get('group') ?? undefined;
  const subject: MapSubject | undefined =
    kind === 'group'
      ? chosenGroup
        ? { group: chosenGroup }
        : first
          ? { group: first.groupKey }
          : undefined
      : chosenPackage
        ? { package: chosenPackage }
        : first?.packageId
          ? { package: first.packageId }
          : undefined;
  const subjectKey = subject ? ('package' in subject ? `p${subject.package}` : `g${subject.group}`) : '';
  const map = useApi(`picture:map:${subjectKey}`, (api, signal) =>
    subject ? api.pictureMap(subject, signal) : Promise.resolve(undefined),
  );
  const data = map.data;
  const selected = subject ? ('package' in subject ? String(subject.package) : subject.group) : '';
  const options = [...(choices.data?.items ?? [])];

  return (
    <>
      <PageHeader title={t('map.title')} lead={data ? <AsOfLine asOf={data.asOf} /> : t('map.lead')} />
      <ClassificationMark classification={data?.classification ?? choices.data?.classification} />
      <div className="card card-padded map-controls">
        <div className="field">
          <label htmlFor="map-kind">{t('map.kind')}</label>
          <select
            id="map-kind"
            value={kind}
            onChange={(e) =>
              set({
                kind: e.target.value === 'group' ? 'group' : undefined,
                package: undefined,
                group: undefined,
              })
            }
          >
            <option value="package">{t('map.kindPackage')}</option>
            <option value="group">{t('map.kindGroup')}</option>
          </select>
        </div>
        <div className="field map-item-field">
          <label htmlFor="map-item">{t('map.item')}</label>
          <select
            id="map-item"
            value={selected}
            onChange={(e) =>
              set(kind === 'group' ? { group: e.target.value, kind: undefined } : { package: e.target.value })
            }
          >
            {options.map((item) => (
              <option key={item.ref} value={kind === 'group' ? item.groupKey : String(item.packageId)}>
                {item.name}
                {item.pack ? ` ${item.pack}` : ''} – {t(`risk.${item.riskClass}`)}
              </option>
            ))}
            {data && !options.some((o) => o.ref === data.item.ref) && (
              <option value={data.item.ref}>{data.item.name}</option>
            )}
          </select>
        </div>
      </div>

      {map.status === 'error' ? (
        <ErrorState error={map.error} onRetry={map.reload} />
      ) : choices.status === 'error' ? (
        <ErrorState error={choices.error} onRetry={choices.reload} />
      ) : (
        <>
          <section className="card card-padded section-gap" aria-labelledby="map-title">
            <h2 id="map-title" className="section-title" data-testid="map-item-name">
              {data ? data.item.name : '\u00a0'}
              {data?.item.kind === 'package' && (
                <>
                  {' '}
                  <Link to={`/products/${data.item.ref}`} className="small-link">
                    {t('map.toProduct')}
                  </Link>
                </>
              )}
            </h2>
            {data && <NationalLine figure={data.national} />}
            <SwedenMap
              regions={data?.regions}
              itemName={data?.item.name ?? ''}
              thresholds={data?.asOf.thresholds ?? DEFAULT_THRESHOLDS}
            />
          </section>
          {data && <RegionFigures map={data} subject={subject} />}
        </>
      )}
    </>
  );
}

function NationalLine({ figure }: { figure: PictureMap['national'] }) {
  const { t, formatNumber } = useI18n();
  const days = useDays();
  const demand = useDemand();
  return (
    <p className="map-national" data-testid="map-national">
      {t('map.national', {
        days: days(figure.coverageDays),
        stock: formatStock(formatNumber, figure.stock.usable),
        demand: demand(figure.demandPerDay),
      })}{' '}
      <RiskBadge risk={figure.riskClass} />
    </p>
  );
}

/** The map's figures as a table (the same numbers, readable without colour), with exports. */
export function RegionFigures({ map, subject }: { map: PictureMap; subject: MapSubject | undefined }) {
  const { t } = useI18n();
  return (
    <TableCard
      id="map-table"
      title={t('map.tableTitle')}
      actions={
        subject && <ExportButtons path="/api/picture/export/map" query={{ ...subject }} name="karta" />
      }
    >
      <RegionTable regions={map.regions} />
    </TableCard>
  );
}

/** Stock, demand, coverage, run-out date and risk of one item in each region. */
export function RegionTable({ regions }: { regions: readonly PictureMap['regions'][number][] }) {
  const { t, formatNumber } = useI18n();
  const days = useDays();
  const demand = useDemand();
  return (
    <DataTable
      className="compact-table"
      columns={[
        'col.region',
        num('col.usableStock'),
        num('col.wholesaleShare', 'product.tierShare'),
        ...OUTLOOK_COLUMNS,
      ]}
      rows={regions.map((r) => (
        <tr key={r.area.code} data-testid="map-row">
          <th scope="row">
            <Link to={`/regions/${r.area.code}`} className="row-link">
              {r.area.name}
            </Link>
          </th>
          <td className="num">{formatStock(formatNumber, r.stock.usable)}</td>
          <td
            className={`num muted${r.wholesale.share.usable ? '' : ' zero'}`}
            data-testid="wholesale-share"
            title={t('map.wholesaleHeld', { n: formatStock(formatNumber, r.wholesale.held.usable) })}
          >
            {formatStock(formatNumber, r.wholesale.share.usable)}
          </td>
          <td className="num">{demand(r.demandPerDay)}</td>
          <td className="num strong">{days(r.coverageDays)}</td>
          <RunsOutCells on={r.runsOutOn} status={r.stockStatus} risk={r.riskClass} />
        </tr>
      ))}
    />
  );
}
