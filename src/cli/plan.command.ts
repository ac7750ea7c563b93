import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { AppError } from '../domain/errors.js';
import { parseRedistributionInstance, type RedistributionPlan } from '../domain/redistribution.js';
import { DEFAULT_PLAN_TIME_LIMIT_MS, planRedistribution } from '../solver/redistribution.js';
import { cliLang } from './messages.js';

const texts = {
  sv: {
    title: (s: string, u: string, d: string) => `Omfördelning av ${s} (${u}), överföringsdag ${d}`,
    lowest: (b: string, a: string, o: string) => `Lägsta täckning: ${b} → ${a} dagar (LP-optimum ${o})`,
    transport: (t: string, o: string) => `Transport: ${t} enheter×km (LP-optimum ${o})`,
    totals: (q: number, v: string, n: number) =>
      `${n} överföringar, ${q} enheter, värde ${v} kr till anskaffningsvärde`,
    transfers: 'Från\tTill\tFörpackning\tBatch\tUtgång\tAntal\tVärde (kr)\tkm',
    regions: 'Region\tTäckning före (dagar)\tTäckning efter (dagar)',
    spread: (b: string, a: string) => `Spridning mellan regioner (max − min): ${b} → ${a} dagar`,
    unreachable: (ids: string) => `Utan tillåten förbindelse (täckningen oförändrad): ${ids}`,
    refused: (n: number) => `${n} angivna förbindelser avvisade av regeltabellen`,
    lpWritten: (f: string, g: string) =>
      `LP-modellen skriven: fas 1 (max lägsta täckning) till ${f}, fas 2 (min transport) till ${g}`,
  },
  en: {
    title: (s: string, u: string, d: string) => `Redistribution of ${s} (${u}), transfer date ${d}`,
    lowest: (b: string, a: string, o: string) => `Lowest coverage: ${b} → ${a} days (LP optimum ${o})`,
    transport: (t: string, o: string) => `Transport: ${t} units×km (LP optimum ${o})`,
    totals: (q: number, v: string, n: number) =>
      `${n} transfers, ${q} units, value ${v} SEK at acquisition cost`,
    transfers: 'From\tTo\tPackage\tBatch\tExpiry\tQuantity\tValue (SEK)\tkm',
    regions: 'Region\tCoverage before (days)\tCoverage after (days)',
    spread: (b: string, a: string) => `Spread between regions (max − min): ${b} → ${a} days`,
    unreachable: (ids: string) => `No allowed connection (coverage unchanged): ${ids}`,
    refused: (n: number) => `${n} given arcs refused by the rule table`,
    lpWritten: (f: string, g: string) =>
      `LP model written: phase 1 (max lowest coverage) to ${f}, phase 2 (min transport) to ${g}`,
  },
};

function days(n: number | null, lang: 'sv' | 'en'): string {
  if (n === null) return '–';
  return n.toLocaleString(lang === 'sv' ? 'sv-SE' : 'en-GB', { maximumFractionDigits: 2 });
}

/** Where phase 2's LP goes: x.lp → x.phase2.lp. */
export function phaseTwoPath(file: string): string {
  return `${file.replace(/\.lp$/i, '')}.phase2.lp`;
}

/** The plan as text: headline, transfers, the equity table. */
export function formatPlan(plan: RedistributionPlan, lang: 'sv' | 'en'): string {
  const x = texts[lang];
  const lines = [
    x.title(plan.subject, plan.unit, plan.transferDate),
    x.lowest(
      days(plan.lowestCoverageBefore, lang),
      days(plan.lowestCoverageAfter, lang),
      days(plan.lowestCoverageOptimum, lang),
    ),
    x.transport(days(plan.totals.transport, lang), days(plan.transportOptimum, lang)),
    x.totals(plan.totals.quantity, days(plan.totals.value, lang), plan.transfers.length),
    '',
    x.transfers,
    ...plan.transfers.map((t) =>
      [
        t.from,
        t.to,
        t.package,
        t.batch,
        t.expiry,
        t.quantity,
        days(t.value, lang),
        days(t.distanceKm, lang),
      ].join('\t'),
    ),
    '',
    x.regions,
    ...plan.equity.regions.map((r) =>
      [r.region, days(r.coverageBefore, lang), days(r.coverageAfter, lang)].join('\t'),
    ),
    x.spread(days(plan.equity.before.spread, lang), days(plan.equity.after.spread, lang)),
  ];
  if (plan.unreachable.length) lines.push(x.unreachable(plan.unreachable.join(', ')));
  if (plan.refusedArcs.length) {
    lines.push(
      x.refused(plan.refusedArcs.length),
      ...plan.refusedArcs.map((r) => `  ${r.from} → ${r.to}: ${r.reason}`),
    );
  }
  return lines.join('\n');
}

/**
 * `beredskap plan redistribution FILE.json [--lp FILE.lp] [--json] [--time-limit SECONDS]`: plans a
 * redistribution of a plain instance file (docs/redistribution.md) with HiGHS and prints the plan.
 */
export function registerPlanCommand(program: Command): void {
  const plan = program.command('plan').description('plan measures in a shortage');
  plan
    .command('redistribution')
    .description('plan a redistribution from an instance file (docs/redistribution.md)')
    .argument('<file>', 'the instance, JSON')
    .option(
      '--lp <file>',
      'also write the LP model (CPLEX LP text): phase 1 to this file, phase 2 to FILE.phase2.lp',
    )
    .option('--json', 'print the plan as JSON')
    .option('--time-limit <seconds>', 'time limit per LP phase', String(DEFAULT_PLAN_TIME_LIMIT_MS / 1000))
    .action(async (file: string, options: { lp?: string; json?: boolean; timeLimit: string }) => {
      const lang = cliLang();
      let raw: unknown;
      try {
        raw = JSON.parse(await readFile(file, 'utf8'));
      } catch (e) {
        throw AppError.invalid(
          `${file}: not a readable JSON file (${e instanceof Error ? e.message : String(e)})`,
        );
      }
      const seconds = Number(options.timeLimit);
      if (!Number.isFinite(seconds) || seconds <= 0) {
        throw AppError.invalid(
          `--time-limit: expected a number of seconds above 0, got '${options.timeLimit}'`,
        );
      }
      let instance;
      try {
        instance = parseRedistributionInstance(raw);
      } catch (e) {
        if (e instanceof AppError) for (const p of e.problems) console.error(`  ${p.message}`);
        throw e;
      }
      const run = await planRedistribution(instance, { timeLimitMs: seconds * 1000 });
      if (options.lp) {
        await writeFile(options.lp, run.lp.phase1);
        await writeFile(phaseTwoPath(options.lp), run.lp.phase2);
      }
      console.log(options.json ? JSON.stringify(run.plan, null, 2) : formatPlan(run.plan, lang));
      if (options.lp && !options.json)
        console.log(texts[lang].lpWritten(options.lp, phaseTwoPath(options.lp)));
    });
}
