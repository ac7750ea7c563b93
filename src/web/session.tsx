import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, createApi, isApiError, type Api, type Me } from './api-client.js';

/*
 * The bearer token lives in sessionStorage, not localStorage: it then belongs to one tab and is gone
 * when the tab closes, so a token for national stock data does not linger for months on a shared or
 * borrowed computer, and signing out in one tab does not leave copies elsewhere. (Both storages are
 * readable by script on the page, so neither protects against XSS; the API's tokens can be revoked.)
 */
const TOKEN_KEY = 'beredskap.token';

function readToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

function writeToken(token: string | null): void {
  try {
    if (token) sessionStorage.setItem(TOKEN_KEY, token);
    else sessionStorage.removeItem(TOKEN_KEY);
  } catch {
    // Not kept across reloads: the user signs in again after one.
  }
}

export type SessionState =
  | { status: 'checking' }
  | { status: 'signed-out'; reason?: 'expired' | 'signed-out'; error?: ApiError }
  | { status: 'signed-in'; token: string; me: Me; api: Api };

export interface SessionControl {
  state: SessionState;
  /** Checks the token with GET /api/me; rejects with ApiError when it is refused or the server fails. */
  signIn: (token: string) => Promise<void>;
  signOut: () => void;
  /** Called when the API answers 401 to a signed-in call: back to sign-in with a message. */
  expire: () => void;
  /** Retry the start-up check after a network or server error. */
  recheck: () => void;
}

const SessionContext = createContext<SessionControl | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>(() =>
    readToken() ? { status: 'checking' } : { status: 'signed-out' },
  );
  const [attempt, setAttempt] = useState(0);

  const signIn = useCallback(async (token: string) => {
    const api = createApi(token);
    const me = await api.me();
    writeToken(token);
    setState({ status: 'signed-in', token, me, api });
  }, []);

  // On load: a token from earlier in this tab is checked before the dashboard shows.
  useEffect(() => {
    const token = readToken();
    if (!token) return;
    const controller = new AbortController();
    createApi(token)
      .me(controller.signal)
      .then((me) => setState({ status: 'signed-in', token, me, api: createApi(token) }))
      .catch((err: unknown) => {
        if (controller.signal.aborted) return;
        if (isApiError(err) && err.kind === 'unauthenticated') {
          writeToken(null);
          setState({ status: 'signed-out', reason: 'expired' });
        } else {
          setState({
            status: 'signed-out',
            error: isApiError(err) ? err : new ApiError(0, 'network', String(err)),
          });
        }
      });
    return () => controller.abort();
  }, [attempt]);

  const signOut = useCallback(() => {
    writeToken(null);
    setState({ status: 'signed-out', reason: 'signed-out' });
  }, []);

  const expire = useCallback(() => {
    writeToken(null);
    setState({ status: 'signed-out', reason: 'expired' });
  }, []);

  const recheck = useCallback(() => {
    if (readToken()) {
      setState({ status: 'checking' });
      setAttempt((n) => n + 1);
    } else {
      setState({ status: 'signed-out' });
    }
  }, []);

  const value = useMemo(
    () => ({ state, signIn, signOut, expire, recheck }),
    [state, signIn, signOut, expire, recheck],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSessionControl(): SessionControl {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSessionControl must be used inside <SessionProvider>');
  return value;
}

/** The signed-in session. Pages render only when signed in, so they may rely on it. */
export function useSession(): Extract<SessionState, { status: 'signed-in' }> & {
  signOut: () => void;
  expire: () => void;
} {
  const { state, signOut, expire } = useSessionControl();
  if (state.status !== 'signed-in') throw new Error('useSession is only for pages shown when signed in');
  return { ...state, signOut, expire };
}

/** Whether the signed-in role has a permission (e.g. 'report:write'), to show or hide a page. */
export function useCan(permission: string): boolean {
  const { state } = useSessionControl();
  return state.status === 'signed-in' && state.me.permissions.includes(permission);
}
