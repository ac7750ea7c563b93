import type { ReactNode } from 'react';
import { useI18n, type MessageKey } from '../i18n.js';
import { SkeletonRows } from './states.js';

/**
 * A column of a table's head: its message key, or that with `num` (a right-aligned figure), a `title`
 * that explains it, or `hidden` (a label for screen readers only, as over a column of buttons).
 */
export type Column = MessageKey | { label: MessageKey; num?: boolean; title?: MessageKey; hidden?: boolean };

/**
 * A dashboard table: scrolls sideways on a narrow screen, a head of `columns` (an optional column is
 * `false` where it is left out) and `rows`; grey skeleton rows while the rows are on their way, and
 * the old rows faded while new ones load (`loading`).
 */
export function DataTable({
  columns,
  rows,
  loading,
  skeletonRows = 5,
  className,
  caption,
  testId,
  foot,
}: {
  columns: readonly (Column | false)[];
  /** Undefined while the first answer is on its way. */
  rows: ReactNode | undefined;
  loading?: boolean;
  skeletonRows?: number;
  /** Classes besides `data-table`. */
  className?: string;
  /** Read out by screen readers only. */
  caption?: string;
  testId?: string;
  /** A `<tfoot>` under the rows. */
  foot?: ReactNode;
}) {
  const { t } = useI18n();
  const shown = columns.flatMap((c) => (c === false ? [] : [typeof c === 'string' ? { label: c } : c]));
  return (
    <div className="table-scroll">
      <table
        className={className ? `data-table ${className}` : 'data-table'}
        aria-busy={loading}
        data-testid={testId}
      >
        {caption !== undefined && <caption className="visually-hidden">{caption}</caption>}
        <thead>
          <tr>
            {shown.map(({ label, num, title, hidden }) => (
              <th key={label} scope="col" className={num ? 'num' : undefined} title={title && t(title)}>
                {hidden ? <span className="visually-hidden">{t(label)}</span> : t(label)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className={loading && rows !== undefined ? 'is-stale' : undefined}>
          {rows ?? <SkeletonRows rows={skeletonRows} columns={shown.length} />}
        </tbody>
        {foot}
      </table>
    </div>
  );
}

/** A numeric column of a table's head. */
export const num = (label: MessageKey, title?: MessageKey): Column => ({ label, num: true, title });
