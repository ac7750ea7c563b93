import { sql } from 'kysely';
import { calendarDateInSweden } from '../../domain/calendar.js';
import type { Store } from '../database.js';
import { isDatabaseUnavailable } from '../database-errors.js';
import { refreshPicture, type RefreshPictureResult } from './refresh.js';
import { findPictureState } from './repository.js';

/** What an accepted report changed, for the picture: stock of locations, or packages' other facts. */
export interface ReportEffect {
  locationIds: number[];
  packageIds: number[];
}

/** Reads back which locations and packages an accepted report wrote facts for. */
export async function reportEffect(store: Store, reportId: number): Promise<ReportEffect> {
  const { rows } = await sql<{ location_id: number | null; package_id: number | null }>`
    SELECT location_id, NULL::bigint AS package_id FROM stock_snapshot WHERE report_id = ${reportId}
    UNION
    SELECT location_id, NULL::bigint FROM stock_difference_line WHERE report_id = ${reportId}
    UNION
    SELECT NULL::bigint, package_id FROM sales WHERE report_id = ${reportId}
    UNION
    SELECT NULL::bigint, package_id FROM shortage_notice WHERE report_id = ${reportId}
    UNION
    SELECT NULL::bigint, package_id FROM expected_delivery WHERE report_id = ${reportId}`.execute(store.db);
  const locationIds: number[] = [];
  const packageIds: number[] = [];
  for (const r of rows) {
    if (r.location_id !== null) locationIds.push(Number(r.location_id));
    if (r.package_id !== null) packageIds.push(Number(r.package_id));
  }
  return { locationIds, packageIds };
}

export type PictureMaintainerState = 'idle' | 'refreshing' | 'failed';

export interface PictureMaintainerStatus {
  state: PictureMaintainerState;
  /** Locations and packages waiting for the next refresh. */
  pendingLocations: number;
  pendingPackages: number;
  lastRefresh: Pick<RefreshPictureResult, 'mode' | 'reason' | 'today' | 'milliseconds'> | null;
  lastError: string | null;
}

export interface PictureMaintainerOptions {
  /** Today's date in Sweden ('YYYY-MM-DD'); the clock by default. */
  today?: () => string;
  /** Wait this long after a report before refreshing, to take reports arriving together at once. */
  debounceMs?: number;
  /**
   * After a failed refresh, try again (the pending work is kept): first after `firstRetryMs`, then
   * twice as long after each further failure, up to `retryMs`. So when the database comes back after
   * an outage, the picture resumes within seconds, while a database that stays away is not hammered.
   * A report accepted after a refresh failed for want of the database ends the wait at once: the
   * database is back.
   */
  retryMs?: number;
  firstRetryMs?: number;
  /** How often to look whether the day has changed (a new day means a full refresh). */
  dayCheckMs?: number;
  log?: (message: string) => void;
  /** Called after each successful refresh (the alerts evaluate then); must not block (it is not awaited). */
  onRefreshed?: () => void;
}

/**
 * Keeps the situational picture's maintained aggregates up to date while the server runs
 * (docs/lagesbild.md, "Wiring into ingest").
 *
 * - `ensureCurrent()` at start-up: a full refresh when there is no picture yet or it is of another day.
 * - `afterReport(id)` after each accepted report: its locations and packages are queued, and one
 *   refresh takes everything queued within `debounceMs` (a wave of reports becomes one refresh; above
 *   the refresh's delta limit it rebuilds stock instead of moving it location by location).
 * - A timer notices a new day and refreshes in full.
 *
 * Refreshes run one at a time. A failed refresh changes nothing (it is one transaction); its work stays
 * queued and is tried again after `retryMs`. Reports are never held up by the picture: the reporter has
 * its receipt before the refresh starts, and the picture says when it was last refreshed.
 */
