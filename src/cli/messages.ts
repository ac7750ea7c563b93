import { cliLanguage, type MessageLanguage } from '../ingest/messages.js';

/**
 * The CLI's message catalogue (issue 10 item 6): everything `beredskap` prints itself, headings,
 * receipts and errors, in Swedish and in English. The language is chosen once per run (`--lang sv|en`,
 * else LC_ALL/LANG: en_* → English, otherwise Swedish; see {@link cliLanguage}) and every command
 * prints in it. Report problems come from the ingest catalogue (src/ingest/messages.ts) in the same
 * language. Codes, kinds, table names and JSON output stay as they are in both languages.
 */
/** A count from a receipt's summary (a record of counts: each may be absent). */
type Count = number | undefined;

const EN = {
  // Shared by several commands.
  unknownOrganisation: (code: string) => `organisation ${code} is unknown`,
  notANumber: (flag: string, raw: string) => `${flag} must be a number, got '${raw}'`,
  expected: 'expected',
  more: (n: number) => `… ${n} more`,
  warning: 'warning',
  phases: {
    reference: 'Reference data',
    stock: 'Stock',
    sales: 'Sales',
    indexes: 'Indexes',
    checks: 'Checks',
    picture: 'Situational picture',
  } as Record<string, string>,

  // serve, db migrate
  serving: (url: string, backend: string) => `beredskap serves ${url} (database: ${backend})`,
  portInvalid: (raw: string) => `PORT must be a whole number from 0 to 65535, got '${raw}'`,
  migrationsApplied: (names: string[]) => `applied: ${names.join(', ')}`,
  schemaUpToDate: 'the schema is up to date',

  // demo
  demoGenerating: (scale: string, seed: string, today: string) =>
    `Generating synthetic Sweden (scale ${scale}, seed ${seed}, day ${today}) …`,
  demoDone: (seconds: string) => `Done in ${seconds} s.`,
  demoExisting: (where: string) => `Using the existing database (${where}); --fresh starts over.`,
  demoRunning: (url: string) => `beredskap runs at ${url}  (API documentation: ${url}/api/docs)`,
  demoTokens: 'Demo sign-in tokens (DEMO ONLY, the tokens are public):',
  demoQuit: 'Stop with Ctrl+C.',
  personaOrganisation: (code: string, name: string) => `organisation ${code} ${name}`,
  personaLocations: (codes: string) => `locations ${codes}`,
  personaNoLocations: 'no locations',

  // generate
  nplWritten: (
    scale: number,
    seed: number,
    dir: string,
    products: number,
    packages: number,
    orgs: number,
    mb: string,
  ) =>
    `Synthetic Sweden's catalogue (scale ${scale}, seed ${seed}) as an NPL export in ${dir}: ` +
    `${products} products, ${packages} packages, ${orgs} organisations, ${mb} MB`,
  generated: (scale: number, seed: number, today: string, where: string, seconds: string) =>
    `Synthetic Sweden (scale ${scale}, seed ${seed}, today ${today}) → ${where} in ${seconds} s`,
  whereCsv: (dir: string) => `CSV files in ${dir}`,
  wherePostgres: 'PostgreSQL (DATABASE_URL)',
  wherePglite: (dir: string) => `PGlite in ${dir}`,
  reportFilesHeading: (dir: string) => `Report files for \`beredskap ingest\` in ${dir}:`,
  lineCount: (n: number) => `${n} lines`,
  demoTokenList: (tokens: string) => `Demo tokens (DEMO ONLY, public): ${tokens}`,

  // ingest
  accepted: 'Accepted',
  replayed: 'Already received',
  report: 'report',
  lines: 'lines',
  receivedAt: 'received',
  reference: 'reference',
  replayedNote: 'The same report was received before; nothing was counted twice.',
  refused: 'the report was refused; nothing of it was stored. Problems:',
  receiptListsAll: (n: number) => `… ${n} more; the report's receipt lists them all (GET /api/reports/{id})`,
  reading: (file: string) => `Reading ${file} (kB)`,
  pictureFailed: (error: string) =>
    `the report was accepted, but the situational picture could not be updated: ${error} (run \`beredskap picture refresh\`)`,
  /** The receipt's summary counts (src/ingest/writers.ts), by key; an unknown key prints as it is. */
  summary: {
    locations: 'locations',
    lines: 'lines',
    regions: 'regions',
    days: 'days',
    packages: 'packages',
    notices: 'notices',
    late: 'late',
    corrections: 'corrections',
  } as Record<string, string>,
  kindInvalid: (raw: string, kinds: string) => `--kind '${raw}' is not one of ${kinds}`,
  countedAtInvalid: (raw: string) => `--counted-at '${raw}' is not a date and time`,

  // import npl, list, organisations, locations
  nplImported: (id: number, asOf: string, total: boolean, products: Count, packages: Count) =>
    `Imported: NPL export ${id} as of ${asOf} (${total ? 'total file' : 'delta file'}) — ` +
    `${products} products, ${packages} packages`,
  nplCounts: (added: Count, changed: Count, unchanged: Count, withdrawn: Count, kept: Count) =>
    `  added ${added}, changed ${changed}, unchanged ${unchanged}, withdrawn ${withdrawn}` +
    ` (of which ${kept} with stock or sales, kept)`,
  nplChanged: (id: string, fields: string) => `  changed ${id}: ${fields}`,
  nplMoreChanged: (n: number) => `  … ${n} more changed`,
  nplWithdrawn: (id: string, kept: boolean) =>
    `  withdrawn ${id}${kept ? ' (has stock or sales: kept)' : ''}`,
  moreWarnings: (n: number) => `  … ${n} more warnings`,
  nplPictureHint:
    'The situational picture takes in the register’s changes at its next full refresh (`beredskap picture refresh --full`).',
  readingNpl: 'Reading NPL files',
  writingRegister: 'Writing the register',
  listReplayed: (version: string, validFrom: string) =>
    `Already imported: the list version ${version} (valid from ${validFrom}); nothing changed.`,
  listImported: (version: string, validFrom: string, entries: number) =>
    `Imported: the prioritised list version ${version}, valid from ${validFrom} — ${entries} entries`,
  listPrevious: (version: string, validTo: string) =>
    `  version ${version} is valid up to and including ${validTo}`,
  registerImported: (
    rows: number,
    register: 'organisations' | 'locations',
    file: string | null,
    counts: { created: number; updated: number; unchanged: number; closed?: number; reopened?: number },
    auditId: number,
  ) =>
    `Imported: ${rows} ${register} from ${file ?? 'the file'} — new ${counts.created}, changed ${counts.updated}, ` +
    `unchanged ${counts.unchanged}` +
    (counts.closed !== undefined ? `, closed ${counts.closed}, reopened ${counts.reopened ?? 0}` : '') +
    ` (audit entry ${auditId})`,
  registerMoreChanges: (n: number) => `  … ${n} more changes (all in the audit entry)`,

  // picture
  pictureRefreshed: (mode: string, today: string, reason: string | null, packages: number, seconds: string) =>
    `picture ${mode} refresh for ${today} (${reason ?? 'incremental'}): ${packages} packages in ${seconds} s`,
  historyRebuilt: (days: number, today: string) =>
    `stock history rebuilt for the ${days} days before ${today}`,
  daysInvalid: (raw: string) => `--days ${raw}: expected a whole number of days from 1 to 3660`,

  // audit
  expectHeadInvalid: (raw: string) => `--expect-head ${raw}: expected 64 hexadecimal digits (SHA-256)`,
  auditIntact: (entries: number, head: string) => `Audit chain intact: ${entries} entries, head ${head}`,
  auditBroken: (where: { id: number | null; seq: number }, reason: string, entries: number) =>
    `Audit chain broken ${where.id !== null ? `at entry ${where.id} (position ${where.seq})` : `after position ${where.seq - 1}`}: ` +
    `${reason} (${entries} entries hold before it)`,
};

