import type { ReactNode } from 'react';
import { useI18n } from '../i18n.js';
import { Spinner } from './states.js';

/**
 * A card holding a table: a header with the section's title (and `count`, its number of rows, after
 * it), a spinner while new rows load (`updating`), `actions` at the header's end, then the table.
 */
export function TableCard({
  id,
  title,
  count,
  updating = false,
  actions,
  testId,
  anchor,
  children,
}: {
  /** The title's id, which labels the section. */
  id: string;
  title: ReactNode;
  count?: number;
  updating?: boolean;
  actions?: ReactNode;
  testId?: string;
  /** The section's own id, for a link to it. */
  anchor?: string;
  children: ReactNode;
}) {
  const { t, formatNumber } = useI18n();
  return (
    <section className="card table-card" aria-labelledby={id} data-testid={testId} id={anchor}>
      <div className="card-header">
        <h2 id={id} className="section-title">
          {title}
          {count !== undefined && <span className="muted"> ({formatNumber(count)})</span>}
        </h2>
        {updating && <Spinner label={t('catalogue.updating')} showLabel />}
        {actions}
      </div>
      {children}
    </section>
  );
}

/**
 * A card of search results: a header that says how many there are (`count`, announced as it changes;
 * "loading" before the first answer) with `detail` beside it, a spinner while a new page loads
 * (`updating`), `actions` at the header's end, then the table.
 */
export function ResultCard({
  id,
  count,
  detail,
  updating,
  actions,
  children,
}: {
  id: string;
  count: string | undefined;
  detail?: ReactNode;
  updating: boolean;
  actions?: ReactNode;
  children: ReactNode;
}) {
  const { t } = useI18n();
  return (
    <section className="card table-card" aria-labelledby={id}>
      <div className="card-header">
        <h2 id={id} className="result-count" aria-live="polite" data-testid="result-count">
          {count ?? t('state.loading')}
        </h2>
        {detail}
        {updating && <Spinner label={t('catalogue.updating')} showLabel />}
        {actions}
      </div>
      {children}
    </section>
  );
}
