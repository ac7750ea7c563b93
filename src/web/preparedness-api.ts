import type { Static } from '@sinclair/typebox';
import type { FundsDto, FundUseBody, FundUseDto } from '../api/funds.routes.js';
import type { RegionalScorecardDto, RegionalTargetSummaryDto } from '../api/regional-target.routes.js';
import type { Api } from './api-client.js';

/*
 * The regions' one-month target and the preparedness funds (R2, issue 12 items 6 and 7): types from the
 * API's own schemas and the calls the pages make, over the session's `api.request`.
 */

export type RegionalTargetSummary = RegionalTargetSummaryDto;
export type RegionalScorecard = RegionalScorecardDto;
export type TargetStatus = RegionalScorecard['items'][number]['status'];
export type Funds = FundsDto;
export type FundAgreement = Funds['agreements'][number];
export type FundState = FundAgreement['regions'][number]['state'];
export type FundUse = FundUseDto;
export type FundUseInput = Static<typeof FundUseBody>;

export const regionalTargetSummary = (api: Api, signal?: AbortSignal) =>
  api.request<RegionalTargetSummary>('/api/preparedness/regional-target', { signal });

export const regionalScorecard = (api: Api, region: string, signal?: AbortSignal) =>
  api.request<RegionalScorecard>(`/api/preparedness/regional-target/${encodeURIComponent(region)}`, {
    signal,
  });

/** The funds on a day (`on`, YYYY-MM-DD; default today in Sweden). */
export const funds = (api: Api, on: string | undefined, signal?: AbortSignal) =>
  api.request<Funds>('/api/preparedness/funds', { query: { on }, signal });

export const recordFundUse = (api: Api, body: FundUseInput) =>
  api.request<FundUse>('/api/preparedness/funds/uses', { method: 'POST', body });