export class PictureMaintainer {
  private readonly today: () => string;
  private readonly debounceMs: number;
  private readonly retryMs: number;
  private readonly firstRetryMs: number;
  /** Failed refreshes in a row (for the retry's back-off). */
  private failures = 0;
  /** Whether the last refresh failed because the database was unavailable (database-errors.ts). */
  private failedUnavailable = false;
  /** Accepted reports whose effect could not be read yet (the database was away): read at the next refresh. */
  private readonly pendingReports = new Set<number>();
  private readonly dayCheckMs: number;
  private readonly log: (message: string) => void;
  private readonly onRefreshed: () => void;
  private readonly pendingLocations = new Set<number>();
  private readonly pendingPackages = new Set<number>();
  private wantFull = false;
  /**
   * This maintainer has seen a picture (computed it, or found it): one that is gone later was lost
   * (PostgreSQL empties the unlogged picture tables when it recovers from a crash), not yet to be made.
   */
  private pictureSeen = false;
  private running: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private dayTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  private state: PictureMaintainerState = 'idle';
  private lastRefresh: PictureMaintainerStatus['lastRefresh'] = null;
  private lastError: string | null = null;
  private readonly waiters: (() => void)[] = [];
  /** afterReport calls still reading what their report changed. */
  private intake = 0;

  constructor(
    private readonly store: Store,
    options: PictureMaintainerOptions = {},
  ) {
    this.today = options.today ?? (() => calendarDateInSweden(new Date()));
    this.debounceMs = options.debounceMs ?? 200;
    this.retryMs = options.retryMs ?? 30_000;
    this.firstRetryMs = Math.min(options.firstRetryMs ?? 1_000, this.retryMs);
    this.dayCheckMs = options.dayCheckMs ?? 60_000;
    this.log = options.log ?? (() => undefined);
    this.onRefreshed = options.onRefreshed ?? (() => undefined);
  }

  /** Starts watching for a new day. */
  start(): void {
    if (this.dayTimer !== null || this.stopped) return;
    this.dayTimer = setInterval(() => void this.checkDay(), this.dayCheckMs);
    this.dayTimer.unref();
  }

  /** Stops the timers and waits for a running refresh to end. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    if (this.dayTimer !== null) clearInterval(this.dayTimer);
    this.timer = this.dayTimer = null;
    await this.running;
    for (const resolve of this.waiters.splice(0)) resolve();
  }

  status(): PictureMaintainerStatus {
    return {
      state: this.state,
      pendingLocations: this.pendingLocations.size,
      pendingPackages: this.pendingPackages.size,
      lastRefresh: this.lastRefresh,
      lastError: this.lastError,
    };
  }

  /** Whether the stored picture describes today (false when there is none). */
  async isCurrent(): Promise<boolean> {
    const state = await findPictureState(this.store.db);
    return state !== undefined && state.today === this.today();
  }

  /** A full refresh now when there is no picture or it describes another day; otherwise nothing. */
  async ensureCurrent(): Promise<void> {
    if (await this.isCurrent()) {
      this.pictureSeen = true;
      return;
    }
    this.wantFull = true;
    this.state = 'idle';
    this.schedule(0);
    await this.idle();
    if (this.status().state === 'failed')
      throw new Error(`the situational picture could not be computed: ${this.lastError}`);
  }

  /**
   * Queues the picture's refresh for an accepted report. Before the first picture exists there is
   * nothing to maintain (start-up builds it in full), so nothing is queued.
   */
  async afterReport(reportId: number): Promise<void> {
    if (this.stopped) return;
    this.intake += 1;
    try {
      if ((await findPictureState(this.store.db)) !== undefined) this.pictureSeen = true;
      // No picture yet: the first is computed at start-up (ensureCurrent), with every report. One that
      // was lost is rebuilt in full by the next refresh, and this report must not miss it: a report
      // accepted while that rebuild runs (its picture_state not yet committed) is queued, not dropped.
      else if (!this.pictureSeen) return;
      const effect = await reportEffect(this.store, reportId);
      for (const id of effect.locationIds) this.pendingLocations.add(id);
      for (const id of effect.packageIds) this.pendingPackages.add(id);
      // The last refresh failed for want of the database, which has just answered: the back-off (up
      // to retryMs) is over, and the picture follows the reports again now.
      if (this.state === 'failed' && this.failedUnavailable && this.running === null && this.timer !== null) {
        clearTimeout(this.timer);
        this.timer = null;
        this.schedule(this.debounceMs);
      }
      if (effect.locationIds.length > 0 || effect.packageIds.length > 0) this.schedule(this.debounceMs);
    } catch (err) {
      // The report is stored, but what it changed could not be read (the database went away just
      // after): the next refresh reads it, so the picture does not miss it.
      this.pendingReports.add(reportId);
      this.log(`lägesbild: report ${reportId} is queued for the next refresh: ${String(err)}`);
      this.schedule(this.debounceMs);
    } finally {
      this.intake -= 1;
      this.wakeIfIdle();
    }
  }

