/** The closed set of error kinds. Each maps to one HTTP status in `src/api/errors.ts`. */
export type ErrorKind =
  | 'invalid'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'method_not_allowed'
  | 'conflict'
  | 'too_large'
  | 'unavailable';

/** One problem with one piece of input: where it is, which field, what was found, what was expected. */
export interface Problem {
  /** Line number (1-based, CSV) or JSON path (e.g. `$.inventoryListing[0].item[2].quantity`). */
  at?: string | number;
  field?: string;
  value?: unknown;
  /** When `value` was cut (a long bad value is echoed only in part): the length of the value as sent. */
  valueLength?: number;
  expected?: string;
  message: string;
  /** The problem's stable code in the message catalogue (src/ingest/messages.ts), when it has one. */
  code?: string;
  /** The code's parameters (the field's name, the value as sent, codes). */
  params?: Record<string, string | number>;
}

/**
 * The one error type of beredskap. Messages name the things involved, e.g.
 * "package 123456 at location SE-APO-0042: quantity -4 is below 0".
 */
export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    readonly problems: readonly Problem[] = [],
  ) {
    super(message);
    this.name = 'AppError';
  }

  static invalid(message: string, problems: readonly Problem[] = []): AppError {
    return new AppError('invalid', message, problems);
  }
  /** "Not found" and "not yours" answer the same, so nobody learns what exists. */
  static notFound(what: string): AppError {
    return new AppError('not_found', `${what} was not found`);
  }
  static forbidden(message = 'you may not do this'): AppError {
    return new AppError('forbidden', message);
  }
  static conflict(message: string): AppError {
    return new AppError('conflict', message);
  }
}

export function isAppError(e: unknown): e is AppError {
  return e instanceof AppError;
}
