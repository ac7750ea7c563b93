import { Type, type Static, type TSchema } from '@sinclair/typebox';

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
          message: Type.String(),
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