export type CliTexts = typeof EN;

const SV: CliTexts = {
  unknownOrganisation: (code) => `organisationen ${code} är okänd`,
  notANumber: (flag, raw) => `${flag} måste vara ett tal, fick '${raw}'`,
  expected: 'väntat',
  more: (n) => `… ${n} till`,
  warning: 'varning',
  phases: {
    reference: 'Referensdata',
    stock: 'Lagersaldon',
    sales: 'Försäljning',
    indexes: 'Index',
    checks: 'Kontroller',
    picture: 'Lägesbild',
  },

  serving: (url, backend) => `beredskap kör på ${url} (databas: ${backend})`,
  portInvalid: (raw) => `PORT måste vara ett heltal från 0 till 65535, fick '${raw}'`,
  migrationsApplied: (names) => `tillämpade: ${names.join(', ')}`,
  schemaUpToDate: 'schemat är aktuellt',

  demoGenerating: (scale, seed, today) =>
    `Genererar syntetiskt Sverige (skala ${scale}, frö ${seed}, dag ${today}) …`,
  demoDone: (seconds) => `Klart på ${seconds} s.`,
  demoExisting: (where) => `Använder befintlig databas (${where}); --fresh börjar om.`,
  demoRunning: (url) => `beredskap körs på ${url}  (API-dokumentation: ${url}/api/docs)`,
  demoTokens: 'Demo-inloggningar (ENDAST DEMO, token är offentliga):',
  demoQuit: 'Avsluta med Ctrl+C.',
  personaOrganisation: (code, name) => `organisation ${code} ${name}`,
  personaLocations: (codes) => `platser ${codes}`,
  personaNoLocations: 'inga platser',

  nplWritten: (scale, seed, dir, products, packages, orgs, mb) =>
    `Syntetiska Sveriges katalog (skala ${scale}, frö ${seed}) som NPL-export i ${dir}: ` +
    `${products} produkter, ${packages} förpackningar, ${orgs} organisationer, ${mb} MB`,
  generated: (scale, seed, today, where, seconds) =>
    `Syntetiskt Sverige (skala ${scale}, frö ${seed}, dag ${today}) → ${where} på ${seconds} s`,
  whereCsv: (dir) => `CSV-filer i ${dir}`,
  wherePostgres: 'PostgreSQL (DATABASE_URL)',
  wherePglite: (dir) => `PGlite i ${dir}`,
  reportFilesHeading: (dir) => `Rapportfiler för \`beredskap ingest\` i ${dir}:`,
  lineCount: (n) => `${n} rader`,
  demoTokenList: (tokens) => `Demo-token (ENDAST DEMO, offentliga): ${tokens}`,

  accepted: 'Mottagen',
  replayed: 'Redan mottagen',
  report: 'rapport',
  lines: 'rader',
  receivedAt: 'mottagen',
  reference: 'referens',
  replayedNote: 'Samma rapport har tagits emot tidigare; inget räknades två gånger.',
  refused: 'rapporten avvisades; inget av den sparades. Fel:',
  receiptListsAll: (n) => `… ${n} till; alla finns i rapportens mottagningskvitto (GET /api/reports/{id})`,
  reading: (file) => `Läser ${file} (kB)`,
  pictureFailed: (error) =>
    `rapporten är mottagen, men lägesbilden kunde inte uppdateras: ${error} (kör \`beredskap picture refresh\`)`,
  summary: {
    locations: 'platser',
    lines: 'rader',
    regions: 'regioner',
    days: 'dagar',
    packages: 'förpackningar',
    notices: 'meddelanden',
    late: 'sena',
    corrections: 'rättelser',
  },
  kindInvalid: (raw, kinds) => `--kind '${raw}' är inte någon av ${kinds}`,
  countedAtInvalid: (raw) => `--counted-at '${raw}' är ingen tidpunkt`,

  nplImported: (id, asOf, total, products, packages) =>
    `Importerad: NPL-export ${id} per ${asOf} (${total ? 'totalfil' : 'deltafil'}) — ` +
    `${products} produkter, ${packages} förpackningar`,
  nplCounts: (added, changed, unchanged, withdrawn, kept) =>
    `  tillagda ${added}, ändrade ${changed}, oförändrade ${unchanged}, avregistrerade ${withdrawn}` +
    ` (varav ${kept} med lager eller försäljning, behållna)`,
  nplChanged: (id, fields) => `  ändrad ${id}: ${fields}`,
  nplMoreChanged: (n) => `  … ${n} ändrade till`,
  nplWithdrawn: (id, kept) => `  avregistrerad ${id}${kept ? ' (har lager eller försäljning: behålls)' : ''}`,
  moreWarnings: (n) => `  … ${n} varningar till`,
  nplPictureHint:
    'Lägesbilden tar in registrets ändringar vid nästa fullständiga uppdatering (`beredskap picture refresh --full`).',
  readingNpl: 'Läser NPL-filer',
  writingRegister: 'Skriver registret',
  listReplayed: (version, validFrom) =>
    `Redan importerad: listan version ${version} (gäller från ${validFrom}); inget ändrades.`,
  listImported: (version, validFrom, entries) =>
    `Importerad: prioriteringslistan version ${version}, gäller från ${validFrom} — ${entries} poster`,
  listPrevious: (version, validTo) => `  version ${version} gäller till och med ${validTo}`,
  registerImported: (rows, register, file, counts, auditId) =>
    `Importerad: ${rows} ${register === 'organisations' ? 'organisationer' : 'platser'} ur ${file ?? 'filen'} — ` +
    `ny ${counts.created}, ändrad ${counts.updated}, oförändrad ${counts.unchanged}` +
    (counts.closed !== undefined ? `, stängd ${counts.closed}, återöppnad ${counts.reopened ?? 0}` : '') +
    ` (granskningspost ${auditId})`,
  registerMoreChanges: (n) => `  … ${n} ändringar till (alla i granskningsposten)`,

  pictureRefreshed: (mode, today, reason, packages, seconds) =>
    `lägesbilden ${mode === 'full' ? 'helt' : 'stegvis'} uppdaterad för ${today} (${swedishReason(reason)}): ` +
    `${packages} förpackningar på ${seconds} s`,
  historyRebuilt: (days, today) => `lagerhistoriken återskapad för de ${days} dagarna före ${today}`,
  daysInvalid: (raw) => `--days ${raw}: väntat ett heltal dagar från 1 till 3660`,

  expectHeadInvalid: (raw) => `--expect-head ${raw}: väntat 64 hexadecimala siffror (SHA-256)`,
  auditIntact: (entries, head) => `Granskningskedjan håller: ${entries} poster, huvud ${head}`,
  auditBroken: (where, reason, entries) =>
    `Granskningskedjan är bruten ${where.id !== null ? `vid post ${where.id} (position ${where.seq})` : `efter position ${where.seq - 1}`}: ` +
    `${reason} (${entries} poster håller före den)`,
};

