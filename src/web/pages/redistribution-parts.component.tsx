import type { BadgeTone } from '../components/badge.js';
import { useI18n, type MessageKey } from '../i18n.js';
import type { RedistributionPlan } from '../redistribution-api.js';

/* What the redistribution plan page and the instructions page share: status badges, number formats and a decision's conditions. */

export type Status = RedistributionPlan['status'];
export const STATUS_TONE: Readonly<Record<Status, BadgeTone>> = {
  draft: 'info',
  decided: 'success',
  withdrawn: 'neutral',
};
export const STATUS_KEY: Readonly<Record<Status, MessageKey>> = {
  draft: 'redist.status.draft',
  decided: 'redist.status.decided',
  withdrawn: 'redist.status.withdrawn',
};

/** Days with one decimal, quantities and kronor whole, in the language's format. */
export function useFormat() {
  const { formatNumber } = useI18n();
  return {
    days: (n: number | null | undefined) =>
      n === null || n === undefined ? '–' : formatNumber(n, { maximumFractionDigits: 1 }),
    qty: (n: number) => formatNumber(n, { maximumFractionDigits: 0 }),
    kr: (n: number) => formatNumber(n, { maximumFractionDigits: 0 }),
  };
}

/** A decision's conditions as sentences, for the plan page and every organisation's instructions (item 5). */
export function ConditionList({ conditions, testId }: { conditions: Conditions; testId?: string }) {
  const { t, formatNumber } = useI18n();
  const items = [
    ...(conditions.capPerDispensing !== undefined
      ? [t('redist.cond.cap', { n: formatNumber(conditions.capPerDispensing) })]
      : []),
    ...(conditions.minRemainingShelfLifeDays !== undefined
      ? [t('redist.cond.shelf', { n: formatNumber(conditions.minRemainingShelfLifeDays) })]
      : []),
    ...(conditions.note ? [t('redist.cond.note', { note: conditions.note })] : []),
  ];
  if (items.length === 0) return <p className="muted">{t('redist.cond.none')}</p>;
  return (
    <ul className="redist-conditions" data-testid={testId}>
      {items.map((x) => (
        <li key={x}>{x}</li>
      ))}
    </ul>
  );
}

export type Conditions = NonNullable<RedistributionPlan['decision']>['conditions'];
