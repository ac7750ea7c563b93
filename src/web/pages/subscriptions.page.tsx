import { useId, useState, type FormEvent } from 'react';
import type { Static } from '@sinclair/typebox';
import type { AlertDto, CreatedSubscriptionDto, SubscriptionDto } from '../../api/alert.routes.js';
import {
  SCOPES_OF_KIND,
  type AlertChannel,
  type SubscriptionKind,
  type SubscriptionScope,
} from '../../domain/alert.js';
import { isApiError, type ApiError, type Page } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { useDateTime } from '../components/freshness.js';
import { PageHeader } from '../components/page-header.js';
import { DataTable } from '../components/data-table.js';
import { SelectField } from '../components/fields.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { TableCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

type Created = Static<typeof CreatedSubscriptionDto>;

const KINDS: readonly SubscriptionKind[] = ['critical', 'notice', 'overdue'];
const CHANNELS: readonly AlertChannel[] = ['email', 'webhook', 'atom'];
const DELIVERY_TONE: Readonly<Record<AlertDto['delivery'], BadgeTone>> = {
  delivered: 'success',
  pending: 'info',
  failed: 'danger',
};

/**
 * Bevakningar: the user's subscriptions (what, where, how), a form to add one, and the alerts they
 * produced with how their delivery stands (docs/alerts.md). `?package=<id>` opens the form on a
 * product's notices (the product page's "Bevaka" link).
 */
export function SubscriptionsPage() {
  const { t } = useI18n();
  const { me, api } = useSession();
  const { params } = useQueryState();
  const packageParam = params.get('package') ?? '';
  const subscriptions = useApi('subscriptions', (a, signal) =>
    a.request<{ items: SubscriptionDto[] }>('/api/subscriptions', { signal }),
  );
  const alerts = useApi('alerts', (a, signal) =>
    a.request<Page<AlertDto>>('/api/alerts', { query: { limit: 50 }, signal }),
  );
  const [created, setCreated] = useState<Created | null>(null);
  const [removeError, setRemoveError] = useState<ApiError | null>(null);

  const remove = async (id: number) => {
    setRemoveError(null);
    try {
      await api.request(`/api/subscriptions/${id}`, { method: 'DELETE' });
      if (created?.id === id) setCreated(null);
      subscriptions.reload();
    } catch (err) {
      if (isApiError(err)) setRemoveError(err);
    }
  };

  return (
    <>
      <PageHeader title={t('subs.title')} lead={t('subs.lead', { org: me.organisation.name })} />
      <SubscriptionForm
        key={packageParam}
        initialPackage={packageParam}
        hasRegion={me.organisation.regionCode !== null}
        canOverdue={me.permissions.includes('report:read')}
        onCreated={(c) => {
          setCreated(c);
          subscriptions.reload();
          alerts.reload();
        }}
      />
      <div aria-live="polite">{created && <CreatedNote created={created} />}</div>

      <TableCard id="subs-list" title={t('subs.listTitle')}>
        {removeError && <ErrorState error={removeError} />}
        {subscriptions.status === 'error' ? (
          <ErrorState error={subscriptions.error} onRetry={subscriptions.reload} />
        ) : subscriptions.data && subscriptions.data.items.length === 0 ? (
          <EmptyState title={t('subs.emptyTitle')}>{t('subs.emptyBody')}</EmptyState>
        ) : (
          <DataTable
            columns={[
              'subs.col.what',
              'subs.col.where',
              'subs.col.how',
              { label: 'subs.remove', hidden: true },
            ]}
            testId="subscriptions"
            skeletonRows={2}
            rows={subscriptions.data?.items.map((s) => (
              <tr key={s.id} data-testid="subscription">
                <td>{t(`subs.kind.${s.kind}` as MessageKey)}</td>
                <td>
                  <Where s={s} />
                </td>
                <td>
                  {t(`subs.channel.${s.channel}` as MessageKey)}
                  <span className="cell-sub">{s.email ?? s.webhookUrl ?? ''}</span>
                </td>
                <td className="num">
                  <button type="button" className="button button-secondary" onClick={() => void remove(s.id)}>
                    {t('subs.remove')}
                  </button>
                </td>
              </tr>
            ))}
          />
        )}
      </TableCard>

      <TableCard
        id="alerts-list"
        title={t('subs.alertsTitle')}
        actions={
          <button type="button" className="button button-secondary" onClick={alerts.reload}>
            {t('subs.refresh')}
          </button>
        }
      >
        {alerts.status === 'error' ? (
          <ErrorState error={alerts.error} onRetry={alerts.reload} />
        ) : alerts.data && alerts.data.items.length === 0 ? (
          <EmptyState title={t('subs.noAlertsTitle')}>{t('subs.noAlertsBody')}</EmptyState>
        ) : (
          <AlertTable alerts={alerts.data?.items} />
        )}
      </TableCard>
    </>
  );
}

function Where({ s }: { s: SubscriptionDto }) {
  const { t } = useI18n();
  switch (s.scope) {
    case 'national':
      return <>{t('subs.scope.national')}</>;
    case 'region':
      return <>{s.regionName ?? s.regionCode}</>;
    case 'product':
      return <Link to={`/products/${s.packageId ?? ''}`}>{s.packageName ?? `#${s.packageId ?? ''}`}</Link>;
    case 'organisation':
      return <>{t('subs.scope.organisation')}</>;
  }
}

