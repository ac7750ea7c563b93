import type { StockStatus } from '../../domain/stock-status.js';

export { wholeStock } from '../../domain/stock-status.js';
import { useI18n } from '../i18n.js';
import { Badge } from './badge.js';

/**
 * When an item runs out: "Slut i lager" when nothing usable is held (it has run out, it does not "run
 * out today"), otherwise the date, or a dash when it does not run out (no demand, or beyond).
 */
export function RunsOut({ on, status }: { on: string | null; status: StockStatus }) {
  const { t, formatDate } = useI18n();
  if (status === 'out_of_stock') {
    return (
      <span data-testid="out-of-stock">
        <Badge tone="danger">{t('stock.outOfStock')}</Badge>
      </span>
    );
  }
  return <>{on ? formatDate(on) : '–'}</>;
}

/** The same as text (tooltips, labels). */
export function useRunsOutText(): (on: string | null, status: StockStatus) => string {
  const { t, formatDate } = useI18n();
  return (on, status) => (status === 'out_of_stock' ? t('stock.outOfStock') : on ? formatDate(on) : '–');
}
