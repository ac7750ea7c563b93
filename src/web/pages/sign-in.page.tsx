import { useEffect, useId, useRef, useState, type FormEvent } from 'react';
import { ApiError, isApiError } from '../api-client.js';
import { BrandMark } from '../components/app-shell.js';
import { LanguageSwitch } from '../components/language-switch.js';
import { Spinner } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { useSessionControl } from '../session.js';

/** Sign-in with a bearer token. Shown for every address while signed out; after sign-in that address opens. */
export function SignInPage() {
  const { t, rich } = useI18n();
  const { state, signIn } = useSessionControl();
  const [token, setToken] = useState('');
  const [visible, setVisible] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<{ message: string; detail?: string } | null>(null);
  const input = useRef<HTMLInputElement>(null);
  const ids = { token: useId(), hint: useId(), error: useId() };

  const reason = state.status === 'signed-out' ? state.reason : undefined;
  const startupError = state.status === 'signed-out' ? state.error : undefined;

  useEffect(() => {
    document.title = `${t('signIn.title')} – ${t('app.name')}`;
  }, [t]);

  useEffect(() => {
    input.current?.focus();
  }, []);

  const describe = (err: ApiError) =>
    err.kind === 'unauthenticated'
      ? { message: t('signIn.rejected') }
      : {
          message: t(err.kind === 'network' ? 'state.network' : 'state.internal'),
          detail: err.kind === 'network' ? undefined : err.message,
        };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const value = token.trim();
    if (!value) {
      setError({ message: t('signIn.required') });
      input.current?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await signIn(value);
    } catch (err) {
      setBusy(false);
      setError(describe(isApiError(err) ? err : new ApiError(0, 'network', String(err))));
      input.current?.select();
    }
  };

  const shown = error ?? (startupError ? describe(startupError) : null);

  return (
    <div className="app signin-page">
      <header className="topbar">
        <div className="container topbar-inner">
          <span className="brand">
            <BrandMark />
            <span className="brand-text">
              <span className="brand-name">{t('app.name')}</span>
              <span className="brand-tagline">{t('app.tagline')}</span>
            </span>
          </span>
          <div className="topbar-tools">
            <LanguageSwitch />
          </div>
        </div>
      </header>
      <main id="main" className="signin-main">
        <div className="signin-card card">
          <h1>{t('signIn.title')}</h1>
          <p className="page-lead">{t('signIn.lead')}</p>
          {reason === 'expired' && !error && (
            <div className="notice notice-info" role="status">
              <div className="notice-body">
                <p>{t('signIn.expired')}</p>
              </div>
            </div>
          )}
          <form onSubmit={(event) => void submit(event)} noValidate>
            <div className="field">
              <label htmlFor={ids.token}>{t('signIn.tokenLabel')}</label>
              <div className="input-with-button">
                <input
                  ref={input}
                  id={ids.token}
                  name="token"
                  type={visible ? 'text' : 'password'}
                  className="mono-input"
                  autoComplete="off"
                  spellCheck={false}
                  value={token}
                  aria-invalid={shown ? true : undefined}
                  aria-describedby={`${ids.hint}${shown ? ` ${ids.error}` : ''}`}
                  onChange={(event) => setToken(event.target.value)}
                />
                <button
                  type="button"
                  className="button button-secondary"
                  aria-pressed={visible}
                  onClick={() => setVisible((v) => !v)}
                >
                  {visible ? t('signIn.hide') : t('signIn.show')}
                </button>
              </div>
              <span id={ids.hint} className="field-hint">
                {t('signIn.tokenHint')}
              </span>
              {shown && (
                <div id={ids.error} className="field-error" role="alert">
                  {shown.message}
                  {shown.detail && <span className="field-error-detail">{shown.detail}</span>}
                </div>
              )}
            </div>
            <button type="submit" className="button button-primary button-block" disabled={busy}>
              {busy ? <Spinner label={t('signIn.submitting')} showLabel /> : t('signIn.submit')}
            </button>
          </form>
          <aside className="signin-demo">
            <h2>{t('signIn.demoTitle')}</h2>
            <p>
              {rich('signIn.demoText', { command: <code>npm run demo</code>, example: <code>demo-lv</code> })}
            </p>
          </aside>
        </div>
        <p className="signin-about">{t('signIn.about')}</p>
      </main>
    </div>
  );
}
