import type { Static } from '@sinclair/typebox';
import type { ErrorBody } from '../api/errors.js';
import type { LocationDto } from '../api/location.routes.js';
import type { ImportDto, RegisterRecordDto } from '../api/master-data.routes.js';
import type { MeDto } from '../api/me.routes.js';
import type { NoticeHistoryDto, NoticesPageDto } from '../api/notice.routes.js';
import type { OrganisationDto } from '../api/organisation.routes.js';
import type { ReportingLocationsPageDto, ReportingOrganisationsPageDto } from '../api/reporting.routes.js';
import type { ItemDto, NoticeDto } from '../api/picture/dto.js';
import type {
  ItemsPageDto,
  LocationPageDto,
  MapDto,
  OverviewDto,
  ProductPageDto,
  RegionPageDto,
} from '../api/picture/routes.js';
import type { ProductTrendsDto } from '../api/picture/trends.js';
import type { ProductDto } from '../api/product.routes.js';
import type { MunicipalityDto, RegionDto } from '../api/region.routes.js';
import type { WherePageDto } from '../api/picture/where.js';
import type { ReceiptDto } from '../api/report.routes.js';
import type {
  CalculationDto,
  DecisionDto,
  InForceDto,
  LinesDto,
  RevisionDto,
  WhatIfDto,
} from '../api/obligation.routes.js';

/*
 * The dashboard's only way to the API. The types come from the API's own TypeBox schemas (type-only
 * imports, erased from the bundle), so a change to a response shape breaks the dashboard's typecheck
 * instead of its users.
 */

export type Me = Static<typeof MeDto>;
export type Region = Static<typeof RegionDto>;
export type Product = Static<typeof ProductDto>;
export type Location = Static<typeof LocationDto>;
export type Organisation = Static<typeof OrganisationDto>;
/** The receipt of a report (accepted or refused), as POST and GET /api/reports answer. */
export type Receipt = Static<typeof ReceiptDto>;
/** A package's record in the product register (NPL) and its versions (GET /api/products/{id}/register). */
export type RegisterRecord = Static<typeof RegisterRecordDto>;
/** An import of a register (NPL or the prioritised list) and what it changed. */
export type RegisterImport = Static<typeof ImportDto>;
/** The URL segment of each report kind (POST /api/reports/{path}). */
export type ReportPath =
  'stock-snapshots' | 'stock-differences' | 'sales' | 'expected-deliveries' | 'shortage-notices';
export interface Municipality {
  code: string;
  name: string;
  population: number;
}
export type RegionDetail = Region & { municipalities: Municipality[] };

/** The situational picture (GET /api/picture/...). Every answer carries its information class. */
export type PictureOverview = Static<typeof OverviewDto>;
export type PictureItem = ItemDto;
export type PictureItemsPage = Static<typeof ItemsPageDto>;
export type PictureNotice = NoticeDto;
export type PictureMap = Static<typeof MapDto>;
/** The register of shortage notices (GET /api/notices) and one notice's versions. */
export type NoticesPage = Static<typeof NoticesPageDto>;
export type RegisterNotice = NoticesPage['items'][number];
export type NoticeStatus = RegisterNotice['status'];
export type NoticeHistory = Static<typeof NoticeHistoryDto>;
/** Who has reported (GET /api/reporting/...). */
export type ReportingLocations = Static<typeof ReportingLocationsPageDto>;
export type ReportingOrganisations = Static<typeof ReportingOrganisationsPageDto>;
export type ReportingStatus = ReportingLocations['items'][number]['status'];
export type PictureProduct = Static<typeof ProductPageDto>;
export type PictureRegion = Static<typeof RegionPageDto>;
/** Trends and outlook of a package (GET /api/picture/products/{id}/trends). */
export type PictureTrends = Static<typeof ProductTrendsDto>;
/** Where is it? (GET /api/picture/where): the locations holding a package or group, in detail. */
export type PictureWhere = Static<typeof WherePageDto>;
export type PictureWhereRow = PictureWhere['items'][number];
/** One location's coverage per package (GET /api/picture/locations/{id}). */
export type PictureLocation = Static<typeof LocationPageDto>;
/** A municipality of the country list (GET /api/municipalities). */
export type MunicipalityListItem = Static<typeof MunicipalityDto>;
export type Classification = PictureOverview['classification'];
export type RiskClass = PictureItem['riskClass'];
/** Which item the map shows: one package, or one group of interchangeable packages. */
export type MapSubject = { package: number } | { group: string };

/** Stockpiling obligations (GET /api/obligations/...), issue 12. */
export type ObligationCalculation = Static<typeof CalculationDto>;
export type ObligationLines = Static<typeof LinesDto>;
export type ObligationLine = ObligationLines['items'][number];
export type ObligationWhatIf = Static<typeof WhatIfDto>;
export type ObligationDecision = Static<typeof DecisionDto>;
export type ObligationsInForce = Static<typeof InForceDto>;
export type ObligationRevision = Static<typeof RevisionDto>;
export interface ObligationAccess {
  seesAllCompanies: boolean;
  decides: boolean;
}

