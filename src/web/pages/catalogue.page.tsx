import { useId } from 'react';
import type { Product, ProductQuery } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { PageHeader } from '../components/page-header.js';
import { Pager } from '../components/pager.js';
import { EmptyState, ErrorState, SkeletonRows, Spinner } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { SOS_PRIORITISED_LIST } from '../labels.js';
import { RiskBadge } from '../components/picture.js';
import { wholeStock } from '../components/runs-out.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { useDebouncedParam } from '../use-debounced-param.js';

const PAGE_SIZE = 25;
const COLUMNS = 12;
/** The API's own rule for ?atc= (src/api/product.routes.ts): checked here so a typo is explained, not sent. */
const ATC_PREFIX = /^[A-Za-z][0-9A-Za-z]{0,6}$/;

type Species = 'human' | 'veterinary';
const isSpecies = (value: string | null): value is Species => value === 'human' || value === 'veterinary';

/** The product catalogue: search as you type, filter by ATC prefix, SoS's list and species; page through. */
export function CataloguePage() {
  const { t, formatNumber } = useI18n();
  const { params, set } = useQueryState();
  const [text, setText] = useDebouncedParam('q');
  const [atcText, setAtcText, atcSettled] = useDebouncedParam('atc');
  const ids = { search: useId(), atc: useId(), atcError: useId(), species: useId(), list: useId() };

  const q = params.get('q') ?? '';
  const atc = params.get('atc') ?? '';
  const onList = params.get('list') === SOS_PRIORITISED_LIST;
  const speciesParam = params.get('species');
  const species = isSpecies(speciesParam) ? speciesParam : undefined;
  const offset = Math.max(0, Number.parseInt(params.get('offset') ?? '0', 10) || 0);
  const atcValid = atc === '' || ATC_PREFIX.test(atc);
  const atcShowError = atcSettled.trim() !== '' && !ATC_PREFIX.test(atcSettled.trim());

  const query: ProductQuery = {
    q: q || undefined,
    atc: atcValid ? atc || undefined : undefined,
    list: onList ? SOS_PRIORITISED_LIST : undefined,
    species,
    limit: PAGE_SIZE,
    offset,
  };
  const products = useApi(`products:${JSON.stringify(query)}`, (api, signal) => api.products(query, signal));
  // The placeholder suggests a product that exists here: the first of the whole catalogue.
  const first = useApi('products:placeholder', (api, signal) =>
    api.products({ limit: 1, offset: 0 }, signal),
  );
  const example = first.data?.items[0];
  const page = products.data;
  const filtered = Boolean(q || atc || onList || species);

  const clear = () => {
    setText('');
    setAtcText('');
    set({ q: undefined, atc: undefined, list: undefined, species: undefined, offset: undefined });
  };

  return (
    <>
      <PageHeader title={t('catalogue.title')} lead={t('catalogue.lead')} />

      <form className="card filter-panel" role="search" onSubmit={(event) => event.preventDefault()}>
        <div className="field field-search">
          <label htmlFor={ids.search}>{t('catalogue.search')}</label>
          <div className="search-input">
            <svg viewBox="0 0 20 20" aria-hidden="true">
              <circle cx="8.5" cy="8.5" r="5.5" fill="none" stroke="currentColor" strokeWidth="2" />
              <path d="M13 13l4.5 4.5" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
            </svg>
            <input
              id={ids.search}
              type="search"
              value={text}
              placeholder={
                example
                  ? t('catalogue.searchPlaceholder', {
                      name: example.name,
                      substance: example.substance,
                      atc: example.atcCode,
                    })
                  : t('catalogue.searchPlaceholderPlain')
              }
              autoComplete="off"
              spellCheck={false}
              maxLength={100}
              onChange={(event) => setText(event.target.value)}
            />
          </div>
        </div>
        <fieldset className="filter-row">
          <legend className="visually-hidden">{t('catalogue.filters')}</legend>
          <div className="field field-atc">
            <label htmlFor={ids.atc}>{t('catalogue.atc')}</label>
            <input
              id={ids.atc}
              type="text"
              className="mono-input"
              value={atcText}
              placeholder={t('catalogue.atcPlaceholder')}
              maxLength={7}
              autoComplete="off"
              spellCheck={false}
              aria-invalid={atcShowError}
              aria-describedby={atcShowError ? ids.atcError : undefined}
              onChange={(event) => setAtcText(event.target.value.toUpperCase())}
            />
            {atcShowError && (
              <span id={ids.atcError} className="field-error">
                {t('catalogue.atcInvalid')}
              </span>
            )}
          </div>
          <div className="field field-species">
            <label htmlFor={ids.species}>{t('catalogue.species')}</label>
            <select
              id={ids.species}
              value={species ?? ''}
              onChange={(event) => set({ species: event.target.value || undefined, offset: undefined })}
            >
              <option value="">{t('catalogue.speciesAll')}</option>
              <option value="human">{t('catalogue.speciesHuman')}</option>
              <option value="veterinary">{t('catalogue.speciesVeterinary')}</option>
            </select>
          </div>
          <div className="field field-check">
            <input
              id={ids.list}
              type="checkbox"
              checked={onList}
              onChange={(event) =>
                set({ list: event.target.checked ? SOS_PRIORITISED_LIST : undefined, offset: undefined })
              }
            />
            <label htmlFor={ids.list}>{t('catalogue.sosList')}</label>
          </div>
          {filtered && (
            <button type="button" className="button button-link filter-clear" onClick={clear}>
              {t('catalogue.clear')}
            </button>
          )}
        </fieldset>
      </form>

      {products.status === 'error' ? (
        <ErrorState error={products.error} onRetry={products.reload} />
      ) : page && page.total === 0 && products.status === 'ready' ? (
        <EmptyState
          title={t('catalogue.emptyTitle')}
          action={
            filtered ? (
              <button type="button" className="button button-secondary" onClick={clear}>
                {t('catalogue.clear')}
              </button>
            ) : undefined
          }
        >
          {t('catalogue.emptyBody')}
        </EmptyState>
      ) : (
        <section className="card table-card" aria-labelledby="catalogue-count">
          <div className="card-header">
            <h2 id="catalogue-count" className="result-count" aria-live="polite" data-testid="result-count">
              {page
                ? page.total === 1
                  ? t('catalogue.countOne')
                  : t('catalogue.countOther', { n: formatNumber(page.total) })
                : t('state.loading')}
            </h2>
            {products.status === 'loading' && page && <Spinner label={t('catalogue.updating')} showLabel />}
          </div>
          <div className="table-scroll">
            <table className="data-table catalogue-table" aria-busy={products.status === 'loading'}>
              <caption className="visually-hidden">{t('catalogue.tableCaption')}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('col.name')}</th>
                  <th scope="col">{t('col.substance')}</th>
                  <th scope="col">{t('col.strength')}</th>
                  <th scope="col">{t('col.form')}</th>
                  <th scope="col">{t('col.pack')}</th>
                  <th scope="col">{t('col.atc')}</th>
                  <th scope="col">{t('col.company')}</th>
                  <th scope="col">{t('col.flags')}</th>
                  <th scope="col" className="num">
                    {t('col.price')}
                  </th>
                  <th scope="col" className="num">
                    {t('col.usableStock')}
                  </th>
                  <th scope="col">{t('col.risk')}</th>
                  <th scope="col">{t('col.notice')}</th>
                </tr>
              </thead>
              <tbody className={products.status === 'loading' && page ? 'is-stale' : undefined}>
                {page ? (
                  page.items.map((product) => <ProductRow key={product.id} product={product} />)
                ) : (
                  <SkeletonRows rows={10} columns={COLUMNS} />
                )}
              </tbody>
            </table>
          </div>
          {page && (page.total > page.limit || page.offset > 0) && (
            <div className="card-footer">
              <Pager
                total={page.total}
                limit={page.limit}
                offset={page.offset}
                onChange={(next) => set({ offset: next ? String(next) : undefined })}
              />
            </div>
          )}
        </section>
      )}
    </>
  );
}