export const CLI_MESSAGES: Record<MessageLanguage, CliTexts> = { sv: SV, en: EN };

/** The picture refresh's reason (English in src/store/picture/refresh.ts) in Swedish. */
function swedishReason(reason: string | null): string {
  if (reason === null) return 'stegvis';
  if (reason === 'asked for') return 'begärd';
  if (reason === 'first refresh') return 'första uppdateringen';
  const day = /^new day \((.*)\)$/.exec(reason);
  if (day) return `ny dag (${day[1]})`;
  const reach = /^sales now reach (.*)$/.exec(reason);
  if (reach) return `försäljningen når nu ${reach[1]}`;
  return reason;
}

let chosen: MessageLanguage | undefined;

/** Chooses the run's one language from `--lang` (else LC_ALL/LANG); `main` does so before a command runs. */
export function chooseCliLanguage(
  flag: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): MessageLanguage {
  chosen = cliLanguage(flag, env);
  return chosen;
}

/** The run's language: as chosen, else from LC_ALL/LANG (a command registered outside `main`). */
export function cliLang(): MessageLanguage {
  return chosen ?? cliLanguage(undefined);
}

/** The run's texts. */
export function cliTexts(lang: MessageLanguage = cliLang()): CliTexts {
  return CLI_MESSAGES[lang];
}
