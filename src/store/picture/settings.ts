import type { RiskThresholds } from '../../domain/risk.js';

/** The code of Socialstyrelsen's list of medicines for care that cannot wait (the prioritised list). */
export const PRIORITISED_LIST_CODE = 'sos-prioritised';
/** Above this many locations in one refresh, stock and items are rebuilt rather than moved. */
export const DEFAULT_DELTA_LIMIT = 400;
/**
 * Above this many item rows to move (lines changed × the areas each feeds: its region and the nation,
 * for a warehouse every region and the nation), one refresh rebuilds the items instead (stock mode;
 * with at most deltaLimit locations their stock is still moved by the delta, not rebuilt). Our
 * choice, from bench/lagesbild.ts at national scale: moving an item costs ~0.8 ms (its usable stock is
 * drawn again from all its lots), a stock rebuild ~120 s for ~924,000 items, so a move of more than
 * ~150,000 item rows is slower than the rebuild (one warehouse's snapshot, 25,000 lines × 22 areas:
 * 392 s moved; 149 s with the items rebuilt and the stock moved, docs/benchmarks.md 2026-12-04).
 */
export const DEFAULT_DELTA_ITEM_LIMIT = 150_000;
/** "One year earlier" for the seasonal window, as in src/domain/demand.ts. */
export const YEAR_DAYS = 365;
/** A run-out date further away than this is not a date anyone plans by; stored as none. */
export const MAX_RUN_OUT_DAYS = 36_500;

export interface RefreshPictureOptions {
  /** The day the picture describes. A different day than the stored picture's means a full refresh. */
  today: string;
  /**
   * Locations whose stock changed (a snapshot or difference report): only their contribution to the
   * aggregates is replaced, and only their packages' items are recomputed.
   */
  locationIds?: readonly number[];
  /**
   * Packages whose sales, notices, expected deliveries or catalogue entry changed: their demand and
   * items are recomputed in every area.
   */
  packageIds?: readonly number[];
  /** Rebuild everything even when an incremental refresh would do. */
  full?: boolean;
  /**
   * Above this many locations in one refresh, stock and items are rebuilt from all current stock
   * (demand kept) instead of moved by each location's delta: a day's wave of snapshots is cheaper to
   * rebuild. Default 400 (a fifth of the country's locations; measured in bench/lagesbild.ts).
   */
  deltaLimit?: number;
  /** Above this many item rows to move, stock and items are rebuilt too (DEFAULT_DELTA_ITEM_LIMIT). */
  deltaItemLimit?: number;
  /**
   * Minimum remaining shelf life at dispensing, in days: a lot is usable only until this many days
   * before its expiry (see usableBeforeExpiry in src/domain/coverage.ts). Default 0, our choice.
   */
  minShelfLifeDays?: number;
  thresholds?: Partial<RiskThresholds>;
}

export interface RefreshPictureResult {
  /**
   * `stock`: items rebuilt, demand kept; the stock rebuilt too for many locations at once (more than
   * deltaLimit), moved by the delta for few.
   */
  mode: 'full' | 'incremental' | 'stock';
  /** Why a full refresh was chosen (first refresh, new day, settings, asked for). */
  reason: string | null;
  today: string;
  windowEnd: string;
  /** Packages whose items were recomputed. */
  packages: number;
  /** Milliseconds per step, and in all. */
  steps: Record<string, number>;
  milliseconds: number;
}

/** A region's sales window (src/store/picture/demand.ts findRegionWindows). */
export interface RegionWindow {
  regionCode: string;
  /** The last day its sales cover; null when it has none. */
  salesThrough: string | null;
  /** min(today - 1, salesThrough): the last day its demand counts. */
  windowEnd: string;
}

export interface Settings {
  today: string;
  /** The latest region's window end (nationally: the months of the sales history end here). */
  windowEnd: string;
  salesThrough: string | null;
  /** Each region's own window: its demand is estimated to its own last reported day. */
  regionWindows: readonly RegionWindow[];
  minShelfLifeDays: number;
  thresholds: RiskThresholds;
}

export type Step = <T>(name: string, fn: () => Promise<T>) => Promise<T>;