/** The dashboard's language for the server's messages: Swedish unless the page is in English. */
function uiLanguage(): 'sv' | 'en' {
  return typeof document !== 'undefined' && document.documentElement.lang === 'en' ? 'en' : 'sv';
}

/** A page of a list, as every list route answers. */
export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

export type Problem = ErrorBody['error']['problems'][number];

/** Error kinds the server sends, plus `network` (no answer) and `internal` (a 500 or an unreadable body). */
export type ApiErrorKind = ErrorBody['error']['kind'] | 'network';

/** A failed API call, with the server's error body turned into one readable message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly kind: ApiErrorKind,
    message: string,
    readonly problems: readonly Problem[] = [],
    readonly correlationId: string | undefined = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function isApiError(err: unknown): err is ApiError {
  return err instanceof ApiError;
}

export function isAbort(err: unknown): boolean {
  return err instanceof DOMException && err.name === 'AbortError';
}

type QueryValue = string | number | boolean | undefined | null;
export type Query = Record<string, QueryValue>;

/** `?a=1&b=x`, leaving out empty values so that "no filter" sends nothing. */
export function toQueryString(query: Query | undefined): string {
  if (!query) return '';
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '' || value === false) continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

/** The server's message, followed by each problem it names that the message does not already say. */
export function readableMessage(body: ErrorBody['error']): string {
  const extra = body.problems
    .map((p) => (p.field && !p.message.includes(p.field) ? `${p.field}: ${p.message}` : p.message))
    .filter((text) => !body.message.includes(text));
  return extra.length ? `${body.message} (${extra.join('; ')})` : body.message;
}

function isErrorBody(value: unknown): value is ErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

async function toApiError(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => '');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (isErrorBody(body)) {
    const e = body.error;
    return new ApiError(response.status, e.kind, readableMessage(e), e.problems ?? [], e.correlationId);
  }
  const kind =
    response.status === 401 ? 'unauthenticated' : response.status === 404 ? 'not_found' : 'internal';
  return new ApiError(response.status, kind, `${response.status} ${response.statusText}`.trim());
}

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  query?: Query | undefined;
  /** A plain object or array is sent as JSON; a string, Blob or FormData as it is (e.g. a CSV upload). */
  body?: unknown;
  /** Extra headers, e.g. the Content-Type of a string body. */
  headers?: Record<string, string>;
  signal?: AbortSignal | undefined;
}

function encodeBody(body: unknown): { body: BodyInit | undefined; contentType: string | undefined } {
  if (body === undefined) return { body: undefined, contentType: undefined };
  if (typeof body === 'string' || body instanceof Blob || body instanceof FormData)
    return { body, contentType: undefined };
  return { body: JSON.stringify(body), contentType: 'application/json' };
}

/**
 * Calls the API with the bearer token and resolves with the JSON answer (undefined for 204).
 * Rejects with ApiError, or with an AbortError when `signal` aborts.
 */
