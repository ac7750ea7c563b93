/**
 * Subscriptions and alerts (issue 10 item 5, "Tell me when it changes"; docs/alerts.md). Pure: the
 * words of each alert and the retry schedule (the webhook's signature: webhook-signature.ts). Which events there are, and
 * who may see them, the store decides (src/store/alert.repository.ts).
 */

/** What a subscription watches. */
export type SubscriptionKind = 'critical' | 'notice' | 'overdue';
export const SUBSCRIPTION_KINDS: readonly SubscriptionKind[] = ['critical', 'notice', 'overdue'];

/**
 * Where: `national` or `region` (the caller's own region) for critical items, `product` (a package
 * the user follows) for notices, `organisation` (the user's own) for overdue reports.
 */
export type SubscriptionScope = 'national' | 'region' | 'product' | 'organisation';
export const SUBSCRIPTION_SCOPES: readonly SubscriptionScope[] = [
  'national',
  'region',
  'product',
  'organisation',
];

/** How the alert reaches the user. */
export type AlertChannel = 'email' | 'webhook' | 'atom';
export const ALERT_CHANNELS: readonly AlertChannel[] = ['email', 'webhook', 'atom'];

/** The scopes each kind takes. */
export const SCOPES_OF_KIND: Readonly<Record<SubscriptionKind, readonly SubscriptionScope[]>> = {
  critical: ['region', 'national'],
  notice: ['product'],
  overdue: ['organisation'],
};

/** An alert's words: a title (the e-mail's subject), why (with the figures), and the page to open. */
export interface AlertText {
  title: string;
  reason: string;
  link: string;
}

/** Days of coverage as a reader counts them: whole days, never rounded up into safety. */
export function wholeDays(coverageDays: number): number {
  return Math.floor(coverageDays + 1e-9);
}

const daysWord = (n: number) => (n === 1 ? 'dag' : 'dagar');

/** "i Region Skåne" or "i hela landet". */
export function inArea(areaName: string | null): string {
  return areaName === null ? 'i hela landet' : `i ${areaName}`;
}

/**
 * A prioritised package became critical in an area: e.g. "Morfin Två 10 mg/ml, 10 ampuller är nu
 * möjlig kritisk brist i Region Skåne: täcker 5 dagar". `possibleCriticalShortage` is
 * the R4 signal (no interchangeable alternative covers); without it the words are "kritisk".
 */
export function criticalAlertText(item: {
  packageId: number;
  product: string;
  areaName: string | null;
  coverageDays: number | null;
  criticalBelowDays: number;
  possibleCriticalShortage: boolean;
}): AlertText {
  const what = item.possibleCriticalShortage ? 'möjlig kritisk brist' : 'kritisk';
  const covers =
    item.coverageDays === null
      ? 'lagret räcker inte'
      : `täcker ${wholeDays(item.coverageDays)} ${daysWord(wholeDays(item.coverageDays))}`;
  const why = item.possibleCriticalShortage
    ? `, under ${item.criticalBelowDays} dagar, och inget utbytbart alternativ täcker (R4)`
    : `, under ${item.criticalBelowDays} dagar`;
  return {
    title: `${item.product}: ${what} ${inArea(item.areaName)}`,
    reason: `${item.product} är nu ${what} ${inArea(item.areaName)}: ${covers}${why}.`,
    link: `/products/${item.packageId}`,
  };
}

const NOTICE_WORDS = { shortage: 'restanmälan', sales_stop: 'försäljningsuppehåll' } as const;

/** A notice about a followed product arrived, or a correction of one did. */
export function noticeAlertText(n: {
  packageId: number;
  product: string;
  company: string;
  kind: keyof typeof NOTICE_WORDS;
  correction: boolean;
  expectedStart: string;
  expectedEnd: string | null;
  reason: string | null;
}): AlertText {
  const word = NOTICE_WORDS[n.kind];
  const period =
    n.expectedEnd === null
      ? `från ${n.expectedStart}, tills vidare`
      : `${n.expectedStart} – ${n.expectedEnd}`;
  const head = n.correction
    ? `Rättad ${word} för ${n.product} (${n.company})`
    : `Ny ${word} för ${n.product} (${n.company})`;
  return {
    title: head,
    reason: `${head}: ${period}.${n.reason === null ? '' : ` Orsak: ${n.reason}.`}`,
    link: `/products/${n.packageId}`,
  };
}

/** A location of the user's organisation has not reported stock within the threshold. */
export function overdueAlertText(l: {
  locationName: string;
  locationCode: string;
  countedOn: string;
  ageDays: number;
  staleStockAfterDays: number;
}): AlertText {
  return {
    title: `${l.locationName} (${l.locationCode}) har inte rapporterat lager`,
    reason:
      `${l.locationName} (${l.locationCode}) har inte rapporterat lager sedan ${l.countedOn}: ` +
      `${l.ageDays} ${daysWord(l.ageDays)}, gränsen är ${l.staleStockAfterDays} ${daysWord(l.staleStockAfterDays)}.`,
    link: '/reporting',
  };
}

// Delivery ----------------------------------------------------------------------------------------

/**
 * Retries of a failed delivery (ours): the first after `firstRetryMs`, then twice as long after each
 * further failure, at most `maxRetryMs`; after `maxAttempts` attempts in all the alert is given up
 * (recorded as failed, with its last error; it stays on the user's list and feed).
 */
export interface RetryPolicy {
  firstRetryMs: number;
  maxRetryMs: number;
  maxAttempts: number;
}

/** Ours: 30 s, 1 min, 2 min … up to an hour between tries; 10 tries span about 3 hours. */
export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = {
  firstRetryMs: 30_000,
  maxRetryMs: 3_600_000,
  maxAttempts: 10,
};

/** The wait after the `attempts`-th failed attempt; null when it was the last one allowed. */
export function retryDelayMs(attempts: number, policy: RetryPolicy = DEFAULT_RETRY_POLICY): number | null {
  if (attempts >= policy.maxAttempts) return null;
  return Math.min(policy.maxRetryMs, policy.firstRetryMs * 2 ** Math.max(0, attempts - 1));
}
