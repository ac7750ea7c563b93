import { stockFigure, stockNumberFormat, type StockStatus } from '../../domain/stock-status.js';

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

/**
 * Stock as shown (stockFigure): whole packages, and below one package its fraction (a region's share
 * of a warehouse, "0,48"), so that stock which covers days never reads as 0.
 */
export function formatStock(
  formatNumber: (n: number, options?: Intl.NumberFormatOptions) => string,
  quantity: number,
): string {
  const shown = stockFigure(quantity);
  return formatNumber(shown, stockNumberFormat(shown));
}
