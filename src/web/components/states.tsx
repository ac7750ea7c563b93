import type { ReactNode } from 'react';
import type { ApiError } from '../api-client.js';
import { useI18n, type MessageKey } from '../i18n.js';

/** A spinner with a text for screen readers (and, when `label` is shown, for everyone). */
export function Spinner({ label, showLabel = false }: { label?: string; showLabel?: boolean }) {
  const { t } = useI18n();
  const text = label ?? t('state.loading');
  return (
    <span className="spinner-wrap" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      <span className={showLabel ? 'spinner-label' : 'visually-hidden'}>{text}</span>
    </span>
  );
}

/** Grey bars in the shape of the table that is on its way. */
export function SkeletonRows({ rows, columns }: { rows: number; columns: number }) {
  return (
    <>
      {Array.from({ length: rows }, (_, r) => (
        <tr key={r} className="skeleton-row" aria-hidden="true">
          {Array.from({ length: columns }, (_, c) => (
            <td key={c}>
              <span className="skeleton" style={{ width: `${45 + ((r * 7 + c * 13) % 45)}%` }} />
            </td>
          ))}
        </tr>
      ))}
    </>
  );
}

/** A card-shaped placeholder for content that is loading (headings, key figures). */
export function SkeletonBlock({ lines = 3 }: { lines?: number }) {
  const { t } = useI18n();
  return (
    <div className="skeleton-block" role="status" aria-label={t('state.loading')}>
      {Array.from({ length: lines }, (_, i) => (
        <span key={i} className="skeleton" style={{ width: `${90 - i * 18}%` }} />
      ))}
    </div>
  );
}

const KIND_MESSAGE: Partial<Record<ApiError['kind'], MessageKey>> = {
  network: 'state.network',
  forbidden: 'state.forbidden',
  not_found: 'state.notFound',
  invalid: 'state.invalid',
  internal: 'state.internal',
  unavailable: 'state.network',
};

/** What went wrong, in the user's language, the server's own words, a reference for support, and a retry. */
export function ErrorState({
  error,
  onRetry,
  title,
}: {
  error: ApiError;
  onRetry?: () => void;
  title?: string;
}) {
  const { t } = useI18n();
  const explanation = KIND_MESSAGE[error.kind];
  return (
    <div className="notice notice-error" role="alert">
      <div className="notice-icon" aria-hidden="true">
        !
      </div>
      <div className="notice-body">
        <h2 className="notice-title">{title ?? t('state.errorTitle')}</h2>
        {explanation && <p>{t(explanation)}</p>}
        {error.kind !== 'network' && error.kind !== 'internal' && (
          <p className="notice-detail">{error.message}</p>
        )}
        {error.correlationId && (
          <p className="notice-meta">{t('state.correlation', { id: error.correlationId })}</p>
        )}
        {onRetry && (
          <button type="button" className="button button-secondary" onClick={onRetry}>
            {t('state.retry')}
          </button>
        )}
      </div>
    </div>
  );
}

/** Nothing to show: says why, and what to do about it. */
export function EmptyState({
  title,
  children,
  action,
}: {
  title: string;
  children?: ReactNode;
  action?: ReactNode;
}) {
  return (
    <div className="empty-state">
      <svg className="empty-icon" viewBox="0 0 48 48" aria-hidden="true">
        <circle cx="21" cy="21" r="13" fill="none" stroke="currentColor" strokeWidth="3" />
        <path d="M31 31l10 10" stroke="currentColor" strokeWidth="3" strokeLinecap="round" />
      </svg>
      <h2 className="empty-title">{title}</h2>
      {children && <p className="empty-body">{children}</p>}
      {action}
    </div>
  );
}
