import { Type, type Static, type TSchema } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { languageOf, type MessageLanguage } from '../ingest/messages.js';

/** A string that must be one of `values`; typed as their union, documented as an OpenAPI enum. */
export const StringEnum = <T extends string>(values: readonly T[], options: { description?: string } = {}) =>
  Type.Unsafe<T>({ type: 'string', enum: [...values], ...options });

/** `?limit=&offset=` on every list. */
export const PageQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 500, default: 50, description: 'rows per page (1–500)' }),
  offset: Type.Integer({ minimum: 0, default: 0, description: 'rows to skip' }),
});
export type PageQuery = Static<typeof PageQuery>;

/** A page of a list: the rows, how many match in all, and where the page starts. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    total: Type.Integer(),
    limit: Type.Integer(),
    offset: Type.Integer(),
  });

export const ErrorResponse = Type.Object(
  {
    error: Type.Object({
      kind: Type.String(),
      message: Type.String(),
      problems: Type.Array(
        Type.Object({
          at: Type.Optional(Type.Union([Type.String(), Type.Number()])),
          field: Type.Optional(Type.String()),
          value: Type.Optional(Type.Unknown()),
          valueLength: Type.Optional(
            Type.Integer({
              description: 'when value was cut (echoed only in part): the length of the value as sent',
            }),
          ),
          expected: Type.Optional(Type.String()),
          message: Type.String({
            description:
              'in the caller’s language (Accept-Language or ?lang=sv|en) when the problem has a code',
          }),
          code: Type.Optional(Type.String({ description: 'stable code in the message catalogue' })),
          params: Type.Optional(Type.Record(Type.String(), Type.Union([Type.String(), Type.Number()]))),
        }),
      ),
      correlationId: Type.String(),
    }),
  },
  { description: 'The error model: kind, message, every problem found, and a correlation id for support.' },
);

/** Error responses every authenticated route can give. */
export const authErrors = {
  400: ErrorResponse,
  401: ErrorResponse,
  403: ErrorResponse,
  404: ErrorResponse,
} as const;

/**
 * The caller's language for messages with a code (issue 10 item 6): `?lang=sv|en`, else
 * Accept-Language, else English. Read from the URL as sent, so that every route honours it.
 */
export function requestLanguage(request: FastifyRequest): MessageLanguage {
  const query = new URLSearchParams(request.url.split('?')[1] ?? '').get('lang') ?? undefined;
  const header: string | string[] | undefined = request.headers['accept-language'];
  return languageOf(query, typeof header === 'string' ? header : header?.[0]);
}
