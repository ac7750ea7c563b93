import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * The signature of an alert's webhook (docs/alerts.md, "Verifying a webhook"), as GitHub and Stripe
 * sign theirs: HMAC-SHA256 with the subscription's secret, over the timestamp and the raw body.
 */

/** The header carrying the webhook's signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const WEBHOOK_SIGNATURE_HEADER = 'x-beredskap-signature';

/** A receiver rejects signatures older (or newer) than this, against replay (ours, as Stripe's default). */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

/**
 * The signature of a webhook body: HMAC-SHA256 with the subscription's secret over
 * `<timestamp>.<raw body>` (the timestamp in unix seconds, the body's exact bytes as sent), hex.
 */
export function webhookSignature(secret: string, timestamp: number, rawBody: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${rawBody}`, 'utf8').digest('hex');
}

/** The signature header's value for a body sent at `timestamp`. */
export function signatureHeader(secret: string, timestamp: number, rawBody: string): string {
  return `t=${timestamp},v1=${webhookSignature(secret, timestamp, rawBody)}`;
}

/**
 * What a receiver does: true when `header` signs `rawBody` with `secret` and its timestamp is within
 * the tolerance of `nowSeconds`. Compares in constant time.
 */
export function verifyWebhookSignature(
  secret: string,
  header: string,
  rawBody: string,
  nowSeconds: number,
  toleranceSeconds = WEBHOOK_TOLERANCE_SECONDS,
): boolean {
  const parts = new Map(
    header.split(',').map((p) => {
      const i = p.indexOf('=');
      return [p.slice(0, i).trim(), p.slice(i + 1).trim()] as const;
    }),
  );
  const t = Number(parts.get('t'));
  const v1 = parts.get('v1') ?? '';
  if (!Number.isInteger(t) || Math.abs(nowSeconds - t) > toleranceSeconds) return false;
  const expected = Buffer.from(webhookSignature(secret, t, rawBody), 'hex');
  const given = Buffer.from(v1, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
