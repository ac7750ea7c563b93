import { INFORMATION_CLASS_NAMES_SV, type Principal } from '../../domain/access.js';
import type { Db } from '../../store/database.js';
import type { ItemDto, NoticeDto } from './dto.js';
import { escapeHtml as h } from './export.js';
import { RISK_NAMES_SV } from './exports.js';
import { itemsPage, overviewPage } from './pages.js';
import { outOfStockWithDeliveries, stockFigure, stockNumberFormat } from '../../domain/stock-status.js';

/**
 * The printable situational report (issue 4 item 6): one self-contained HTML page (inline CSS, no
 * scripts, images or fonts from elsewhere) for the day the network is down. Made for print: A4, the
 * information class marked at the top and bottom of every printed page, table headers repeated.
 */
export async function reportHtml(
  db: Db,
  principal: Principal,
  options: { region?: string | undefined; now?: Date } = {},
): Promise<string> {
  const overview = await overviewPage(db, principal, { region: options.region, criticalLimit: 50 });
  const groups = overview.scope.groups
    ? await itemsPage(db, principal, {
        level: overview.area.code === 'SE' ? 'national' : 'region',
        region: overview.area.code === 'SE' ? undefined : overview.area.code,
        group: true,
        risk: ['critical'],
        sort: 'risk',
        limit: 30,
        offset: 0,
      })
    : null;
  const label = INFORMATION_CLASS_NAMES_SV[overview.classification.code];
  const mark = `${label.toUpperCase()} – Lägesbild läkemedelsförsörjning ${overview.asOf.today} – ${overview.area.name}`;
  const now = options.now ?? new Date();
  const generated = swedishTime(now);
  const c = overview.counts.packages;
  const g = overview.counts.groups;
  const fmt = (n: number | null, decimals = 0) =>
    n === null
      ? '–'
      : n.toLocaleString('sv-SE', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
  // Stock as shown (stockFigure): below one package its significant digits, exactly.
  const stock = (n: number) => {
    const shown = stockFigure(n);
    return shown.toLocaleString('sv-SE', stockNumberFormat(shown));
  };

  const itemRows = (items: readonly ItemDto[]) =>
    items
      .map(
        (i) => `<tr class="risk-${i.riskClass}">
  <td>${h(i.name)}${i.pack ? `<br><span class="muted">${h(i.pack)}</span>` : ''}</td>
  <td>${h(i.atcCode)}</td>
  <td class="num">${stock(i.stock.usable)}</td>
  <td class="num">${fmt(i.demand.perDay, 1)}</td>
  <td class="num"><strong>${fmt(i.coverageDays, 1)}</strong></td>
  <td>${i.stockStatus === 'out_of_stock' ? '<strong>Slut i lager</strong>' : h(i.runsOutOn ?? '–')}</td>
  <td>${
    outOfStockWithDeliveries(i.stockStatus, i.runsOutOn, i.runsOutWithDeliveriesOn)
      ? '<strong>Slut i lager</strong>'
      : h(i.runsOutWithDeliveriesOn ?? '–')
  }</td>
  <td>${[
    i.flags.possibleCriticalShortage ? '<span class="flag crit">Möjlig kritisk brist</span>' : '',
    i.flags.prioritised ? '<span class="flag">Prioriterad</span>' : '',
    i.flags.activeNotice ? '<span class="flag">Restanmäld</span>' : '',
  ].join(' ')}</td>
</tr>`,
      )
      .join('\n');
  const itemTable = (items: readonly ItemDto[], unit: string) => `<table>
<thead><tr><th>Läkemedel</th><th>ATC</th><th class="num">Användbart lager (${h(unit)})</th>
<th class="num">Efterfrågan/dag</th><th class="num">Täckning (dagar)</th><th>Tar slut</th>
<th>Med leveranser</th><th>Flaggor</th></tr></thead>
<tbody>${items.length === 0 ? '<tr><td colspan="8">Inga kritiska artiklar.</td></tr>' : itemRows(items)}</tbody>
</table>`;

  const noticeRows = (notices: readonly NoticeDto[]) =>
    notices.length === 0
      ? '<tr><td colspan="6">Inga.</td></tr>'
      : notices
          .map(
            (n) => `<tr>
  <td>${n.kind === 'shortage' ? 'Restanmälan' : 'Försäljningsuppehåll'}${n.late ? ' <span class="flag crit">sen</span>' : ''}</td>
  <td>${h(n.name)}<br><span class="muted">${h(n.pack)}</span></td>
  <td>${h(n.company.name)}</td>
  <td>${h(n.expectedStart)}</td>
  <td>${h(n.expectedEnd ?? 'tills vidare')}</td>
  <td>${n.prioritised ? '<span class="flag">Prioriterad</span>' : ''}</td>
</tr>`,
          )
          .join('\n');
  const noticeTable = (notices: readonly NoticeDto[]) => `<table>
<thead><tr><th>Typ</th><th>Läkemedel</th><th>Företag</th><th>Från</th><th>Till</th><th></th></tr></thead>
<tbody>${noticeRows(notices)}</tbody></table>`;

  const regionTable =
    overview.byRegion === null
      ? ''
      : `<section><h2>Per region (förpackningar)</h2><table>
<thead><tr><th>Region</th><th class="num">Kritisk</th><th class="num">Låg</th><th class="num">Tillräcklig</th>
<th class="num">Prioriterade kritiska</th><th class="num">Möjlig kritisk brist</th></tr></thead><tbody>
${overview.byRegion
  .map(
    (r) =>
      `<tr><td>${h(r.region.name)}</td><td class="num">${fmt(r.packages.critical)}</td><td class="num">${fmt(r.packages.low)}</td><td class="num">${fmt(r.packages.adequate)}</td><td class="num">${fmt(r.packages.prioritisedCritical)}</td><td class="num">${fmt(r.packages.possibleCriticalShortage)}</td></tr>`,
  )
  .join('\n')}
</tbody></table></section>`;

  const t = overview.asOf.thresholds;
  return `<!doctype html>
<html lang="sv">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="information-class" content="${h(overview.classification.code)}">
<title>${h(mark)}</title>
<style>
  :root { color-scheme: light; }
  * { box-sizing: border-box; }
  body { font: 10.5pt/1.35 "Segoe UI", Arial, Helvetica, sans-serif; color: #111; margin: 0 auto; max-width: 1100px; padding: 12px 16px 48px; }
  .marking { text-align: center; font-weight: 700; letter-spacing: .08em; color: #8b0000; border: 2px solid #8b0000; padding: 3px 6px; margin: 0 0 10px; }
  .marking.bottom { margin: 14px 0 0; }
  h1 { font-size: 17pt; margin: 6px 0 2px; }
  h2 { font-size: 12.5pt; margin: 16px 0 6px; border-bottom: 1px solid #999; padding-bottom: 2px; }
  .meta { color: #333; margin: 0 0 8px; }
  .meta dt { font-weight: 600; display: inline; }
  .meta dd { display: inline; margin: 0 14px 0 4px; }
  .cards { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
  .card { border: 1px solid #999; padding: 6px 10px; min-width: 120px; }
  .card .n { font-size: 16pt; font-weight: 700; display: block; }
  .card.critical { border-color: #8b0000; }
  table { width: 100%; border-collapse: collapse; margin: 4px 0 8px; }
  th, td { border-bottom: 1px solid #ccc; padding: 3px 5px; text-align: left; vertical-align: top; }
  th { background: #eee; font-weight: 600; }
  .num { text-align: right; font-variant-numeric: tabular-nums; }
  .muted { color: #555; font-size: 9pt; }
  .flag { border: 1px solid #555; border-radius: 3px; padding: 0 3px; font-size: 8.5pt; white-space: nowrap; }
  .flag.crit { border-color: #8b0000; color: #8b0000; font-weight: 700; }
  tr.risk-critical td:first-child { border-left: 4px solid #8b0000; }
  tr.risk-low td:first-child { border-left: 4px solid #b8860b; }
  .note { font-size: 9pt; color: #333; }
  @page { size: A4 portrait; margin: 18mm 12mm 16mm;
    @top-center { content: "${h(label.toUpperCase())}"; color: #8b0000; font-weight: 700; }
    @bottom-right { content: "Sida " counter(page) " av " counter(pages); font-size: 8pt; } }
  @media print {
    body { max-width: none; padding: 0; font-size: 9.5pt; }
    .marking { position: fixed; left: 0; right: 0; margin: 0; background: #fff; }
    .marking.top { top: -12mm; }
    .marking.bottom { bottom: -11mm; }
    thead { display: table-header-group; }
    tr, .card { break-inside: avoid; }
    h2 { break-after: avoid; }
    a { color: inherit; text-decoration: none; }
  }
</style>
</head>
<body>
<div class="marking top" role="note" aria-label="Informationsklass">${h(mark)}</div>
<header>
  <h1>Lägesbild – läkemedelsförsörjning</h1>
  <dl class="meta">
    <dt>Datum:</dt><dd>${h(overview.asOf.today)}</dd>
    <dt>Omfattning:</dt><dd>${h(overview.area.name)}</dd>
    <dt>Informationsklass:</dt><dd>${h(label)}</dd>
    <dt>Utskriven:</dt><dd>${h(generated)} av ${h(principal.userName)}, ${h(principal.organisationName)}</dd>
  </dl>
  <dl class="meta">
    <dt>Lager räknat t.o.m.:</dt><dd>${h(overview.asOf.stockCountedUntil === null ? '–' : swedishTime(new Date(overview.asOf.stockCountedUntil)))}</dd>
    <dt>Försäljning t.o.m.:</dt><dd>${h(overview.asOf.windowEnd)}${
      overview.freshness.staleSalesRegions?.length
        ? ` (försenad: ${h(overview.freshness.staleSalesRegions.join(', '))})`
        : ''
    }</dd>
    <dt>Rapporterat i dag:</dt><dd>${fmt(overview.freshness.completeness.reportedToday)} av ${fmt(
      overview.freshness.completeness.locations,
    )} platser${
      overview.freshness.completeness.stockShare === null
        ? ''
        : `, ${fmt(Math.round(overview.freshness.completeness.stockShare * 1000) / 10)} % av väntat lager`
    }</dd>
    <dt>Beräknad:</dt><dd>${h(swedishTime(new Date(overview.asOf.refreshedAt)))}</dd>
  </dl>
</header>
<section>
  <h2>Översikt (förpackningar${g ? ' och grupper av utbytbara läkemedel' : ''})</h2>
  <div class="cards">
    <div class="card critical"><span class="n">${fmt(c.critical)}</span>Kritisk (&lt; ${fmt(t.criticalBelowDays)} dagar)</div>
    <div class="card"><span class="n">${fmt(c.low)}</span>Låg (&lt; ${fmt(t.lowBelowDays)} dagar)</div>
    <div class="card"><span class="n">${fmt(c.adequate)}</span>Tillräcklig</div>
    <div class="card critical"><span class="n">${fmt(c.prioritisedCritical)}</span>Prioriterade kritiska</div>
    <div class="card critical"><span class="n">${fmt(c.possibleCriticalShortage)}</span>Möjlig kritisk brist (R4-signal)</div>
    <div class="card"><span class="n">${fmt(c.activeNotice)}</span>Med restanmälan</div>
    ${g ? `<div class="card"><span class="n">${fmt(g.critical)}</span>Kritiska grupper</div>` : ''}
  </div>
</section>
${regionTable}
<section>
  <h2>Mest kritiska förpackningar (${fmt(overview.criticalTotal)} kritiska, de ${overview.critical.length} första)</h2>
  ${itemTable(overview.critical, 'förp')}
</section>
${
  groups === null
    ? ''
    : `<section><h2>Kritiska grupper av utbytbara läkemedel (${fmt(groups.total)})</h2>${itemTable(groups.items, 'enheter')}</section>`
}
<section>
  <h2>Restanmälningar och försäljningsuppehåll som gäller nu (${overview.notices.active.length})</h2>
  ${noticeTable(overview.notices.active)}
  <h2>Som börjar inom 30 dagar (${overview.notices.upcoming.length})</h2>
  ${noticeTable(overview.notices.upcoming)}
</section>
<p class="note">Täckning = användbart lager ÷ förväntad efterfrågan per dag (det högsta av de senaste 28 dagarna,
de senaste 12 månaderna och samma fyra veckor i fjol). Användbart lager = det som hinner lämnas ut före
utgångsdatum när efterfrågan tas ur partierna med kortast hållbarhet först, med minst
${fmt(overview.asOf.minShelfLifeDays)} dagars återstående hållbarhet vid utlämning. Riskklass:
${RISK_NAMES_SV.critical} &lt; ${fmt(t.criticalBelowDays)} dagar, ${RISK_NAMES_SV.low} &lt; ${fmt(t.lowBelowDays)} dagar.
Möjlig kritisk brist är en signal, inte ett beslut: prioriterad, kritisk, och inget utbytbart alternativ
(samma substans, styrka och form, eller registrerat av myndighet) vars lager räcker för båda i
${fmt(t.criticalBelowDays)} dagar. Om en brist är kritisk bedömer Läkemedelsverket.</p>
<p class="note">Lager och täckning avser vardagslager (lagernivå 1–2 utanför beredskapslagren); reserven
(beredskapslager och lagernivå 3–4) ingår inte.</p>
<div class="marking bottom" role="note" aria-label="Informationsklass">${h(mark)}</div>
</body>
</html>
`;
}

const SWEDISH_TIME = new Intl.DateTimeFormat('sv-SE', {
  timeZone: 'Europe/Stockholm',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  timeZoneName: 'short',
});

/**
 * Every time in the printed report is Swedish time and says so (issue 10 item 8), e.g.
 * '2026-03-01 07:00 CET', '2026-07-01 08:00 CEST'.
 */
export function swedishTime(instant: Date): string {
  const part = (type: Intl.DateTimeFormatPartTypes) =>
    SWEDISH_TIME.formatToParts(instant).find((p) => p.type === type)?.value ?? '';
  return `${part('year')}-${part('month')}-${part('day')} ${part('hour')}:${part('minute')} ${part('timeZoneName')}`;
}
