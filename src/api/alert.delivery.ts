import nodemailer, { type Transporter } from 'nodemailer';
import { DEFAULT_RETRY_POLICY, retryDelayMs, type RetryPolicy } from '../domain/alert.js';
import { signatureHeader, WEBHOOK_SIGNATURE_HEADER } from '../domain/webhook-signature.js';
import { claimDueAlerts, markDelivered, markFailed, type DueAlert } from '../store/alert.repository.js';
import { evaluateAlerts, type EvaluationResult } from '../store/alert.evaluator.js';
import type { Store } from '../store/database.js';

/** The SMTP server alerts are sent through (docs/alerts.md, "Configuration"). */
export interface MailConfig {
  host: string;
  port: number;
  /** TLS from the start (port 465); otherwise STARTTLS when the server offers it. */
  secure: boolean;
  user?: string | undefined;
  password?: string | undefined;
  /** The From: address, e.g. `beredskap <larm@lakemedelsverket.se>`. */
  from: string;
}

/**
 * The mail settings from SMTP_HOST, SMTP_PORT (default 587), SMTP_SECURE (`true`: TLS from the start),
 * SMTP_USER, SMTP_PASSWORD and SMTP_FROM; undefined when SMTP_HOST is not set (then no e-mail
 * subscription can be made). Throws with the variable's name when one is malformed.
 */
export function mailConfigFromEnv(env: NodeJS.ProcessEnv = process.env): MailConfig | undefined {
  const host = env.SMTP_HOST;
  if (host === undefined || host === '') return undefined;
  const port = Number(env.SMTP_PORT ?? '587');
  if (!Number.isInteger(port) || port < 1 || port > 65535)
    throw new Error(`SMTP_PORT must be a whole number from 1 to 65535, got '${env.SMTP_PORT}'`);
  const from = env.SMTP_FROM;
  if (from === undefined || from === '')
    throw new Error('SMTP_FROM must be set when SMTP_HOST is (the From: address)');
  return {
    host,
    port,
    secure: env.SMTP_SECURE === 'true',
    user: env.SMTP_USER,
    password: env.SMTP_PASSWORD,
    from,
  };
}

/** How long one webhook call may take before it counts as failed (ours). */
export const WEBHOOK_TIMEOUT_MS = 10_000;

/** How long a claimed alert is held before another pass may try it (longer than a send may take). */
const LEASE_MS = 60_000;

export interface AlertsOptions {
  /** Absent: no e-mail (e-mail subscriptions are refused). */
  mail?: MailConfig | undefined;
  /** The dashboard's address, for the links in e-mails, webhooks and feeds (BEREDSKAP_PUBLIC_URL). */
  baseUrl: string;
  retry?: RetryPolicy;
  /** How often due deliveries are looked for (ours: 5 s). */
  pollMs?: number;
  /** How often alerts are evaluated without a refresh to prompt it, for overdue reports (ours: 5 min). */
  checkMs?: number;
  log?: (message: string) => void;
}

/**
 * Evaluates subscriptions and delivers their alerts while the server runs (docs/alerts.md). Nothing
 * here holds up a reporter or the picture: `evaluateSoon()` (called after each refresh) only queues
 * a run; evaluation and delivery run one at a time on timers of their own. A failed delivery is
 * recorded on its alert (attempts, last error) and tried again with back-off (`RetryPolicy`).
 */
export class Alerts {
  /** Where the dashboard is reached (set again once the server listens, when it was not configured). */
  baseUrl: string;
  private readonly transport: Transporter | undefined;
  private readonly from: string | undefined;
  private readonly retry: RetryPolicy;
  private readonly pollMs: number;
  private readonly checkMs: number;
  private readonly log: (message: string) => void;
  private pollTimer: NodeJS.Timeout | null = null;
  private checkTimer: NodeJS.Timeout | null = null;
  private evaluating: Promise<EvaluationResult | undefined> | null = null;
  private evaluateAgain = false;
  private delivering: Promise<number> | null = null;
  private stopped = false;

