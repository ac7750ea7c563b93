import type { ReactNode } from 'react';
import type { RegisterRecord } from '../api-client.js';
import { Badge, type BadgeTone } from '../components/badge.js';
import { ErrorState, SkeletonBlock } from '../components/states.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { Link } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

type RegisterPackage = RegisterRecord['current'];
type Version = RegisterRecord['versions'][number];

const STATUS_TONE: Record<RegisterPackage['marketStatus'], BadgeTone> = {
  marketed: 'success',
  sales_stopped: 'warning',
  withdrawn: 'danger',
};

/** The fields a version's change may name (the API's names), with their labels. */
const FIELD_LABELS: Readonly<Record<string, MessageKey>> = {
  nplPackId: 'register.field.nplPackId',
  nplId: 'register.field.nplId',
  nordicArticleNumber: 'register.field.nordicArticleNumber',
  gtin: 'register.field.gtin',
  description: 'register.field.description',
  packSize: 'register.field.packSize',
  packUnit: 'register.field.packUnit',
  name: 'register.field.name',
  strength: 'register.field.strength',
  form: 'register.field.form',
  atcCode: 'register.field.atcCode',
  substance: 'register.field.substance',
  species: 'register.field.species',
  productClass: 'register.field.productClass',
  holder: 'register.field.holder',
  holderId: 'register.field.holder',
  seller: 'register.field.seller',
  sellerId: 'register.field.seller',
  licence: 'register.field.licence',
  parallelTraded: 'register.field.parallelTraded',
  marketStatus: 'register.field.marketStatus',
};

/** A register field's value as a reader says it: yes/no, the status in words, numbers in Swedish. */
export function useRegisterText() {
  const { t, formatNumber } = useI18n();
  const field = (name: string) => {
    const key = FIELD_LABELS[name];
    return key ? t(key) : name;
  };
  const value = (name: string, v: unknown): string => {
    if (v === null || v === undefined || v === '') return '–';
    if (typeof v === 'boolean') return t(v ? 'register.yes' : 'register.no');
    if (typeof v === 'number') return formatNumber(v);
    const text = typeof v === 'string' ? v : JSON.stringify(v);
    if (name === 'marketStatus' && (text === 'marketed' || text === 'sales_stopped' || text === 'withdrawn'))
      return t(`register.status.${text}`);
    if (name === 'species' && (text === 'human' || text === 'veterinary'))
      return t(`register.species.${text}`);
    return text;
  };
  return { field, value };
}

/**
 * Produktregister (NPL): the package as Läkemedelsverket's register gives it (pack, medicine, holder and
 * seller, R1's flags, marketing status) and its versions, each with what changed from the one before.
 * A package no import has written (synthetic data only) says so.
 */
export function RegisterSection({ packageId }: { packageId: number }) {
  const { t } = useI18n();
  const record = useApi(`register:${packageId}`, (api, signal) => api.productRegister(packageId, signal));
  const data = record.data;
  return (
    <section
      className="card table-card register-card"
      aria-labelledby="product-register"
      data-testid="register"
    >
      <div className="card-header">
        <div>
          <h2 id="product-register" className="section-title">
            {t('register.title')}
          </h2>
          <span className="cell-sub">{t('register.source')}</span>
        </div>
        {data?.fromRegister && <RegisterBadges record={data.current} />}
      </div>
      {record.status === 'error' && !data ? (
        <div className="card-padded">
          <ErrorState error={record.error} onRetry={record.reload} />
        </div>
      ) : !data ? (
        <div className="card-padded">
          <SkeletonBlock lines={6} />
        </div>
      ) : !data.fromRegister ? (
        <p className="card-padded muted" data-testid="register-none">
          {t('register.none')}
        </p>
      ) : (
        <>
          <RegisterFacts record={data.current} />
          <RegisterHistory versions={data.versions} />
        </>
      )}
    </section>
  );
}

function RegisterBadges({ record }: { record: RegisterPackage }) {
  const { t } = useI18n();
  return (
    <span className="badges" data-testid="register-badges">
      <Badge tone={STATUS_TONE[record.marketStatus]}>{t(`register.status.${record.marketStatus}`)}</Badge>
      {record.licence && <Badge>{t('badge.licence')}</Badge>}
      {record.parallelTraded && <Badge>{t('badge.parallel')}</Badge>}
      {record.species === 'veterinary' && <Badge tone="vet">{t('badge.veterinary')}</Badge>}
    </span>
  );
}

