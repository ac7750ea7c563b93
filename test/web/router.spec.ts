import { describe, expect, it } from 'vitest';
import { matchPath } from '../../src/web/router.js';

describe('dashboard router', () => {
  it('matches a pattern and decodes its parameters', () => {
    expect(matchPath('/regions/:code', '/regions/12')).toEqual({ code: '12' });
    expect(matchPath('/products/:id', '/products/a%20b')).toEqual({ id: 'a b' });
    expect(matchPath('/', '/')).toEqual({});
    expect(matchPath('/catalogue', '/catalogue/')).toEqual({});
  });

  it('does not match other paths or other lengths', () => {
    expect(matchPath('/regions/:code', '/regions')).toBeNull();
    expect(matchPath('/regions/:code', '/regions/12/extra')).toBeNull();
    expect(matchPath('/catalogue', '/reports')).toBeNull();
    expect(matchPath('/', '/catalogue')).toBeNull();
  });
});
