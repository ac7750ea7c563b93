import type { ReactNode } from 'react';
import { useI18n } from '../i18n.js';
import { Link, useRouter } from '../router.js';
import { useSession } from '../session.js';
import { LanguageSwitch } from './language-switch.js';

export interface NavItem {
  to: string;
  label: string;
  active: boolean;
}

/** The mark beside the product name: a cross in a shield, drawn inline so it needs no request. */
export function BrandMark() {
  return (
    <svg className="brand-mark" viewBox="0 0 32 32" aria-hidden="true">
      <path
        d="M16 2l11 4v9c0 7.2-4.7 12.6-11 15-6.3-2.4-11-7.8-11-15V6z"
        fill="#ffffff"
        fillOpacity="0.12"
        stroke="#ffffff"
        strokeWidth="1.6"
      />
      <path d="M13.5 9.5h5v4.5H23v5h-4.5v4.5h-5V19H9v-5h4.5z" fill="#f2c94c" />
    </svg>
  );
}

/** Top bar (product, account, language, sign-out), main navigation, the page, and a footer. */
export function AppShell({ nav, children }: { nav: NavItem[]; children: ReactNode }) {
  const { t, roleLabel } = useI18n();
  const { me, signOut } = useSession();
  const { navigate } = useRouter();
  // Signing out returns to the start, so that whoever signs in next lands where they work.
  const signOutToStart = () => {
    navigate('/', { replace: true });
    signOut();
  };
  return (
    <div className="app">
      <a className="skip-link" href="#main">
        {t('app.skipToContent')}
      </a>
      <header className="topbar">
        <div className="container topbar-inner">
          <Link to="/" className="brand" aria-label={`${t('app.name')} – ${t('app.tagline')}`}>
            <BrandMark />
            <span className="brand-text">
              <span className="brand-name">{t('app.name')}</span>
              <span className="brand-tagline">{t('app.tagline')}</span>
            </span>
          </Link>
          <div className="topbar-tools">
            <div className="account" data-testid="account">
              <span className="account-org">{me.organisation.name}</span>
              <span className="account-detail">
                <span className="account-role">{roleLabel(me.role)}</span>
                <span aria-hidden="true"> · </span>
                <span className="account-user">{me.user.name}</span>
              </span>
            </div>
            <LanguageSwitch />
            <button type="button" className="button button-on-dark" onClick={signOutToStart}>
              {t('session.signOut')}
            </button>
          </div>
        </div>
        <nav className="mainnav" aria-label={t('nav.label')}>
          <div className="container">
            <ul>
              {nav.map((item) => (
                <li key={item.to}>
                  <Link to={item.to} aria-current={item.active ? 'page' : undefined}>
                    {item.label}
                  </Link>
                </li>
              ))}
            </ul>
          </div>
        </nav>
      </header>
      <main id="main" className="container main" tabIndex={-1}>
        {children}
      </main>
      <footer className="footer">
        <div className="container footer-inner">
          <span>{t('app.footer')}</span>
          <a href="/api/docs">{t('app.apiDocs')}</a>
        </div>
      </footer>
    </div>
  );
}