function AlertTable({ alerts }: { alerts: AlertDto[] | undefined }) {
  const { t } = useI18n();
  const time = useDateTime();
  return (
    <DataTable
      columns={['subs.col.when', 'subs.col.alert', 'subs.col.how', 'subs.col.delivery']}
      testId="alerts"
      skeletonRows={3}
      rows={alerts?.map((a) => (
        <tr key={a.id} data-testid="alert">
          <td className="nowrap">{time(a.createdAt)}</td>
          <td>
            <Link to={a.link}>{a.title}</Link>
            <span className="cell-sub">{a.reason}</span>
          </td>
          <td>{t(`subs.channel.${a.channel}` as MessageKey)}</td>
          <td>
            <Badge tone={DELIVERY_TONE[a.delivery]}>{t(`subs.delivery.${a.delivery}` as MessageKey)}</Badge>
            {a.delivery !== 'delivered' && a.lastError && (
              <span className="cell-sub">
                {t('subs.attempts', { n: a.attempts })}: {a.lastError}
              </span>
            )}
          </td>
        </tr>
      ))}
    />
  );
}

function SubscriptionForm({
  initialPackage,
  hasRegion,
  canOverdue,
  onCreated,
}: {
  initialPackage: string;
  hasRegion: boolean;
  canOverdue: boolean;
  onCreated: (created: Created) => void;
}) {
  const { t } = useI18n();
  const { api } = useSession();
  const ids = { pkg: useId(), url: useId(), urlHint: useId() };
  const [kind, setKind] = useState<SubscriptionKind>(initialPackage ? 'notice' : 'critical');
  const scopes = SCOPES_OF_KIND[kind].filter((s) => s !== 'region' || hasRegion);
  const [scope, setScope] = useState<SubscriptionScope>(scopes[0] ?? 'national');
  const [packageId, setPackageId] = useState(initialPackage);
  const [channel, setChannel] = useState<AlertChannel>('atom');
  const [webhookUrl, setWebhookUrl] = useState('');
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const effectiveScope = scopes.includes(scope) ? scope : (scopes[0] ?? 'national');

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    setError(null);
    try {
      const body = {
        kind,
        scope: effectiveScope,
        channel,
        ...(effectiveScope === 'product' ? { packageId: Number.parseInt(packageId, 10) || 0 } : {}),
        ...(channel === 'webhook' ? { webhookUrl } : {}),
      };
      onCreated(await api.request<Created>('/api/subscriptions', { method: 'POST', body }));
    } catch (err) {
      if (isApiError(err)) setError(err);
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="card card-padded report-form"
      onSubmit={(e) => void submit(e)}
      aria-labelledby="subs-new"
    >
      <h2 id="subs-new" className="section-title">
        {t('subs.newTitle')}
      </h2>
      <div className="report-form-fields">
        <SelectField
          label={t('subs.kind')}
          value={kind}
          options={KINDS.filter((k) => k !== 'overdue' || canOverdue).map((k) => ({
            value: k,
            label: t(`subs.kind.${k}` as MessageKey),
          }))}
          onChange={(value) => setKind(value as SubscriptionKind)}
        />
        {kind === 'critical' && (
          <SelectField
            label={t('subs.scope')}
            value={effectiveScope}
            options={scopes.map((s) => ({ value: s, label: t(`subs.scope.${s}` as MessageKey) }))}
            onChange={(value) => setScope(value as SubscriptionScope)}
          />
        )}
        {kind === 'notice' && (
          <div className="field">
            <label htmlFor={ids.pkg}>{t('subs.package')}</label>
            <input
              id={ids.pkg}
              type="text"
              inputMode="numeric"
              value={packageId}
              onChange={(e) => setPackageId(e.target.value)}
              placeholder={t('subs.packageHint')}
            />
          </div>
        )}
        <SelectField
          label={t('subs.channel')}
          value={channel}
          options={CHANNELS.map((c) => ({ value: c, label: t(`subs.channel.${c}` as MessageKey) }))}
          onChange={(value) => setChannel(value as AlertChannel)}
        />
        {channel === 'webhook' && (
          <div className="field">
            <label htmlFor={ids.url}>{t('subs.webhookUrl')}</label>
            <input
              id={ids.url}
              type="url"
              value={webhookUrl}
              placeholder="https://"
              aria-describedby={ids.urlHint}
              onChange={(e) => setWebhookUrl(e.target.value)}
            />
            <span id={ids.urlHint} className="field-hint">
              {t('subs.webhookHint')}
            </span>
          </div>
        )}
      </div>
      <p className="muted">{t(`subs.explain.${kind}` as MessageKey)}</p>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={saving}>
          {saving ? t('subs.saving') : t('subs.save')}
        </button>
      </div>
      {error && <ErrorState error={error} title={t('subs.refused')} />}
    </form>
  );
}

function CreatedNote({ created }: { created: Created }) {
  const { t } = useI18n();
  return (
    <div className="notice notice-success" role="status" data-testid="subscription-created">
      <div className="notice-body">
        <h2 className="notice-title">{t('subs.created')}</h2>
        {created.feedUrl && (
          <p>
            {t('subs.feedUrl')} <code className="mono">{created.feedUrl}</code>
          </p>
        )}
        {created.webhookSecret && (
          <p>
            {t('subs.webhookSecret')} <code className="mono">{created.webhookSecret}</code>
          </p>
        )}
        {(created.feedUrl || created.webhookSecret) && <p className="notice-meta">{t('subs.onlyNow')}</p>}
      </div>
    </div>
  );
}