export async function apiRequest<T>(token: string, path: string, options: RequestOptions = {}): Promise<T> {
  const { body, contentType } = encodeBody(options.body);
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: `Bearer ${token}`,
    // Coded problems come back in the dashboard's language (set on <html lang> by the I18nProvider).
    'Accept-Language': uiLanguage(),
  };
  if (contentType) headers['Content-Type'] = contentType;
  let response: Response;
  try {
    response = await fetch(`${path}${toQueryString(options.query)}`, {
      method: options.method ?? 'GET',
      headers: { ...headers, ...options.headers },
      body: body ?? null,
      signal: options.signal ?? null,
    });
  } catch (err) {
    if (isAbort(err)) throw err;
    throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
  }
  if (!response.ok) throw await toApiError(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export interface ProductQuery {
  q?: string | undefined;
  atc?: string | undefined;
  list?: string | undefined;
  species?: 'human' | 'veterinary' | undefined;
  company?: number | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface NoticeQuery {
  q?: string | undefined;
  company?: number | undefined;
  atc?: string | undefined;
  prioritised?: boolean | undefined;
  kind?: 'shortage' | 'sales_stop' | undefined;
  status?: NoticeStatus | undefined;
  late?: boolean | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface LocationQuery {
  region?: string | undefined;
  municipality?: string | undefined;
  kind?: Location['kind'] | undefined;
  organisation?: number | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

export interface OrganisationQuery {
  kind?: Organisation['kind'] | undefined;
  region?: string | undefined;
  q?: string | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
}

/**
 * Typed helpers for every route the dashboard uses, bound to one token. A page adds its routes here,
 * so that paths and response types live in one place.
 */
export function createApi(token: string) {
  const get = <T>(path: string, query?: Query, signal?: AbortSignal) =>
    apiRequest<T>(token, path, { query, signal });
  return {
    /** Any call not covered below, e.g. `request<Receipt>('/api/reports', { method: 'POST', body })`. */
    request: <T>(path: string, options?: RequestOptions) => apiRequest<T>(token, path, options),
    me: (signal?: AbortSignal) => get<Me>('/api/me', undefined, signal),
    regions: (signal?: AbortSignal) => get<Page<Region>>('/api/regions', { limit: 100 }, signal),
    region: (code: string, signal?: AbortSignal) =>
      get<RegionDetail>(`/api/regions/${encodeURIComponent(code)}`, undefined, signal),
    products: (query: ProductQuery, signal?: AbortSignal) =>
      get<Page<Product>>('/api/products', { ...query }, signal),
    product: (id: number, signal?: AbortSignal) => get<Product>(`/api/products/${id}`, undefined, signal),
    productRegister: (id: number, signal?: AbortSignal) =>
      get<RegisterRecord>(`/api/products/${id}/register`, undefined, signal),
    /** Imports of the registers the caller may import, newest first (without the change lists). */
    registerImports: (query: { limit?: number; offset?: number }, signal?: AbortSignal) =>
      get<Page<RegisterImport>>('/api/master-data/imports', { ...query }, signal),
    registerImport: (id: number, signal?: AbortSignal) =>
      get<RegisterImport>(`/api/master-data/imports/${id}`, undefined, signal),
    locations: (query: LocationQuery, signal?: AbortSignal) =>
      get<Page<Location>>('/api/locations', { ...query }, signal),
    organisations: (query: OrganisationQuery, signal?: AbortSignal) =>
      get<Page<Organisation>>('/api/organisations', { ...query }, signal),
    /** The caller's organisation's reports, newest first. */
    reports: (
      query: { limit?: number; offset?: number; status?: 'accepted' | 'rejected' },
      signal?: AbortSignal,
    ) => get<Page<Receipt>>('/api/reports', { ...query }, signal),
    notices: (query: NoticeQuery, signal?: AbortSignal) =>
      get<NoticesPage>('/api/notices', { ...query }, signal),
    noticeHistory: (id: number, signal?: AbortSignal) =>
      get<NoticeHistory>(`/api/notices/${id}/history`, undefined, signal),
    reportingLocations: (
      query: { status?: ReportingStatus; organisation?: number; limit?: number; offset?: number },
      signal?: AbortSignal,
    ) => get<ReportingLocations>('/api/reporting/locations', { ...query }, signal),
    reportingOrganisations: (
      query: { overdue?: boolean; limit?: number; offset?: number },
      signal?: AbortSignal,
    ) => get<ReportingOrganisations>('/api/reporting/organisations', { ...query }, signal),
    /** The national overview, or a region's (`region`: its code). */
    pictureOverview: (signal?: AbortSignal, region?: string) =>
      get<PictureOverview>('/api/picture/overview', { region }, signal),
    pictureItems: (query: Query, signal?: AbortSignal) =>
      get<PictureItemsPage>('/api/picture/items', query, signal),
    pictureMap: (subject: MapSubject, signal?: AbortSignal) =>
      get<PictureMap>('/api/picture/map', { ...subject }, signal),
    pictureProduct: (id: number, signal?: AbortSignal) =>
      get<PictureProduct>(`/api/picture/products/${id}`, undefined, signal),
    pictureTrends: (id: number, region: string | undefined, signal?: AbortSignal) =>
      get<PictureTrends>(`/api/picture/products/${id}/trends`, region ? { region } : undefined, signal),
    pictureWhere: (query: Query, signal?: AbortSignal) =>
      get<PictureWhere>('/api/picture/where', query, signal),
    pictureLocation: (id: number, query: Query, signal?: AbortSignal) =>
      get<PictureLocation>(`/api/picture/locations/${id}`, query, signal),
    /** Every municipality of the country, by name (290: one page). */
    municipalities: (signal?: AbortSignal) =>
      get<Page<MunicipalityListItem>>('/api/municipalities', { limit: 500 }, signal),
    pictureRegion: (code: string, signal?: AbortSignal) =>
      get<PictureRegion>(`/api/picture/regions/${encodeURIComponent(code)}`, undefined, signal),
    /**
     * A file the API sends with the bearer token (an export or the printable report): a plain link
     * cannot carry the token, so the page fetches the file and hands it to the browser.
     */
    file: async (path: string, query?: Query): Promise<{ blob: Blob; fileName: string | undefined }> => {
      let response: Response;
      try {
        response = await fetch(`${path}${toQueryString(query)}`, {
          headers: { Authorization: `Bearer ${token}` },
        });
      } catch (err) {
        throw new ApiError(0, 'network', err instanceof Error ? err.message : String(err));
      }
      if (!response.ok) throw await toApiError(response);
      const disposition = response.headers.get('content-disposition') ?? '';
      const fileName = /filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1];
      return { blob: await response.blob(), fileName: fileName ? decodeURIComponent(fileName) : undefined };
    },
    /** Sends a report file as it is; the server reads CSV, JSON or FHIR by the content type. */
    sendReport: (
      path: ReportPath,
      file: Blob,
      options: { fileName?: string; clientRef?: string; contentType: string },
    ) =>
      apiRequest<Receipt>(token, `/api/reports/${path}`, {
        method: 'POST',
        body: file,
        headers: { 'Content-Type': options.contentType },
        query: { fileName: options.fileName, clientRef: options.clientRef },
      }),
  };
}

export type Api = ReturnType<typeof createApi>;
