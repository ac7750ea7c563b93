import type { Product, ProductQuery } from '../api-client.js';
import { Badge } from '../components/badge.js';
import { PageHeader } from '../components/page-header.js';
import { CardPager } from '../components/pager.js';
import { ResultCard } from '../components/table-card.js';
import { DataTable, num } from '../components/data-table.js';
import {
  AtcField,
  CheckField,
  FilterPanel,
  FilterRow,
  SearchField,
  SelectField,
} from '../components/fields.js';
import { EmptyState, ErrorState } from '../components/states.js';
import { useI18n } from '../i18n.js';
import { SOS_PRIORITISED_LIST } from '../labels.js';
import { RiskBadge } from '../components/picture.js';
import { formatStock } from '../components/runs-out.js';
import { Link, useQueryState } from '../router.js';
import { useApi } from '../use-api.js';
import { useDebouncedParam } from '../use-debounced-param.js';

const PAGE_SIZE = 25;
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

      <FilterPanel>
        <SearchField
          icon
          label={t('catalogue.search')}
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
          onChange={setText}
        />
        <FilterRow legend={t('catalogue.filters')} onClear={filtered ? clear : undefined}>
          <AtcField
            value={atcText}
            invalid={atcShowError}
            error={t('catalogue.atcInvalid')}
            onChange={setAtcText}
          />
          <SelectField
            className="field-species"
            label={t('catalogue.species')}
            value={species ?? ''}
            all={t('catalogue.speciesAll')}
            options={[
              { value: 'human', label: t('catalogue.speciesHuman') },
              { value: 'veterinary', label: t('catalogue.speciesVeterinary') },
            ]}
            onChange={(value) => set({ species: value || undefined, offset: undefined })}
          />
          <CheckField
            label={t('catalogue.sosList')}
            checked={onList}
            onChange={(checked) =>
              set({ list: checked ? SOS_PRIORITISED_LIST : undefined, offset: undefined })
            }
          />
        </FilterRow>
      </FilterPanel>

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
        <ResultCard
          id="catalogue-count"
          count={
            page &&
            (page.total === 1
              ? t('catalogue.countOne')
              : t('catalogue.countOther', { n: formatNumber(page.total) }))
          }
          updating={products.status === 'loading' && page !== undefined}
        >
          <DataTable
            className="catalogue-table"
            columns={[
              'col.name',
              'col.substance',
              'col.strength',
              'col.form',
              'col.pack',
              'col.atc',
              'col.company',
              'col.flags',
              num('col.price'),
              num('col.usableStock'),
              'col.risk',
              'col.notice',
            ]}
            caption={t('catalogue.tableCaption')}
            loading={products.status === 'loading'}
            skeletonRows={10}
            rows={page?.items.map((product) => (
              <ProductRow key={product.id} product={product} />
            ))}
          />
          <CardPager page={page} />
        </ResultCard>
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
        {formatStock(formatNumber, found.stock.usable)}
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