function ProductRow({ product }: { product: Product }) {
  const { t, formatNumber } = useI18n();
  const price =
    product.priceSek === null
      ? '–'
      : formatNumber(product.priceSek, { style: 'currency', currency: 'SEK', minimumFractionDigits: 2 });
  return (
    <tr data-testid="product-row">
      <th scope="row">
        <Link to={`/products/${product.id}`} className="product-name">
          {product.name}
        </Link>
        <span className="cell-sub mono">
          {product.nordicArticleNumber
            ? t('catalogue.articleNumber', { n: product.nordicArticleNumber })
            : t('catalogue.nplPackId', { n: product.nplPackId })}
        </span>
      </th>
      <td>{product.substance}</td>
      <td className="nowrap">{product.strength}</td>
      <td>{product.form}</td>
      <td>{product.description || `${formatNumber(product.packSize)} ${product.packUnit}`}</td>
      <td className="mono nowrap">{product.atcCode}</td>
      <td>{product.company.name}</td>
      <td>
        <span className="badges">
          {product.parallelTraded && <Badge tone="info">{t('badge.parallel')}</Badge>}
          {product.licence && <Badge tone="warning">{t('badge.licence')}</Badge>}
          {product.species === 'veterinary' && <Badge tone="vet">{t('badge.veterinary')}</Badge>}
          {product.withdrawnOn && <Badge tone="danger">{t('badge.withdrawn')}</Badge>}
        </span>
      </td>
      <td className="num nowrap">{price}</td>
      <PictureCells packageId={product.id} />
    </tr>
  );
}

/**
 * A package's national usable stock, risk class and notice status from the situational picture
 * (GET /api/picture/items?package=): what the catalogue row is worth knowing before opening it.
 */
function PictureCells({ packageId }: { packageId: number }) {
  const { t, formatNumber } = useI18n();
  const item = useApi(`catalogue-picture:${packageId}`, (api, signal) =>
    api.pictureItems({ level: 'national', package: packageId, limit: 1, offset: 0 }, signal),
  );
  if (item.status === 'loading' && !item.data)
    return (
      <td colSpan={3} className="muted">
        …
      </td>
    );
  const found = item.data?.items[0];
  if (!found)
    return (
      <td colSpan={3} className="muted" data-testid="catalogue-no-picture">
        {t('catalogue.noPicture')}
      </td>
    );
  return (
    <>
      <td className="num nowrap" data-testid="catalogue-stock">
        {formatNumber(wholeStock(found.stock.usable))}
      </td>
      <td data-testid="catalogue-risk">
        <RiskBadge risk={found.riskClass} />
      </td>
      <td data-testid="catalogue-notice">
        {found.flags.activeNotice ? (
          <Badge tone="warning">{t('picture.flag.notice')}</Badge>
        ) : (
          <span className="muted">{t('catalogue.noticeNone')}</span>
        )}
      </td>
    </>
  );
}
