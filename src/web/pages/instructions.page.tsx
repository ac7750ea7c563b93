import { useState } from 'react';
import { isApiError, type ApiError } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { DataTable } from '../components/data-table.js';
import { PageHeader } from '../components/page-header.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { confirmTransfer, myInstructions } from '../redistribution-api.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import { ConditionList, STATUS_KEY, STATUS_TONE, useFormat } from './redistribution-parts.component.js';

/*
 * An organisation's instructions (issue 13 items 5 and 7): per decided plan its status, validity and the
 * decision's conditions, then what the organisation sends and receives, batch by batch, with buttons to
 * confirm; a withdrawn plan is shown as withdrawn, with why, and nothing more is confirmed.
 */

export function InstructionsPage() {
  const { t, formatDate } = useI18n();
  const { api, me } = useSession();
  const f = useFormat();
  const state = useApi('instructions', (a, signal) => myInstructions(a, signal));
  const [error, setError] = useState<ApiError | null>(null);
  const canConfirm = me.permissions.includes('shortage:confirm');
  const confirm = async (planId: number, line: number, what: 'sent' | 'received') => {
    setError(null);
    try {
      await confirmTransfer(api, planId, line, what);
      state.reload();
    } catch (err) {
      if (isApiError(err)) setError(err);
    }
  };
  // One card per plan: its status, validity and every condition of the decision (item 5).
  const plans = [...new Map((state.data ?? []).map((x) => [x.planId, x])).values()];
  return (
    <>
      <PageHeader title={t('redist.instr.title')} lead={t('redist.instr.lead')} />
      {state.status === 'error' && <ErrorState error={state.error} onRetry={state.reload} />}
      {error && <ErrorState error={error} />}
      {state.data?.length === 0 ? (
        <EmptyState title={t('redist.instr.empty')}>{t('redist.instr.emptyBody')}</EmptyState>
      ) : (
        <>
          <div className="redist-instr-plans" data-testid="redist-instr-plans">
            {plans.map((x) => (
              <section
                key={x.planId}
                className="card card-padded section-gap"
                data-testid="redist-instr-plan"
                aria-labelledby={`redist-instr-plan-${x.planId}`}
              >
                <h2 id={`redist-instr-plan-${x.planId}`} className="section-title">
                  <Link to={`/redistributions/${x.planId}`}>{`#${x.planId} ${x.subject}`}</Link>{' '}
                  <Badge tone={STATUS_TONE[x.planStatus]}>{t(STATUS_KEY[x.planStatus])}</Badge>
                </h2>
                {x.planStatus === 'withdrawn' ? (
                  <p className="notice notice-warning" role="status">
                    {t('redist.instr.withdrawn', {
                      date: x.withdrawnAt ? formatDate(x.withdrawnAt.slice(0, 10)) : '',
                      reason: x.withdrawalReason ?? '',
                    })}
                  </p>
                ) : (
                  <p className="muted">
                    {t('redist.instr.valid', { from: formatDate(x.validFrom), to: formatDate(x.validTo) })}
                  </p>
                )}
                <h3>{t('redist.conditions')}</h3>
                <ConditionList conditions={x.conditions} />
              </section>
            ))}
          </div>
          <section className="card card-padded section-gap">
            <DataTable
              testId="redist-instructions"
              columns={[
                'redist.col.plan',
                'redist.col.role',
                'redist.col.counterpart',
                'redist.col.batch',
                'redist.col.expiry',
                { label: 'redist.col.quantity', num: true },
                { label: 'redist.col.value', num: true },
                'redist.col.confirmed',
              ]}
              loading={state.status === 'loading'}
              rows={state.data?.map((x) => {
                const done = x.role === 'send' ? x.sentAt : x.receivedAt;
                return (
                  <tr key={`${x.planId}:${x.line}:${x.role}`}>
                    <td>
                      <Link to={`/redistributions/${x.planId}`}>{`#${x.planId} ${x.subject}`}</Link>
                    </td>
                    <td>{t(x.role === 'send' ? 'redist.instr.send' : 'redist.instr.receive')}</td>
                    <td>
                      {x.role === 'send' ? `${x.fromCode} → ${x.toCode}` : `${x.toCode} ← ${x.fromCode}`}
                    </td>
                    <td>{`${x.package} / ${x.batch}`}</td>
                    <td>{formatDate(x.expiry)}</td>
                    <td className="num">{`${f.qty(x.quantity)} ${x.unit}`}</td>
                    <td className="num">{f.kr(x.valueSek)}</td>
                    <td>
                      {done ? (
                        <Badge tone="success">
                          {t('redist.instr.done', { date: formatDate(done.slice(0, 10)) })}
                        </Badge>
                      ) : x.planStatus === 'withdrawn' ? (
                        <Badge tone="neutral">{t('redist.status.withdrawn')}</Badge>
                      ) : canConfirm ? (
                        <button
                          type="button"
                          className="button button-secondary"
                          onClick={() =>
                            void confirm(x.planId, x.line, x.role === 'send' ? 'sent' : 'received')
                          }
                        >
                          {t(x.role === 'send' ? 'redist.instr.confirmSent' : 'redist.instr.confirmReceived')}
                        </button>
                      ) : (
                        '–'
                      )}
                    </td>
                  </tr>
                );
              })}
            />
          </section>
        </>
      )}
    </>
  );
}
