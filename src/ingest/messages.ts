import type { Problem } from '../domain/errors.js';

/**
 * The message catalogue of report problems (issue 10 item 6): each coded problem has a stable code and
 * parameters, and is rendered in the caller's language, Swedish or English. A problem is stored with
 * its English message, its code and its parameters; the API, the dashboard and the CLI render it in
 * their language with {@link localiseProblem}. A problem without a code keeps its message as it is.
 */
export const MESSAGE_LANGUAGES = ['sv', 'en'] as const;
export type MessageLanguage = (typeof MESSAGE_LANGUAGES)[number];

/** Parameters of a coded problem: the field's name, the value as sent (bounded), codes and numbers. */
export type ProblemParams = Record<string, string | number>;

interface Texts {
  message: string;
  expected?: string;
}

/** Templates with `{name}` placeholders; every code in both languages (the type says so). */
export const PROBLEM_MESSAGES = {
  missing: {
    en: { message: '{field} is missing' },
    sv: { message: '{field} saknas' },
  },
  unknown_location: {
    en: {
      message: 'location {value} is unknown',
      expected: 'a location code or GLN of one of your locations',
    },
    sv: { message: 'platsen {value} är okänd', expected: 'en platskod eller GLN för en av era platser' },
  },
  not_own_location: {
    en: {
      message: "location {value} is not one of {organisation}'s locations",
      expected: 'a location owned by {organisation}',
    },
    sv: {
      message: 'platsen {value} tillhör inte {organisation}',
      expected: 'en plats som {organisation} äger',
    },
  },
  unknown_package: {
    en: {
      message: 'package {value} is unknown',
      expected: 'an NPL pack id, GTIN or varunummer of a package in the catalogue',
    },
    sv: {
      message: 'förpackningen {value} är okänd',
      expected: 'ett NPL-förpacknings-id, GTIN eller varunummer för en förpackning i katalogen',
    },
  },
  not_a_number: {
    en: { message: "{field} '{value}' is not a number", expected: 'a number, e.g. 12 or 12,5' },
    sv: { message: "{field} '{value}' är inget tal", expected: 'ett tal, t.ex. 12 eller 12,5' },
  },
  not_a_date: {
    en: { message: "{field} '{value}' is not a date", expected: 'a date YYYY-MM-DD' },
    sv: { message: "{field} '{value}' är inget datum", expected: 'ett datum ÅÅÅÅ-MM-DD' },
  },
  below_zero: {
    en: { message: 'quantity {value} is below 0', expected: 'a quantity of 0 or more' },
    sv: { message: 'antalet {value} är under 0', expected: 'ett antal som är 0 eller mer' },
  },
  stock_below_zero: {
    en: {
      message: 'package {package} at location {location}: quantity {value} is below 0',
      expected: 'a quantity of 0 or more',
    },
    sv: {
      message: 'förpackningen {package} på platsen {location}: antalet {value} är under 0',
      expected: 'ett antal som är 0 eller mer',
    },
  },
  unknown_column: {
    en: { message: "unknown column '{value}'", expected: 'one of {columns}' },
    sv: { message: "okänd kolumn '{value}'", expected: 'någon av {columns}' },
  },
  column_twice: {
    en: { message: "column '{value}' appears twice", expected: 'each column once' },
    sv: { message: "kolumnen '{value}' förekommer två gånger", expected: 'varje kolumn en gång' },
  },
  column_missing: {
    en: { message: "column '{field}' is missing" },
    sv: { message: "kolumnen '{field}' saknas" },
  },
  kind_missing: {
    en: {
      message: 'the kind of report is not given (and the content does not say)',
      expected: 'one of {kinds}',
    },
    sv: {
      message: 'rapportens slag är inte angivet (och innehållet säger det inte)',
      expected: 'någon av {kinds}',
    },
  },
  more_problems: {
    en: { message: '… and {n} more problems (only the first {kept} are listed)' },
    sv: { message: '… och {n} fel till (bara de första {kept} visas)' },
  },
} as const satisfies Record<string, Record<MessageLanguage, Texts>>;

export type ProblemCode = keyof typeof PROBLEM_MESSAGES;

function fill(template: string, params: ProblemParams): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  );
}

/** Where a problem is, in the language: 'line 4' / 'rad 4', or a JSON path as it is. */
export function whereText(at: string | number, lang: MessageLanguage): string {
  return typeof at === 'number' ? `${lang === 'sv' ? 'rad' : 'line'} ${at}` : at;
}

/** The message (and expectation) of a coded problem in a language, with where it is in front. */
export function problemText(
  code: ProblemCode,
  params: ProblemParams,
  lang: MessageLanguage,
  at?: string | number,
): Texts {
  const texts: Texts = PROBLEM_MESSAGES[code][lang];
  const message = fill(texts.message, params);
  return {
    message: at === undefined ? message : `${whereText(at, lang)}: ${message}`,
    ...(texts.expected !== undefined ? { expected: fill(texts.expected, params) } : {}),
  };
}

function isProblemCode(code: string): code is ProblemCode {
  return Object.hasOwn(PROBLEM_MESSAGES, code);
}

/**
 * A problem in a language: a coded one rendered from the catalogue in Swedish, its stored English
 * text otherwise (the catalogue's English templates render exactly that text).
 */
export function localiseProblem<P extends Problem>(p: P, lang: MessageLanguage): P {
  // The stored text is the English one (bounded as stored: a long value's middle cut out).
  if (lang === 'en' || p.code === undefined || !isProblemCode(p.code)) return p;
  // `{field}` and `{value}` are the problem's own field and value (as sent, bounded).
  const own: ProblemParams = {};
  if (p.field !== undefined) own.field = p.field;
  if (typeof p.value === 'string' || typeof p.value === 'number') own.value = p.value;
  else if (typeof p.value === 'boolean') own.value = String(p.value);
  const texts = problemText(p.code, { ...own, ...p.params }, lang, p.at);
  return {
    ...p,
    message: texts.message,
    ...(texts.expected !== undefined ? { expected: texts.expected } : {}),
  };
}

/**
 * The caller's language: `?lang=sv|en` first, then the first of Accept-Language that is Swedish or
 * English, else English (the API's language so far).
 */
export function languageOf(query: string | undefined, acceptLanguage: string | undefined): MessageLanguage {
  if (query === 'sv' || query === 'en') return query;
  for (const part of (acceptLanguage ?? '').split(',')) {
    const tag = part.split(';')[0]!.trim().toLowerCase();
    if (tag.startsWith('sv')) return 'sv';
    if (tag.startsWith('en')) return 'en';
  }
  return 'en';
}

/**
 * The CLI's one language: `--lang`, else LC_ALL or LANG when English (en_*) or Swedish (sv_*), else
 * Swedish, the project's first language (a server's C.UTF-8 included).
 */
export function cliLanguage(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): MessageLanguage {
  if (flag === 'sv' || flag === 'en') return flag;
  if (flag !== undefined) throw new Error(`--lang must be sv or en, got '${flag.slice(0, 20)}'`);
  const locale = (env.LC_ALL || env.LANG || '').toLowerCase();
  return locale.startsWith('en') ? 'en' : 'sv';
}
