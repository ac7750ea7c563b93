import { ECHO_CAP, PROBLEM_CAP, PROBLEM_TEXT_CAP, PROBLEMS_BYTE_CAP } from '../domain/report.js';
import { AppError, type Problem } from '../domain/errors.js';
import { LONE_SURROGATE } from './values.js';

const LONE_SURROGATES = new RegExp(LONE_SURROGATE.source, 'g');

/**
 * The problems found in one report. Every problem is counted; the first `cap` are kept with where,
 * which field, what value and what was expected, and the rest are summarised as "… and N more".
 * What is kept can always be stored and sent (see {@link storableProblem}).
 */
export class ProblemList {
  private readonly kept: Problem[] = [];
  private count = 0;
  private bytes = 2;
  private full = false;

  constructor(
    private readonly cap = PROBLEM_CAP,
    private readonly byteCap = PROBLEMS_BYTE_CAP,
  ) {}

  add(problem: Problem): void {
    this.count++;
    if (this.full || this.kept.length >= this.cap) return;
    const kept = storableProblem(problem);
    const size = Buffer.byteLength(JSON.stringify(kept)) + 1;
    // The closing "… and N more" line needs room too (under 200 bytes).
    if (this.bytes + size > this.byteCap - 200) {
      this.full = true;
      return;
    }
    this.bytes += size;
    this.kept.push(kept);
  }

  /** Bytes of the kept problems as JSON (at most {@link PROBLEMS_BYTE_CAP}). */
  get keptBytes(): number {
    return this.bytes;
  }

  get total(): number {
    return this.count;
  }

  get any(): boolean {
    return this.count > 0;
  }

  /** The kept problems, plus one closing line when some were left out. */
  list(): Problem[] {
    if (this.count <= this.kept.length) return [...this.kept];
    return [
      ...this.kept,
      {
        message: `… and ${this.count - this.kept.length} more problems (only the first ${this.kept.length} are listed)`,
        code: 'more_problems',
        params: { n: this.count - this.kept.length, kept: this.kept.length },
      },
    ];
  }

  /** The refusal of the whole report: nothing of it is stored (all or nothing). */
  toError(what: string): AppError {
    const first = this.kept[0];
    const more = this.count > 1 ? ` (and ${this.count - 1} more)` : '';
    return AppError.invalid(
      `${what} was refused with ${this.count} ${this.count === 1 ? 'problem' : 'problems'}; nothing of it was stored. ` +
        `First: ${first?.message ?? 'unknown'}${more}`,
      this.list(),
    );
  }
}

/** Deeper than this, an echoed JSON value is shown as `…` (a hostile document may nest thousands deep). */
const ECHO_DEPTH = 8;

/**
 * A text as it may be echoed: NUL (which PostgreSQL cannot store) shown as ␀ (U+2400), a lone
 * surrogate (not a character) as � (U+FFFD).
 */
export function storableText(s: string): string {
  const clean = s.includes('\u0000') ? s.replaceAll('\u0000', '\u2400') : s;
  return LONE_SURROGATE.test(clean) ? clean.replace(LONE_SURROGATES, '\ufffd') : clean;
}

/**
 * An echoed value that can be stored (jsonb) and sent: texts made storable, numbers, booleans and
 * null as they are, and anything else (an object or array from a JSON document) as its JSON text,
 * nesting below {@link ECHO_DEPTH} levels left out.
 */
function storableValue(v: unknown): unknown {
  if (v === undefined || v === null || typeof v === 'boolean') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string') return storableText(cut(v, ECHO_CAP));
  return storableText(echo(v, ECHO_DEPTH, ECHO_CAP));
}

/** At most `max` characters of `s`, with `…` when cut (never half a surrogate pair). */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  const end = /[\uD800-\uDBFF]/.test(s[max - 1] ?? '') ? max - 1 : max;
  return `${s.slice(0, end)}…`;
}

/** A long text with its middle cut out, saying how much: the start (where) and the end (why) stay. */
function cutMiddle(s: string, max: number): string {
  if (s.length <= max) return s;
  const head = Math.floor(max * 0.6);
  const tail = max - head - 40;
  const left = cut(s, head).replace(/…$/, '');
  const right = s.slice(s.length - tail).replace(/^[\uDC00-\uDFFF]/, '');
  return `${left}… [${s.length - left.length - right.length} characters left out] …${right}`;
}

/**
 * The JSON text of a parsed JSON value, for a message or an echo: never deeper than `depth` levels
 * (a hostile document nests thousands deep, which JSON.stringify and String() overflow the stack on)
 * and stopping soon after `max` characters with `…`.
 */
export function echo(v: unknown, depth = ECHO_DEPTH, max = 200): string {
  const out: string[] = [];
  let length = 0;
  const put = (s: string) => {
    out.push(s);
    length += s.length;
  };
  const walk = (x: unknown, d: number): void => {
    if (length > max) return;
    if (x === null || typeof x !== 'object') {
      put(
        typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? JSON.stringify(x) : 'null',
      );
      return;
    }
    const array = Array.isArray(x);
    if (d === 0) {
      put(array ? '[…]' : '{…}');
      return;
    }
    put(array ? '[' : '{');
    const entries: [string, unknown][] = array
      ? (x as unknown[]).map((v, i) => [String(i), v])
      : Object.entries(x as Record<string, unknown>);
    for (let i = 0; i < entries.length && length <= max; i++) {
      if (i > 0) put(',');
      const [k, v] = entries[i]!;
      if (!array) put(`${JSON.stringify(k)}:`);
      walk(v, d - 1);
    }
    put(array ? ']' : '}');
  };
  walk(v, depth);
  const text = out.join('');
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/**
 * A problem whose every part can be stored as jsonb and sent as JSON, whatever the input was, and is
 * bounded: the value cut to {@link ECHO_CAP} characters (`valueLength` then says how long it was), the
 * message's middle and the other texts cut to {@link PROBLEM_TEXT_CAP}.
 */
export function storableProblem(p: Problem): Problem {
  const out: Problem = { message: storableText(cutMiddle(p.message, PROBLEM_TEXT_CAP)) };
  if (p.at !== undefined)
    out.at = typeof p.at === 'string' ? storableText(cut(p.at, PROBLEM_TEXT_CAP)) : p.at;
  if (p.field !== undefined) out.field = storableText(cut(p.field, PROBLEM_TEXT_CAP));
  if ('value' in p) {
    out.value = storableValue(p.value);
    if (typeof p.value === 'string' && p.value.length > ECHO_CAP) out.valueLength = p.value.length;
  }
  if (p.expected !== undefined) out.expected = storableText(cut(p.expected, PROBLEM_TEXT_CAP));
  if (p.code !== undefined) out.code = p.code;
  if (p.params !== undefined) {
    // Parameters hold values as sent: bounded like the value.
    out.params = Object.fromEntries(
      Object.entries(p.params).map(([k, v]) => [
        k,
        typeof v === 'string' ? storableText(cut(v, ECHO_CAP)) : v,
      ]),
    );
  }
  return out;
}