  constructor(
    private readonly store: Store,
    options: AlertsOptions,
  ) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.pollMs = options.pollMs ?? 5_000;
    this.checkMs = options.checkMs ?? 300_000;
    this.log = options.log ?? (() => undefined);
    if (options.mail) {
      const m = options.mail;
      this.from = m.from;
      this.transport = nodemailer.createTransport({
        host: m.host,
        port: m.port,
        secure: m.secure,
        ...(m.user ? { auth: { user: m.user, pass: m.password ?? '' } } : {}),
      });
    }
  }

  get emailEnabled(): boolean {
    return this.transport !== undefined;
  }

  start(): void {
    if (this.stopped || this.pollTimer !== null) return;
    this.pollTimer = setInterval(() => void this.deliverDue(), this.pollMs);
    this.pollTimer.unref();
    this.checkTimer = setInterval(() => this.evaluateSoon(), this.checkMs);
    this.checkTimer.unref();
    this.evaluateSoon();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.pollTimer !== null) clearInterval(this.pollTimer);
    if (this.checkTimer !== null) clearInterval(this.checkTimer);
    this.pollTimer = this.checkTimer = null;
    await Promise.allSettled([this.evaluating, this.delivering]);
    this.transport?.close();
  }

  /** Queues an evaluation (after a refresh of the picture, a new notice …); returns at once. */
  evaluateSoon(): void {
    void this.evaluate();
  }

  /**
   * Evaluates now (or, while one runs, once more after it), then delivers what is due. Resolves with
   * what the evaluation recorded; undefined when it failed (logged; the next one catches up).
   */
  async evaluate(): Promise<EvaluationResult | undefined> {
    if (this.stopped) return undefined;
    if (this.evaluating !== null) {
      this.evaluateAgain = true;
      return this.evaluating;
    }
    this.evaluating = (async () => {
      try {
        const result = await evaluateAlerts(this.store.db);
        if (result.critical + result.notice + result.overdue > 0)
          this.log(
            `bevakningar: ${result.critical} critical, ${result.notice} notice, ${result.overdue} overdue alerts`,
          );
        return result;
      } catch (err) {
        this.log(`bevakningar: evaluation failed: ${err instanceof Error ? err.message : String(err)}`);
        return undefined;
      }
    })();
    try {
      return await this.evaluating;
    } finally {
      this.evaluating = null;
      if (this.evaluateAgain) {
        this.evaluateAgain = false;
        this.evaluateSoon();
      }
      void this.deliverDue();
    }
  }

  /** Sends the alerts that are due; resolves with how many were delivered in this pass. */
  deliverDue(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.delivering !== null) return this.delivering;
    this.delivering = this.deliverPass().finally(() => {
      this.delivering = null;
    });
    return this.delivering;
  }

  private async deliverPass(): Promise<number> {
    let delivered = 0;
    try {
      for (;;) {
        const due = await claimDueAlerts(this.store.db, 20, LEASE_MS);
        if (due.length === 0) break;
        for (const alert of due) {
          try {
            await this.send(alert);
            await markDelivered(this.store.db, alert.id);
            delivered += 1;
          } catch (err) {
            const message = describeError(err);
            const retry = retryDelayMs(alert.attempts, this.retry);
            await markFailed(this.store.db, alert.id, message, retry);
            this.log(
              `bevakningar: alert ${alert.id} (${alert.channel}) attempt ${alert.attempts} failed: ${message}` +
                (retry === null ? ', given up' : `, next try in ${retry / 1000} s`),
            );
          }
        }
        if (this.stopped) break;
      }
    } catch (err) {
      this.log(`bevakningar: delivery pass failed: ${err instanceof Error ? err.message : String(err)}`);
    }
    return delivered;
  }

  private async send(alert: DueAlert): Promise<void> {
    const url = `${this.baseUrl}${alert.link}`;
    switch (alert.channel) {
      case 'email': {
        if (!this.transport || !this.from || !alert.email)
          throw new Error('e-mail is not configured on this server (SMTP_HOST, SMTP_FROM)');
        await this.transport.sendMail({
          from: this.from,
          to: alert.email,
          subject: alert.title,
          messageId: `<alert-${alert.id}@beredskap>`,
          text:
            `${alert.reason}\n\nÖppna sidan: ${url}\n\n` +
            `Du får det här meddelandet eftersom du bevakar det i beredskap. ` +
            `Dina bevakningar: ${this.baseUrl}/subscriptions\n`,
        });
        return;
      }
      case 'webhook': {
        if (!alert.webhook_url || !alert.webhook_secret)
          throw new Error('the webhook has no address or secret');
        const body = JSON.stringify(webhookPayload(alert, url));
        const timestamp = Math.floor(Date.now() / 1000);
        const response = await fetch(alert.webhook_url, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            'user-agent': 'beredskap-webhook/1',
            'x-beredskap-delivery': String(alert.id),
            [WEBHOOK_SIGNATURE_HEADER]: signatureHeader(alert.webhook_secret, timestamp, body),
          },
          body,
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
          redirect: 'manual',
        });
        await response.body?.cancel();
        if (response.status < 200 || response.status > 299)
          throw new Error(`the receiver answered HTTP ${response.status}`);
        return;
      }
      case 'atom':
        return; // served by the feed
    }
  }
}

/** The JSON a webhook receives (docs/alerts.md, "Webhooks"). */
export function webhookPayload(
  alert: Pick<DueAlert, 'id' | 'subscription_id' | 'kind' | 'title' | 'reason' | 'created_at'>,
  url: string,
) {
  return {
    id: alert.id,
    subscriptionId: alert.subscription_id,
    kind: alert.kind,
    title: alert.title,
    reason: alert.reason,
    link: url,
    createdAt: new Date(alert.created_at).toISOString(),
  };
}

/** An error's message with its cause's (fetch says only "fetch failed"; the cause says why). */
function describeError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause: unknown = err.cause;
  if (cause instanceof Error) return `${err.message}: ${cause.message}`;
  return err.message;
}
