import { describe, expect, it } from 'vitest';
import { readableMessage, toQueryString } from '../../src/web/api-client.js';

describe('dashboard API client', () => {
  it('sends only the filters that are set', () => {
    expect(
      toQueryString({
        q: 'para cetamol',
        atc: '',
        list: undefined,
        species: null,
        limit: 25,
        offset: 0,
        flag: false,
      }),
    ).toBe('?q=para+cetamol&limit=25&offset=0');
    expect(toQueryString({})).toBe('');
    expect(toQueryString(undefined)).toBe('');
  });

  it('turns an error body into one message that names each problem once', () => {
    expect(
      readableMessage({
        kind: 'invalid',
        message: 'invalid querystring: querystring.atc must match pattern',
        problems: [{ at: 'querystring.atc', field: 'atc', message: 'must match pattern' }],
        correlationId: 'r1',
      }),
    ).toBe('invalid querystring: querystring.atc must match pattern');
    expect(
      readableMessage({
        kind: 'invalid',
        message: 'the report has 2 problems',
        problems: [
          { at: 3, field: 'quantity', message: 'quantity -4 is below 0' },
          { at: 7, field: 'gtin', message: 'unknown package' },
        ],
        correlationId: 'r2',
      }),
    ).toBe('the report has 2 problems (quantity -4 is below 0; gtin: unknown package)');
  });
});
