import sweden from '@svg-maps/sweden';
import { useState, type KeyboardEvent, type MouseEvent } from 'react';
import type { PictureMap } from '../api-client.js';
import { useI18n } from '../i18n.js';
import { useRouter } from '../router.js';
import { useDays, useDemand } from '../components/picture.js';
import { formatStock, useRunsOutText } from '../components/runs-out.js';

/*
 * The 21 regions as an SVG map, coloured by the coverage in days of one package or group. The county
 * shapes are @svg-maps/sweden (CC BY 4.0, after MapSVG), credited under the map as the licence asks.
 */

/** The map's county ids and the SCB region codes ('01' Stockholm … '25' Norrbotten). */
export const REGION_CODE_OF_MAP_ID: Readonly<Record<string, string>> = {
  stockholm: '01',
  uppsala: '03',
  sodermanland: '04',
  ostergotland: '05',
  jonkoping: '06',
  kronoberg: '07',
  kalmar: '08',
  gotland: '09',
  blekinge: '10',
  skane: '12',
  halland: '13',
  'vastra gotaland': '14',
  varmland: '17',
  orebro: '18',
  vastmanland: '19',
  dalarna: '20',
  gavleborg: '21',
  vasternorrland: '22',
  jamtland: '23',
  vasterbotten: '24',
  norrbotten: '25',
};

type Figure = PictureMap['regions'][number];
export interface Thresholds {
  criticalBelowDays: number;
  lowBelowDays: number;
}

/** One step of the colour scale: coverage below `below` days (the last has no upper bound). */
interface Step {
  below: number;
  colour: string;
}

/** Five steps around the risk thresholds: two shades of critical, low, adequate, ample (2 × low). */
export function colourSteps(t: Thresholds): Step[] {
  return [
    { below: t.criticalBelowDays / 2, colour: '#9f1d14' },
    { below: t.criticalBelowDays, colour: '#e0533f' },
    { below: t.lowBelowDays, colour: '#f2b544' },
    { below: t.lowBelowDays * 2, colour: '#8cc79b' },
    { below: Number.POSITIVE_INFINITY, colour: '#2f8a4e' },
  ];
}
const NO_DEMAND = '#d9dee5';
const NO_DATA = '#eef1f5';

export function fillOf(figure: Figure | undefined, steps: readonly Step[]): string {
  if (!figure) return NO_DATA;
  if (figure.coverageDays === null) return NO_DEMAND;
  const days = figure.coverageDays;
  return (steps.find((s) => days < s.below) ?? steps[steps.length - 1])?.colour ?? NO_DATA;
}

interface Hover {
  code: string;
  x: number;
  y: number;
}

export function SwedenMap({
  regions,
  itemName,
  thresholds,
  compact = false,
}: {
  regions: readonly Figure[] | undefined;
  itemName: string;
  thresholds: Thresholds;
  /** A smaller map beside other content (the product page). */
  compact?: boolean;
}) {
  const { t, formatNumber } = useI18n();
  const runsOut = useRunsOutText();
  const { navigate } = useRouter();
  const days = useDays();
  const demand = useDemand();
  const [hover, setHover] = useState<Hover | null>(null);
  const steps = colourSteps(thresholds);
  const byCode = new Map((regions ?? []).map((r) => [r.area.code, r]));
  const hovered = hover ? byCode.get(hover.code) : undefined;

  const open = (code: string) => navigate(`/regions/${code}`);
  const onMove = (code: string) => (event: MouseEvent<SVGPathElement>) => {
    const box = event.currentTarget.ownerSVGElement?.parentElement?.getBoundingClientRect();
    if (!box) return;
    setHover({ code, x: event.clientX - box.left, y: event.clientY - box.top });
  };
  const onKey = (code: string) => (event: KeyboardEvent<SVGPathElement>) => {
    if (event.key === 'Enter' || event.key === ' ') {
      event.preventDefault();
      open(code);
    }
  };
  const fmt = (n: number) => formatNumber(n, { maximumFractionDigits: 0 });
  const legend = [
    ...steps.map((s, i) => {
      const from = i === 0 ? 0 : (steps[i - 1]?.below ?? 0);
      const label = Number.isFinite(s.below)
        ? t('map.legendRange', { from: fmt(from), to: fmt(s.below) })
        : t('map.legendFrom', { from: fmt(from) });
      return { colour: s.colour, label };
    }),
    { colour: NO_DEMAND, label: t('map.legendNoDemand') },
  ];

  return (
    <div className={compact ? 'map map-compact' : 'map'}>
      <div className="map-canvas">
        <svg
          viewBox={sweden.viewBox}
          className="map-svg"
          role="group"
          aria-label={t('map.ariaLabel', { item: itemName })}
          data-testid="sweden-map"
        >
          {sweden.locations.map((loc) => {
            const code = REGION_CODE_OF_MAP_ID[loc.id];
            if (!code) return null;
            const figure = byCode.get(code);
            const name = figure?.area.name ?? loc.name;
            const label = figure
              ? `${name}: ${figure.stockStatus === 'out_of_stock' ? t('stock.outOfStock') : days(figure.coverageDays)}`
              : name;
            return (
              <path
                key={loc.id}
                d={loc.path}
                className={`map-region${hover?.code === code ? ' map-region-hover' : ''}`}
                fill={fillOf(figure, steps)}
                data-region={code}
                data-risk={figure?.riskClass ?? ''}
                role="link"
                tabIndex={0}
                aria-label={label}
                onMouseMove={onMove(code)}
                onMouseLeave={() => setHover(null)}
                onFocus={() => setHover({ code, x: 40, y: 40 })}
                onBlur={() => setHover(null)}
                onClick={() => open(code)}
                onKeyDown={onKey(code)}
              >
                <title>{label}</title>
              </path>
            );
          })}
        </svg>
        {hover && hovered && (
          <div className="map-tooltip" role="tooltip" style={{ left: hover.x + 14, top: hover.y + 14 }}>
            <div className="map-tooltip-title">{hovered.area.name}</div>
            <dl>
              <dt>{t('col.coverage')}</dt>
              <dd>{days(hovered.coverageDays)}</dd>
              <dt>{t('col.usableStock')}</dt>
              <dd>{formatStock(formatNumber, hovered.stock.usable)}</dd>
              <dt>{t('col.demandPerDay')}</dt>
              <dd>{demand(hovered.demandPerDay)}</dd>
              <dt>{t('col.runsOut')}</dt>
              <dd data-testid="map-tooltip-runs-out">{runsOut(hovered.runsOutOn, hovered.stockStatus)}</dd>
            </dl>
          </div>
        )}
      </div>
      <div className="map-side">
        <h3 className="map-legend-title">{t('map.legendTitle')}</h3>
        <ul className="map-legend" data-testid="map-legend">
          {legend.map((entry) => (
            <li key={entry.label}>
              <span className="map-swatch" style={{ background: entry.colour }} aria-hidden="true" />
              {entry.label}
            </li>
          ))}
        </ul>
        <p className="map-hint muted">{t('map.hint')}</p>
        <p className="map-credit" data-testid="map-credit">
          {t('map.credit')}{' '}
          <a href="https://mapsvg.com/maps/sweden" target="_blank" rel="noreferrer">
            MapSVG
          </a>{' '}
          ·{' '}
          <a href="https://creativecommons.org/licenses/by/4.0/" target="_blank" rel="noreferrer">
            CC BY 4.0
          </a>
        </p>
      </div>
    </div>
  );
}
