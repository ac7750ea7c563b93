import { useI18n } from '../i18n.js';
import { useQueryState } from '../router.js';

/** "Showing 51–100 of 1 234" with previous/next. Hidden when everything fits on one page. */
export function Pager({
  total,
  limit,
  offset,
  onChange,
}: {
  total: number;
  limit: number;
  offset: number;
  onChange: (offset: number) => void;
}) {
  const { t, formatNumber } = useI18n();
  if (total <= limit && offset === 0) return null;
  const page = Math.floor(offset / limit) + 1;
  const pages = Math.max(1, Math.ceil(total / limit));
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <nav className="pager" aria-label={t('pager.label')}>
      <span className="pager-status">
        {t('catalogue.showing', {
          from: formatNumber(from),
          to: formatNumber(to),
          total: formatNumber(total),
        })}
      </span>
      <span className="pager-buttons">
        <button
          type="button"
          className="button button-secondary"
          disabled={offset === 0}
          onClick={() => onChange(Math.max(0, offset - limit))}
        >
          <span aria-hidden="true">‹ </span>
          {t('pager.previous')}
        </button>
        <span className="pager-page">
          {t('pager.page', { page: formatNumber(page), pages: formatNumber(pages) })}
        </span>
        <button
          type="button"
          className="button button-secondary"
          disabled={offset + limit >= total}
          onClick={() => onChange(offset + limit)}
        >
          {t('pager.next')}
          <span aria-hidden="true"> ›</span>
        </button>
      </span>
    </nav>
  );
}

/**
 * The pager at the foot of a table card, shown when the rows fill more than one page. It moves the
 * address's `param` (`offset` unless told), or calls `onChange`.
 */
export function CardPager({
  page,
  param = 'offset',
  onChange,
}: {
  page: { total: number; limit: number; offset: number } | undefined;
  param?: string;
  onChange?: (offset: number) => void;
}) {
  const { set } = useQueryState();
  if (!page || (page.total <= page.limit && page.offset === 0)) return null;
  return (
    <div className="card-footer">
      <Pager
        total={page.total}
        limit={page.limit}
        offset={page.offset}
        onChange={onChange ?? ((next) => set({ [param]: next ? String(next) : undefined }))}
      />
    </div>
  );
}
