import { useState } from 'react';
import type { Static } from '@sinclair/typebox';
import type { CaseSummaryDto } from '../../api/shortage-case.routes.js';
import { SHORTAGE_CASE_STATES, type ShortageCaseState } from '../../domain/shortage-case.js';
import { DataTable } from '../components/data-table.js';
import { useDateTime } from '../components/freshness.js';
import { FilterPanel, FilterRow, SelectField } from '../components/fields.js';
import { PageHeader } from '../components/page-header.js';
import { SectionTabs } from '../components/section-tabs.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { ResultCard } from '../components/table-card.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link, useQueryState } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';
import {
  FormCard,
  isState,
  SHORTAGE_TABS,
  SignalAndDesignation,
  StateBadge,
  TextField,
  useSubmit,
} from './shortage-parts.component.js';

type Summary = Static<typeof CaseSummaryDto>;

export function ShortagesPage() {
  const { t, formatNumber } = useI18n();
  const time = useDateTime();
  const { params, set } = useQueryState();
  const stateParam = params.get('state');
  const state = isState(stateParam) ? stateParam : undefined;
  const list = useApi('shortage-cases', (api, signal) =>
    api.request<{ items: Summary[]; may: { manage: boolean } }>('/api/shortage-cases', { signal }),
  );
  const all = list.data?.items;
  const shown = all?.filter((c) => state === undefined || c.state === state);
  const counts = new Map<ShortageCaseState, number>();
  for (const c of all ?? []) counts.set(c.state, (counts.get(c.state) ?? 0) + 1);
  return (
    <>
      <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
      <PageHeader title={t('sc.title')} lead={t('sc.lead')} />
      {list.data?.may.manage && <OpenCaseForm onOpened={list.reload} />}
      <section className="stats sc-board" aria-label={t('sc.byState')} data-testid="sc-board">
        {SHORTAGE_CASE_STATES.map((s) => (
          <button
            key={s}
            type="button"
            className={`stat card stat-link sc-stat sc-stat-${s}${state === s ? ' is-current' : ''}`}
            aria-pressed={state === s}
            onClick={() => set({ state: state === s ? undefined : s })}
          >
            <span className="stat-label">{t(`sc.state.${s}` as MessageKey)}</span>
            <span className="stat-value">{all ? formatNumber(counts.get(s) ?? 0) : '–'}</span>
          </button>
        ))}
      </section>
      <FilterPanel>
        <FilterRow legend={t('catalogue.filters')}>
          <SelectField
            label={t('sc.col.state')}
            value={state ?? ''}
            all={t('sc.stateAll')}
            options={SHORTAGE_CASE_STATES.map((s) => ({ value: s, label: t(`sc.state.${s}` as MessageKey) }))}
            onChange={(value) => set({ state: value || undefined })}
          />
        </FilterRow>
      </FilterPanel>
      {list.status === 'error' ? (
        <ErrorState error={list.error} onRetry={list.reload} />
      ) : shown && shown.length === 0 && list.status === 'ready' ? (
        <EmptyState title={t('sc.emptyTitle')}>{t('sc.emptyBody')}</EmptyState>
      ) : (
        <ResultCard
          id="sc-count"
          count={
            shown && t(shown.length === 1 ? 'sc.countOne' : 'sc.count', { n: formatNumber(shown.length) })
          }
          updating={list.status === 'loading' && all !== undefined}
        >
          <DataTable
            columns={['sc.col.case', 'sc.col.state', 'sc.col.picture', 'sc.col.checklist', 'sc.col.opened']}
            caption={t('sc.title')}
            testId="shortage-cases"
            loading={list.status === 'loading'}
            rows={shown?.map((c) => (
              <tr key={c.id} data-testid="shortage-case-row">
                <th scope="row">
                  <Link to={`/shortages/${c.id}`}>{c.title}</Link>
                  <span className="cell-sub">
                    {c.subject.kind === 'group'
                      ? t('sc.subject.group', { key: c.subject.groupKey ?? '' })
                      : t('sc.subject.package')}
                  </span>
                </th>
                <td>
                  <StateBadge state={c.state} />
                </td>
                <td>
                  <SignalAndDesignation c={c} />
                </td>
                <td>{t(`sc.outcome.${c.checklistOutcome}` as MessageKey)}</td>
                <td>
                  {time(c.openedAt)}
                  <span className="cell-sub">{c.openedBy.organisation}</span>
                </td>
              </tr>
            ))}
          />
        </ResultCard>
      )}
    </>
  );
}

/** A small POST form helper: runs `send`, shows the refusal, reloads on success. */
function OpenCaseForm({ onOpened }: { onOpened: () => void }) {
  const { t, formatDate } = useI18n();
  const { api } = useSession();
  const notices = useApi('sc-notices', (a, signal) =>
    a.request<{ items: { id: number; name: string; pack: string; kind: string; expectedStart: string }[] }>(
      '/api/notices',
      {
        query: { limit: 100, offset: 0 },
        signal,
      },
    ),
  );
  const [noticeId, setNoticeId] = useState('');
  const [packageId, setPackageId] = useState('');
  const [groupKey, setGroupKey] = useState('');
  const [reason, setReason] = useState('');
  const { saving, error, run } = useSubmit(() => {
    setReason('');
    onOpened();
  });
  const body = {
    ...(noticeId ? { noticeId: Number(noticeId) } : {}),
    ...(packageId ? { packageId: Number(packageId) } : {}),
    ...(groupKey.trim() ? { groupKey: groupKey.trim() } : {}),
    reason,
  };
  return (
    <details className="card card-padded sc-open">
      <summary>{t('sc.open')}</summary>
      <FormCard
        title={t('sc.openTitle')}
        submit={t('sc.openSubmit')}
        saving={saving}
        error={error}
        onSubmit={(e) => void run(e, () => api.request('/api/shortage-cases', { method: 'POST', body }))}
      >
        <SelectField
          label={t('sc.fromNotice')}
          value={noticeId}
          all={t('sc.noNotice')}
          options={(notices.data?.items ?? []).map((n) => ({
            value: String(n.id),
            label: `${n.name} ${n.pack} · ${formatDate(n.expectedStart)}`,
          }))}
          onChange={setNoticeId}
        />
        <TextField label={t('sc.packageId')} value={packageId} onChange={setPackageId} type="number" />
        <TextField label={t('sc.groupKey')} value={groupKey} onChange={setGroupKey} />
        <TextField label={t('sc.reason')} value={reason} onChange={setReason} area />
      </FormCard>
    </details>
  );
}
