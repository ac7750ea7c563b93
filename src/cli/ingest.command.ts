import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, extname } from 'node:path';
import { Option, type Command } from 'commander';
import { isAppError } from '../domain/errors.js';
import { INGEST_KINDS, type IngestKind, type Reporter, type ReportFormat } from '../domain/report.js';
import { ingestReport, type Receipt } from '../ingest/ingest.service.js';
import { localiseProblem, type MessageLanguage } from '../ingest/messages.js';
import { cliLang, cliTexts } from './messages.js';
import { parseInstant } from '../ingest/values.js';
import { openStore, storeOptionsFromEnv } from '../store/database.js';
import { PictureMaintainer } from '../store/picture/maintainer.js';
import { migrateToLatest } from '../store/migrate.js';
import { phaseProgress } from './progress.js';

interface IngestOptions {
  org: string;
  kind?: string;
  format?: ReportFormat;
  clientRef?: string;
  countedAt?: string;
  json?: boolean;
  /** false with --no-picture. */
  picture: boolean;
}

/** How many problems the terminal shows; the stored report keeps the first 1,000. */
const SHOWN_PROBLEMS = 50;

function kindOf(raw: string | undefined): IngestKind | undefined {
  if (raw === undefined) return undefined;
  const kind = raw.replaceAll('-', '_');
  if ((INGEST_KINDS as readonly string[]).includes(kind)) return kind as IngestKind;
  throw new Error(cliTexts().kindInvalid(raw, INGEST_KINDS.join(', ')));
}

function formatOf(file: string, given: ReportFormat | undefined): ReportFormat {
  if (given) return given;
  const ext = extname(file).toLowerCase();
  if (ext === '.json') return 'json'; // a FHIR resource is recognised by its resourceType
  return 'csv';
}

function printReceipt(r: Receipt, lang: MessageLanguage): void {
  const x = cliTexts(lang);
  const counts = Object.entries(r.summary)
    .map(([k, v]) => `${x.summary[k] ?? k} ${v}`)
    .join(', ');
  console.log(
    `${r.replayed ? x.replayed : x.accepted}: ${x.report} ${r.id} (${r.kind}, ${r.format}) — ${counts}`,
  );
  console.log(
    `  ${x.lines} ${r.lineCount}, sha256 ${r.contentSha256}, ${x.receivedAt} ${r.receivedAt}${r.clientRef ? `, ${x.reference} ${r.clientRef}` : ''}`,
  );
  if (r.replayed) console.log(`  ${x.replayedNote}`);
  for (const w of r.warnings) console.log(`  ${x.warning}: ${localiseProblem(w, lang).message}`);
}

/**
 * `beredskap ingest FILE --org CODE [--kind K] [--format F]`: sends a report file as the organisation
 * CODE. The CLI is a trusted operator (it has the database): it may report for any organisation, but
 * the rules are those of the API, applied to that organisation (its own locations, its own packages).
 */
export function registerIngestCommand(program: Command): void {
  program
    .command('ingest')
    .description(
      'send a report file (CSV, JSON or FHIR R5 InventoryReport) for an organisation, as a trusted operator',
    )
    .argument('<file>', 'the report file')
    .requiredOption('--org <code>', 'the organisation the report is from, e.g. APO')
    .option('--kind <kind>', `${INGEST_KINDS.join(' | ')} (CSV needs it; JSON and FHIR say it themselves)`)
    .addOption(
      new Option('--format <format>', 'default: .json → json or fhir by content, otherwise csv').choices([
        'csv',
        'json',
        'fhir',
      ]),
    )
    .option('--client-ref <ref>', 'your own id of the report; sending it again gives the same receipt')
    .option('--counted-at <time>', 'counted_at for stock lines without one, e.g. 2026-03-01T06:00:00+01:00')
    .option('--json', 'print the receipt as JSON')
    .option('--no-picture', 'do not bring the situational picture up to date afterwards')
    .action(async (file: string, opts: IngestOptions) => {
      // The run's one language (`beredskap --lang`, else LANG): src/cli/messages.ts.
      const lang = cliLang();
      const x = cliTexts(lang);
      const kind = kindOf(opts.kind);
      const format = formatOf(file, opts.format);
      let countedAt: number | undefined;
      if (opts.countedAt !== undefined) {
        countedAt = parseInstant(opts.countedAt);
        if (countedAt === undefined) throw new Error(x.countedAtInvalid(opts.countedAt));
      }
      const size = (await stat(file)).size;
      const store = await openStore(storeOptionsFromEnv());
      const progress = phaseProgress({ read: x.reading(basename(file)) });
      try {
        await migrateToLatest(store.db);
        const org = await store.db
          .selectFrom('organisation')
          .select(['id', 'code', 'kind', 'region_code'])
          .where('code', '=', opts.org)
          .executeTakeFirst();
        if (!org) throw new Error(x.unknownOrganisation(opts.org));
        const reporter: Reporter = {
          organisationId: org.id,
          organisationCode: org.code,
          organisationKind: org.kind,
          regionCode: org.region_code,
        };
        const totalKb = Math.max(1, Math.ceil(size / 1024));
        let shown = -1;
        const receipt = await ingestReport(store, {
          reporter,
          kind,
          format,
          body: createReadStream(file, { highWaterMark: 1 << 20 }),
          clientRef: opts.clientRef,
          countedAt,
          fileName: basename(file),
          onProgress: (bytes) => {
            const kb = Math.min(totalKb, Math.ceil(bytes / 1024));
            if (kb === shown) return;
            shown = kb;
            progress.update({ phase: 'read', done: kb, total: totalKb });
          },
        });
        progress.stop();
        if (opts.json) console.log(JSON.stringify(receipt, null, 2));
        else printReceipt(receipt, lang);
        if (opts.picture && !receipt.replayed) {
          // The CLI writes to the database itself, so it also refreshes what the report changed in
          // the picture (nothing before the first picture exists; a new day rebuilds it in full).
          const picture = new PictureMaintainer(store, {
            debounceMs: 0,
            log: (message) => {
              if (!opts.json) console.error(message);
            },
          });
          await picture.afterReport(receipt.id);
          await picture.idle();
          await picture.stop();
          const { lastError } = picture.status();
          if (lastError !== null) {
            console.error(`beredskap: ${x.pictureFailed(lastError)}`);
            process.exitCode = 2;
          }
        }
      } catch (err) {
        progress.stop();
        if (!isAppError(err) || err.problems.length === 0) throw err;
        console.error(`beredskap: ${x.refused}`);
        for (const p of err.problems.slice(0, SHOWN_PROBLEMS).map((q) => localiseProblem(q, lang))) {
          console.error(`  ${p.message}${p.expected ? ` (${x.expected}: ${p.expected})` : ''}`);
        }
        if (err.problems.length > SHOWN_PROBLEMS)
          console.error(`  ${x.receiptListsAll(err.problems.length - SHOWN_PROBLEMS)}`);
        process.exitCode = 1;
      } finally {
        await store.close();
      }
    });
}