  private wakeIfIdle(): void {
    if (this.isIdle()) for (const resolve of this.waiters.splice(0)) resolve();
  }

  /** Resolves when nothing is queued or running (or the maintainer is stopped). */
  idle(): Promise<void> {
    if (this.isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  private isIdle(): boolean {
    if (this.stopped) return true;
    if (this.running !== null || this.intake > 0) return false;
    // After a failure the work waits for its retry; whoever waits is told now (status() says why).
    if (this.state === 'failed') return true;
    return (
      this.timer === null &&
      !this.wantFull &&
      this.pendingReports.size === 0 &&
      this.pendingLocations.size === 0 &&
      this.pendingPackages.size === 0
    );
  }

  private async checkDay(): Promise<void> {
    if (this.running !== null || this.stopped) return;
    try {
      const state = await findPictureState(this.store.db);
      if (state === undefined && this.pictureSeen) {
        // Lost (the database recovered from a crash and emptied the unlogged picture tables).
        this.log(`lägesbild: the picture is gone from the database (a crash empties it): rebuilding it`);
        this.wantFull = true;
        this.schedule(0);
      } else if (state !== undefined && state.today !== this.today()) {
        this.wantFull = true;
        this.schedule(0);
      }
    } catch (err) {
      this.log(`lägesbild: could not read the picture's day: ${String(err)}`);
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped || this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      if (this.running !== null) {
        // The running refresh reschedules when it ends and sees the queue.
        return;
      }
      this.running = this.refresh().finally(() => {
        this.running = null;
        if (this.stopped) return;
        if (this.state === 'failed') {
          this.timer = setTimeout(() => {
            this.timer = null;
            this.schedule(0);
          }, this.retryDelay());
          this.timer.unref();
        } else if (
          this.wantFull ||
          this.pendingReports.size > 0 ||
          this.pendingLocations.size > 0 ||
          this.pendingPackages.size > 0
        ) {
          this.schedule(this.debounceMs);
        }
        this.wakeIfIdle();
      });
    }, delayMs);
    this.timer.unref();
  }

  /** The wait before the next try after `failures` failed refreshes in a row. */
  private retryDelay(): number {
    return Math.min(this.retryMs, this.firstRetryMs * 2 ** Math.max(0, this.failures - 1));
  }

  private async refresh(): Promise<void> {
    try {
      // Reports whose effect could not be read when they arrived.
      for (const reportId of [...this.pendingReports]) {
        const effect = await reportEffect(this.store, reportId);
        for (const id of effect.locationIds) this.pendingLocations.add(id);
        for (const id of effect.packageIds) this.pendingPackages.add(id);
        this.pendingReports.delete(reportId);
      }
    } catch (err) {
      this.failed(err);
      return;
    }
    const full = this.wantFull;
    const locationIds = [...this.pendingLocations];
    const packageIds = [...this.pendingPackages];
    this.wantFull = false;
    this.pendingLocations.clear();
    this.pendingPackages.clear();
    this.state = 'refreshing';
    try {
      const result = await refreshPicture(this.store, {
        today: this.today(),
        ...(full ? {} : { locationIds, packageIds }),
      });
      this.lastRefresh = {
        mode: result.mode,
        reason: result.reason,
        today: result.today,
        milliseconds: result.milliseconds,
      };
      this.lastError = null;
      this.failures = 0;
      this.state = 'idle';
      this.pictureSeen = true;
      this.log(
        `lägesbild: ${result.mode} refresh for ${result.today}${result.reason ? ` (${result.reason})` : ''}, ` +
          `${result.packages} packages in ${(result.milliseconds / 1000).toFixed(1)} s`,
      );
      this.onRefreshed();
    } catch (err) {
      // Nothing was changed (one transaction): keep the work for the next try.
      if (this.stopped) {
        this.state = 'idle';
        this.log(`lägesbild: refresh interrupted, the server is stopping`);
        return;
      }
      if (full) this.wantFull = true;
      for (const id of locationIds) this.pendingLocations.add(id);
      for (const id of packageIds) this.pendingPackages.add(id);
      this.failed(err);
    }
  }

  private failed(err: unknown): void {
    this.failures += 1;
    this.failedUnavailable = isDatabaseUnavailable(err);
    this.state = 'failed';
    this.lastError = err instanceof Error ? err.message : String(err);
    this.log(`lägesbild: refresh failed, trying again in ${this.retryDelay() / 1000} s: ${this.lastError}`);
  }
}
