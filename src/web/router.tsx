import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type AnchorHTMLAttributes,
  type MouseEvent,
  type ReactNode,
} from 'react';

/*
 * A small history router. The server answers every non-API path with index.html (src/api/app.ts),
 * so addresses like /regions/12 survive a reload and can be shared. Forty lines do what the dashboard
 * needs (patterns with :params, query strings, links, back/forward); react-router would add a
 * dependency and an API surface for features we do not use.
 */

export interface RouterLocation {
  path: string;
  /** The query string without '?'. */
  search: string;
}

interface Router {
  location: RouterLocation;
  navigate: (to: string, options?: { replace?: boolean }) => void;
}

const RouterContext = createContext<Router | null>(null);

function currentLocation(): RouterLocation {
  return { path: window.location.pathname, search: window.location.search.replace(/^\?/, '') };
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [location, setLocation] = useState<RouterLocation>(currentLocation);

  useEffect(() => {
    const onPop = () => setLocation(currentLocation());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);

  const navigate = useCallback((to: string, options: { replace?: boolean } = {}) => {
    const before = currentLocation();
    if (options.replace) window.history.replaceState(null, '', to);
    else window.history.pushState(null, '', to);
    const after = currentLocation();
    setLocation(after);
    // A new page starts at the top; a changed query (filters, paging) keeps the reader's place.
    if (after.path !== before.path) window.scrollTo(0, 0);
  }, []);

  const value = useMemo(() => ({ location, navigate }), [location, navigate]);
  return <RouterContext.Provider value={value}>{children}</RouterContext.Provider>;
}

export function useRouter(): Router {
  const router = useContext(RouterContext);
  if (!router) throw new Error('useRouter must be used inside <RouterProvider>');
  return router;
}

/** Matches '/regions/:code' against '/regions/12' -> { code: '12' }; null when it does not match. */
export function matchPath(pattern: string, path: string): Record<string, string> | null {
  const want = pattern.split('/').filter(Boolean);
  const have = path.split('/').filter(Boolean);
  if (want.length !== have.length) return null;
  const params: Record<string, string> = {};
  for (const [i, part] of want.entries()) {
    const actual = have[i] ?? '';
    if (part.startsWith(':')) params[part.slice(1)] = decodeURIComponent(actual);
    else if (part !== actual) return null;
  }
  return params;
}

/**
 * The query string as state: read with `get`, change with `set` (undefined or '' removes a key).
 * Filters live in the address, so back/forward and shared links restore them.
 */
export function useQueryState(): {
  params: URLSearchParams;
  set: (changes: Record<string, string | undefined>, options?: { replace?: boolean }) => void;
} {
  const { location, navigate } = useRouter();
  const params = useMemo(() => new URLSearchParams(location.search), [location.search]);
  const set = useCallback(
    (changes: Record<string, string | undefined>, options: { replace?: boolean } = {}) => {
      const next = new URLSearchParams(location.search);
      for (const [key, value] of Object.entries(changes)) {
        if (value === undefined || value === '') next.delete(key);
        else next.set(key, value);
      }
      const text = next.toString();
      navigate(`${location.path}${text ? `?${text}` : ''}`, options);
    },
    [location.path, location.search, navigate],
  );
  return { params, set };
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

/** An ordinary link (open in new tab, copy address all work) that navigates in place on a plain click. */
export function Link({ to, onClick, children, ...rest }: LinkProps) {
  const { navigate } = useRouter();
  const handleClick = (event: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(event);
    if (
      event.defaultPrevented ||
      event.button !== 0 ||
      event.metaKey ||
      event.ctrlKey ||
      event.shiftKey ||
      event.altKey
    )
      return;
    if (rest.target && rest.target !== '_self') return;
    event.preventDefault();
    navigate(to);
  };
  return (
    <a href={to} onClick={handleClick} {...rest}>
      {children}
    </a>
  );
}
