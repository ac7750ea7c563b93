import { useState, type FormEvent } from 'react';
import type { QuotaDto } from '../../api/allocation.routes.js';
import { Badge } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { InputField, SelectField } from '../components/fields.js';
import { FormCard, useSubmission } from '../components/form-card.js';
import { PageHeader } from '../components/page-header.js';
import { saveBlob } from '../components/picture.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { ResultCard } from '../components/table-card.js';
import { calendarDateInSweden } from '../../domain/calendar.js';
import { useI18n } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

/** The quota an organisation delivers (a wholesaler) or receives under decided allocations. */
export function AllocationQuotaPage() {
  const { t, formatNumber, formatDate } = useI18n();
  const { api, me } = useSession();
  const quota = useApi('allocation-quota', (a, signal) =>
    a.request<{ items: QuotaDto[] }>('/api/allocations/quota', { signal }),
  );
  const [busy, setBusy] = useState(false);
  const items = quota.data?.items;
  const download = async () => {
    setBusy(true);
    try {
      const { blob, fileName } = await api.file('/api/allocations/quota', { format: 'csv' });
      saveBlob(blob, fileName ?? 'fordelning-kvot.csv');
    } finally {
      setBusy(false);
    }
  };
  return (
    <>
      <PageHeader
        eyebrow={<Link to="/allocations">{t('alloc.title')}</Link>}
        title={t('alloc.quotaTitle')}
        lead={t('alloc.quotaLead', { org: me.organisation.name })}
        actions={
          <button
            type="button"
            className="button button-secondary"
            disabled={busy || !items?.length}
            onClick={() => void download()}
          >
            {t('alloc.quotaCsv')}
          </button>
        }
      />
      {quota.status === 'error' ? (
        <ErrorState error={quota.error} onRetry={quota.reload} />
      ) : items && items.length === 0 ? (
        <EmptyState title={t('alloc.quotaEmptyTitle')}>{t('alloc.quotaEmptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="alloc-quota"
          count={items && t('alloc.quotaCount', { n: formatNumber(items.length) })}
          updating={quota.status === 'loading' && items !== undefined}
        >
          <DataTable
            columns={[
              'alloc.col.id',
              'alloc.col.item',
              'alloc.col.recipient',
              num('alloc.col.quota'),
              num('alloc.col.delivered'),
              num('alloc.col.remaining'),
              'alloc.col.validity',
              'alloc.col.mode',
            ]}
            caption={t('alloc.quotaTitle')}
            testId="allocation-quota"
            loading={quota.status === 'loading'}
            rows={items?.map((q) => (
              <tr key={`${q.allocationId}:${q.recipientKey}`} data-testid="quota-row">
                <td>
                  <Link to={`/allocations/${q.allocationId}`}>#{q.allocationId}</Link>
                </td>
                <td>{q.itemName}</td>
                <th scope="row">
                  {q.recipientName}
                  <span className="cell-sub mono">{q.recipientKey}</span>
                </th>
                <td className="num">
                  <strong>{formatNumber(q.allocated)}</strong> {q.unit}
                </td>
                <td className="num">{formatNumber(q.delivered)}</td>
                <td className="num">
                  {q.remaining === 0 ? (
                    <Badge tone="neutral">{t('alloc.quotaUsed')}</Badge>
                  ) : (
                    formatNumber(q.remaining)
                  )}
                </td>
                <td>
                  {q.validFrom ? formatDate(q.validFrom) : ''} –{' '}
                  {q.validTo ? formatDate(q.validTo) : t('alloc.untilFurther')}
                </td>
                <td>{t(q.mode === 'mandatory' ? 'alloc.mode.mandatory' : 'alloc.mode.voluntary')}</td>
              </tr>
            ))}
          />
        </ResultCard>
      )}
      {items && me.permissions.includes('shortage:confirm') && items.some((q) => q.role === 'supplier') && (
        <DeliveryForm quota={items.filter((q) => q.role === 'supplier')} onRecorded={quota.reload} />
      )}
    </>
  );
}

/**
 * A supplying wholesaler records a delivery against a recipient's quota (POST …/deliveries). The
 * delivery note's number is the delivery's id: sent again, nothing new is recorded; over the quota,
 * the server refuses it and says by how much.
 */
function DeliveryForm({ quota, onRecorded }: { quota: readonly QuotaDto[]; onRecorded: () => void }) {
  const { t, formatNumber } = useI18n();
  const { api } = useSession();
  const [line, setLine] = useState('');
  const [quantity, setQuantity] = useState('');
  const [deliveredOn, setDeliveredOn] = useState(calendarDateInSweden(new Date()));
  const [deliveryId, setDeliveryId] = useState('');
  const [recorded, setRecorded] = useState<string | null>(null);
  const { busy, error, run } = useSubmission();
  const key = (q: QuotaDto) => `${q.allocationId}:${q.recipientKey}`;
  const chosen = quota.find((q) => key(q) === line);
  const submit = (event: FormEvent) =>
    run(event, async () => {
      setRecorded(null);
      if (!chosen) return;
      await api.request(`/api/allocations/${chosen.allocationId}/deliveries`, {
        method: 'POST',
        body: { deliveryId, recipientKey: chosen.recipientKey, quantity: Number(quantity), deliveredOn },
      });
      setRecorded(
        t('alloc.delivery.recorded', { n: formatNumber(Number(quantity)), to: chosen.recipientName }),
      );
      setQuantity('');
      setDeliveryId('');
      onRecorded();
    });
  return (
    <FormCard id="alloc-delivery" title={t('alloc.delivery.title')} onSubmit={submit} testId="delivery-form">
      <p className="muted">{t('alloc.delivery.lead')}</p>
      <div className="report-form-fields">
        <SelectField
          label={t('alloc.delivery.recipient')}
          value={line}
          all={t('alloc.delivery.choose')}
          options={quota.map((q) => ({
            value: key(q),
            label: t('alloc.delivery.option', {
              id: q.allocationId,
              item: q.itemName,
              to: q.recipientName,
              n: formatNumber(q.remaining),
              unit: q.unit,
            }),
            disabled: q.remaining === 0,
          }))}
          onChange={setLine}
        />
        <InputField
          label={t('alloc.delivery.quantity')}
          type="number"
          min={1}
          step={1}
          required
          value={quantity}
          onChange={setQuantity}
        />
        <InputField
          label={t('alloc.delivery.date')}
          type="date"
          required
          value={deliveredOn}
          onChange={setDeliveredOn}
        />
        <InputField
          label={t('alloc.delivery.id')}
          type="text"
          required
          maxLength={100}
          value={deliveryId}
          onChange={setDeliveryId}
        />
      </div>
      <div className="report-form-actions">
        <button type="submit" className="button button-primary" disabled={busy || !chosen}>
          {t('alloc.delivery.submit')}
        </button>
      </div>
      <div aria-live="polite">
        {recorded && (
          <div className="notice notice-success" role="status" data-testid="delivery-recorded">
            <div className="notice-body">
              <p className="notice-title">{recorded}</p>
            </div>
          </div>
        )}
      </div>
      {error && <ErrorState error={error} title={t('alloc.delivery.refused')} />}
    </FormCard>
  );
}
