import type { ColumnType, Kysely } from 'kysely';
import type { ExemptReason } from '../../domain/obligation.js';
import type { Db, Tx } from '../database.js';
import type { Database } from '../schema.js';

/* Migration 0021/0022's tables as Kysely sees them, and who acts (docs/obligations.md). */

type DateCol = string;
export type Numeric = ColumnType<number, string | number, string | number>;
type Id = ColumnType<number, never, never>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface ObligationCalculationTable {
  id: Id;
  year: number;
  months: Numeric;
  revision_threshold: Numeric;
  cutoff: DateCol;
  basis_from: DateCol;
  basis_to: DateCol;
  list_id: number | null;
  label: string | null;
  computed_at: DefaultTimestamp;
  computed_by_org: number | null;
  computed_by_user: number | null;
}

export interface ObligationLineTable {
  calculation_id: number;
  company_id: number;
  package_id: number;
  basis_units: Numeric;
  volume: number;
  exempt_reason: ExemptReason | null;
  seller_on_cutoff: boolean;
  price_sek: Numeric | null;
}

export interface ObligationRevisionTable {
  id: Id;
  calculation_id: number;
  company_id: number;
  package_id: number;
  revised_on: DateCol;
  rolling_from: DateCol;
  rolling_to: DateCol;
  previous_basis: Numeric;
  rolling_basis: Numeric;
  previous_volume: number;
  new_volume: number;
  computed_at: DefaultTimestamp;
}

export interface ObligationDecisionTable {
  id: Id;
  year: number;
  company_id: number;
  version: number;
  calculation_id: number;
  valid_from: DateCol;
  decided_by_user: number | null;
  decided_by_org: number;
  decided_at: DefaultTimestamp;
  reason: string;
}

export interface ObligationDecisionLineTable {
  decision_id: number;
  package_id: number;
  volume: number;
  basis_units: Numeric;
  basis_from: DateCol;
  basis_to: DateCol;
  exempt_reason: ExemptReason | null;
  revision_id: number | null;
}

// A type alias, not an interface: Kysely's withTables needs an index signature.
export type ObligationTables = {
  obligation_calculation: ObligationCalculationTable;
  obligation_line: ObligationLineTable;
  obligation_revision: ObligationRevisionTable;
  obligation_decision: ObligationDecisionTable;
  obligation_decision_line: ObligationDecisionLineTable;
};

export type ObligationDb = Kysely<Database & ObligationTables>;

/** The store's database with the obligation tables (migration 0021) in its type. */
export function obligationDb(db: Db | Tx): ObligationDb {
  return db.withTables<ObligationTables>();
}

/** Who acts: the organisation and user of the token (null user: the CLI or the bench). */
export interface Actor {
  organisationId: number;
  userId: number | null;
  tokenId: number | null;
}

/** Bound parameters per statement stay below PGlite's 32,767. */
export const INSERT_CHUNK = 3_000;
