import { describe, expect, it } from 'vitest';
import {
  cliLanguage,
  languageOf,
  localiseProblem,
  MESSAGE_LANGUAGES,
  PROBLEM_MESSAGES,
  problemText,
} from '../../src/ingest/messages.js';

const placeholders = (text: string | undefined) =>
  [...(text ?? '').matchAll(/\{(\w+)\}/g)]
    .map((m) => m[1])
    .sort()
    .join();

describe('the message catalogue of report problems (issue 10 item 6)', () => {
  it('gives every code a Swedish and an English text with the same placeholders', () => {
    for (const [code, texts] of Object.entries(PROBLEM_MESSAGES)) {
      const t = texts as Record<string, { message: string; expected?: string }>;
      for (const lang of MESSAGE_LANGUAGES) expect(t[lang]?.message, `${code} ${lang}`).toBeTruthy();
      expect(placeholders(t.sv!.message), code).toBe(placeholders(t.en!.message));
      expect(placeholders(t.sv!.expected), code).toBe(placeholders(t.en!.expected));
    }
  });

  it('renders a coded problem in the language, with where it is, and leaves an uncoded one alone', () => {
    const p = {
      at: 4,
      field: 'package',
      value: '123',
      expected: 'an NPL pack id, GTIN or varunummer of a package in the catalogue',
      message: 'line 4: package 123 is unknown',
      code: 'unknown_package',
    };
    expect(localiseProblem(p, 'sv')).toMatchObject({
      message: 'rad 4: förpackningen 123 är okänd',
      expected: 'ett NPL-förpacknings-id, GTIN eller varunummer för en förpackning i katalogen',
      value: '123',
    });
    expect(localiseProblem(p, 'en').message).toBe('line 4: package 123 is unknown');
    // The catalogue's English template renders the stored English text.
    expect(problemText('unknown_package', { value: '123' }, 'en', 4).message).toBe(p.message);
    const json = { ...p, at: '$.lines[3].package' };
    expect(localiseProblem(json, 'sv').message).toBe('$.lines[3].package: förpackningen 123 är okänd');
    const plain = { message: 'something else' };
    expect(localiseProblem(plain, 'sv')).toBe(plain);
  });

  it('takes the API caller’s language from ?lang=, then Accept-Language, else English', () => {
    expect(languageOf('sv', 'en-GB')).toBe('sv');
    expect(languageOf(undefined, 'sv-SE,sv;q=0.9,en;q=0.8')).toBe('sv');
    expect(languageOf(undefined, 'de-DE, en;q=0.5')).toBe('en');
    expect(languageOf(undefined, undefined)).toBe('en');
    expect(languageOf('fi', 'sv')).toBe('sv');
  });

  it('gives the CLI one language: --lang, else LANG when English or Swedish, else Swedish', () => {
    expect(cliLanguage('en', { LANG: 'sv_SE.UTF-8' })).toBe('en');
    expect(cliLanguage(undefined, { LANG: 'en_GB.UTF-8' })).toBe('en');
    expect(cliLanguage(undefined, { LANG: 'sv_SE.UTF-8' })).toBe('sv');
    expect(cliLanguage(undefined, { LANG: 'C.UTF-8' })).toBe('sv');
    expect(() => cliLanguage('de', {})).toThrow(/--lang must be sv or en, got 'de'/);
  });
});
