import { queryOptions, useQuery } from '@tanstack/react-query';
import type { AuditListing } from '../api/audit';
import { fetchJson } from './fetch-json';

export type AuditResponse = AuditListing;

export interface AuditFilters {
  backend?: string;
  action?: string;
  outcome?: string;
  user?: string;
  /** One record (a mutation's `auditId`). */
  id?: string;
  limit?: number;
  /** `show`: also the records Lockboard did not write, flagged. */
  foreign?: string;
}

export const auditKeys = {
  all: ['audit'] as const,
  list: (filters: AuditFilters) => ['audit', filters] as const,
};

export function auditUrl(filters: AuditFilters): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(filters)) if (value !== undefined && value !== '') params.set(name, String(value));
  const qs = params.toString();
  return qs ? `/api/audit?${qs}` : '/api/audit';
}

export function fetchAudit(filters: AuditFilters): Promise<AuditResponse> {
  return fetchJson<AuditResponse>(auditUrl(filters));
}

/** Audit records, newest first, refreshed every `pollMs`. */
export function auditQuery(filters: AuditFilters, pollMs: number) {
  return queryOptions({ queryKey: auditKeys.list(filters), queryFn: () => fetchAudit(filters), refetchInterval: pollMs, refetchIntervalInBackground: false });
}

export function useAudit(filters: AuditFilters, pollMs: number) {
  return useQuery(auditQuery(filters, pollMs));
}
