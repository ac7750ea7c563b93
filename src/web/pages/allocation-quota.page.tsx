import { useState } from 'react';
import type { QuotaDto } from '../../api/allocation.routes.js';
import { Badge } from '../components/badge.js';
import { DataTable, num } from '../components/data-table.js';
import { PageHeader } from '../components/page-header.js';
import { saveBlob } from '../components/picture.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { ResultCard } from '../components/table-card.js';
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
    </>
  );
}