function RegisterFacts({ record }: { record: RegisterPackage }) {
  const { t, formatNumber, formatDate } = useI18n();
  const text = useRegisterText();
  const fact = (name: string, value: ReactNode, mono = false) => (
    <div key={name} data-field={name}>
      <dt>{text.field(name)}</dt>
      <dd className={mono ? 'mono' : undefined}>{value}</dd>
    </div>
  );
  return (
    <div className="register-facts" data-testid="register-facts">
      <div>
        <h3 className="register-group">{t('register.packTitle')}</h3>
        <dl>
          {fact('nplPackId', record.nplPackId, true)}
          {fact('nordicArticleNumber', record.nordicArticleNumber ?? '–', true)}
          {fact('gtin', record.gtin ?? '–', true)}
          {fact('description', record.description)}
          {fact('packSize', `${formatNumber(record.packSize)} ${record.packUnit}`)}
        </dl>
      </div>
      <div>
        <h3 className="register-group">{t('register.medicineTitle')}</h3>
        <dl>
          {fact('name', record.name)}
          {fact('strength', record.strength || '–')}
          {fact('form', record.form)}
          {fact('atcCode', record.atcCode || '–', true)}
          {fact('substance', record.substance)}
          {fact('nplId', record.nplId, true)}
        </dl>
      </div>
      <div>
        <h3 className="register-group">{t('register.marketTitle')}</h3>
        <dl>
          {fact('holder', record.holder.name)}
          {fact('seller', record.seller.name)}
          {fact('productClass', record.productClass ?? '–', true)}
          {fact('species', text.value('species', record.species))}
          {fact('licence', text.value('licence', record.licence))}
          {fact('parallelTraded', text.value('parallelTraded', record.parallelTraded))}
          {fact(
            'marketStatus',
            <>
              {text.value('marketStatus', record.marketStatus)}
              {record.withdrawnOn && (
                <span className="cell-sub">
                  {t('register.field.withdrawnOn')} {formatDate(record.withdrawnOn)}
                </span>
              )}
            </>,
          )}
        </dl>
      </div>
    </div>
  );
}

function RegisterHistory({ versions }: { versions: readonly Version[] }) {
  const { t, formatDate } = useI18n();
  const text = useRegisterText();
  const { me } = useSession();
  const seesImports = me.registers.includes('npl');
  if (versions.length === 0) return <p className="table-note">{t('register.noHistory')}</p>;
  // Newest first: the reader asks what holds now, then how it came to be.
  const rows = [...versions].reverse();
  return (
    <>
      <h3 className="register-history-title">{t('register.historyTitle')}</h3>
      <div className="table-scroll">
        <table className="data-table compact-table register-history" data-testid="register-history">
          <caption className="visually-hidden">{t('register.historyCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('register.col.validFrom')}</th>
              <th scope="col">{t('register.col.validTo')}</th>
              <th scope="col">{t('register.col.changes')}</th>
              <th scope="col">{t('register.col.import')}</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((v) => {
              const first = v === versions[0];
              return (
                <tr key={v.validFrom ?? 'start'} data-testid="register-version">
                  <th scope="row" className="nowrap">
                    {v.validFrom ? formatDate(v.validFrom) : t('register.beforeHistory')}
                  </th>
                  <td className="nowrap">{v.validTo ? formatDate(v.validTo) : t('register.current')}</td>
                  <td>
                    {v.changes.length > 0 ? (
                      <ul className="change-list">
                        {v.changes.map((c) => (
                          <li key={c.field}>
                            <span className="change-field">{text.field(c.field)}:</span>{' '}
                            <span className="change-from">{text.value(c.field, c.from)}</span>
                            <span aria-hidden="true"> → </span>
                            <span className="visually-hidden"> {t('change.to')} </span>
                            <span className="change-to">{text.value(c.field, c.to)}</span>
                          </li>
                        ))}
                      </ul>
                    ) : first && v.validFrom === null ? (
                      <span className="muted">{t('register.baseline')}</span>
                    ) : first ? (
                      <span className="muted">{t('register.firstVersion')}</span>
                    ) : (
                      <span className="muted">{t('register.unchangedVersion')}</span>
                    )}
                  </td>
                  <td className="nowrap">
                    {v.importId === null ? (
                      '–'
                    ) : seesImports ? (
                      <Link to={`/imports/${v.importId}`}>{t('register.importNo', { id: v.importId })}</Link>
                    ) : (
                      t('register.importNo', { id: v.importId })
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </>
  );
}
