import type {
  DecisionBodyDto,
  InstructionDto,
  PlanDto,
  PlanSummaryDto,
} from '../api/redistribution.routes.js';
import type { Api } from './api-client.js';

/* Redistribution plans (issue 13 items 3–5): the API's own types and the calls the pages make. */

export type RedistributionPlan = PlanDto;
export type RedistributionSummary = PlanSummaryDto;
export type RedistributionInstruction = InstructionDto;
export type RedistributionDecision = DecisionBodyDto;

export const listRedistributions = (api: Api, signal?: AbortSignal, caseId?: number | null) =>
  api.request<RedistributionSummary[]>('/api/redistributions', {
    signal,
    ...(caseId ? { query: { case: caseId } } : {}),
  });

export const redistribution = (api: Api, id: number, signal?: AbortSignal) =>
  api.request<RedistributionPlan>(`/api/redistributions/${id}`, { signal });

export const computeRedistribution = (api: Api, body: object) =>
  api.request<RedistributionPlan>('/api/redistributions', { method: 'POST', body });

export const decideRedistribution = (api: Api, id: number, body: RedistributionDecision) =>
  api.request<RedistributionPlan>(`/api/redistributions/${id}/decision`, { method: 'POST', body });

export const myInstructions = (api: Api, signal?: AbortSignal) =>
  api.request<RedistributionInstruction[]>('/api/redistributions/instructions', { signal });

export const confirmTransfer = (api: Api, id: number, line: number, what: 'sent' | 'received') =>
  api.request<unknown>(`/api/redistributions/${id}/transfers/${line}/${what}`, { method: 'POST' });

export const withdrawRedistribution = (api: Api, id: number, reason: string) =>
  api.request<RedistributionPlan>(`/api/redistributions/${id}/withdrawal`, {
    method: 'POST',
    body: { reason },
  });
