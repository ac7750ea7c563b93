import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdir, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, expect } from 'vitest';
import { loadSweden } from '../../data/load.js';
import { buildApp, type App } from '../../src/api/app.js';
import type { Store } from '../../src/store/database.js';
import { refreshPicture } from '../../src/store/picture/refresh.js';
import { testBackends } from '../support/databases.js';

/*
 * The browser-test harness: builds the dashboard when its sources are newer than the build, starts the
 * real app in-process on a free port over a fresh PGlite store, and drives Debian's Chromium with
 * playwright-core. Page tests call `useDashboard` in their suite (or `startDashboard` in beforeAll and
 * `close` in afterAll).
 */

export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const WEB_SOURCE_DIR = path.join(REPO_ROOT, 'src/web');
export const WEB_BUILD_DIR = path.join(REPO_ROOT, 'dist/web');
export const SCREENSHOT_DIR = path.join(REPO_ROOT, 'docs/screenshots');
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Inputs of the build besides src/web: a change to one of them makes the build stale too. */
const BUILD_INPUTS = ['vite.config.ts', 'src/store/schema.ts'].map((p) => path.join(REPO_ROOT, p));
const BUILD_LOCK = path.join(REPO_ROOT, 'dist/.web-build.lock');

function newestMtime(entry: string): number {
  const info = statSync(entry);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const name of readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, name)));
  return newest;
}

/** Whether dist/web is missing or older than any of its sources. */
export function webBuildIsStale(): boolean {
  const index = path.join(WEB_BUILD_DIR, 'index.html');
  if (!existsSync(index)) return true;
  const built = statSync(index).mtimeMs;
  const sources = Math.max(
    newestMtime(WEB_SOURCE_DIR),
    ...BUILD_INPUTS.filter(existsSync).map((p) => statSync(p).mtimeMs),
  );
  return sources > built;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Builds the dashboard with Vite's API when dist/web is missing or stale, so `npm test` works on a
 * fresh clone. A lock directory keeps parallel test files from building at the same time.
 */
export async function ensureWebBuilt(): Promise<void> {
  if (!webBuildIsStale()) return;
  mkdirSync(path.dirname(BUILD_LOCK), { recursive: true });
  const deadline = Date.now() + 180_000;
  for (;;) {
    try {
      await mkdir(BUILD_LOCK);
      break;
    } catch {
      // Another worker builds: wait for it, then use its output. A lock older than 3 minutes is stale.
      const lockAge = await stat(BUILD_LOCK).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (lockAge > 180_000) rmSync(BUILD_LOCK, { recursive: true, force: true });
      if (Date.now() > deadline)
        throw new Error(`the dashboard build lock ${BUILD_LOCK} was held for over 3 minutes`);
      await sleep(250);
      if (!existsSync(BUILD_LOCK) && !webBuildIsStale()) return;
    }
  }
  try {
    if (!webBuildIsStale()) return;
    const { build } = await import('vite');
    // Vitest sets NODE_ENV=test, which would make Vite bundle React's development build (double
    // effects under StrictMode, slower): build what `npm run build:web` builds.
    const nodeEnv = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      await build({
        configFile: path.join(REPO_ROOT, 'vite.config.ts'),
        logLevel: 'warn',
        mode: 'production',
      });
    } finally {
      process.env.NODE_ENV = nodeEnv;
    }
  } finally {
    await rm(BUILD_LOCK, { recursive: true, force: true });
  }
}

/** Chromium flags for a quiet, sandbox-free, offline-friendly headless run. */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Dashboard {
  /** e.g. http://127.0.0.1:41234 */
  baseUrl: string;
  store: Store;
  app: App;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Where the console errors and failed requests of the page are collected, to assert none. */
  problems: string[];
  /** Signs in through the form with `token` and waits for the top bar. */
  signIn(token: string): Promise<void>;
  /** Asks the API for `url` as the holder of `token` (Läkemedelsverket's demo token by default), expecting a 200. */
  api<T>(url: string, token?: string): Promise<T>;
  /** Opens `path` of the dashboard (as the signed-in user) and waits for the top bar. */
  go(path: string): Promise<void>;
  /** Follows the main menu's link named exactly `link` and waits for the page's heading (`heading`, or the link's name). */
  openFromMenu(link: string, heading?: string): Promise<void>;
  /** Saves a full-page PNG to docs/screenshots/<name>.png and returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

export interface DashboardOptions {
  /** Fills the fresh, migrated store before the app starts. */
  load(store: Store): Promise<void>;
  viewport?: { width: number; height: number };
}

/** Builds the web if needed, starts app + browser, and opens one page at the dashboard's address. */
export async function startDashboard(options: DashboardOptions): Promise<Dashboard> {
  await ensureWebBuilt();
  const backend = testBackends().find((b) => b.name === 'pglite');
  if (!backend) throw new Error('no PGlite test backend');
  const store = await backend.open();
  let app: App | undefined;
  let browser: Browser | undefined;
  try {
    await options.load(store);
    app = await buildApp({ store, webDir: WEB_BUILD_DIR });
    const address = await app.listen({ port: 0, host: '127.0.0.1' });
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, headless: true });
    const context = await browser.newContext({
      viewport: options.viewport ?? { width: 1440, height: 900 },
      locale: 'sv-SE',
      deviceScaleFactor: 1,
    });
    const page = await context.newPage();
    page.setDefaultTimeout(15_000);
    const problems: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    await page.goto(address);

    const openedApp = app;
    const openedBrowser = browser;
    return {
      baseUrl: address,
      store,
      app: openedApp,
      browser: openedBrowser,
      context,
      page,
      problems,
      async signIn(token) {
        await page.getByLabel(/^(Åtkomsttoken|Access token)$/).fill(token);
        await page.getByRole('button', { name: /^(Logga in|Sign in)$/ }).click();
        await page.getByTestId('account').waitFor();
      },
      async api<T>(url: string, token = 'demo-lv') {
        const res = await openedApp.inject({ url, headers: { authorization: `Bearer ${token}` } });
        expect(res.statusCode, `${url}: ${res.body.slice(0, 200)}`).toBe(200);
        return res.json<T>();
      },
      async go(path) {
        await page.goto(`${address}${path}`);
        await page.getByTestId('account').waitFor();
      },
      async openFromMenu(link, heading = link) {
        await page
          .getByRole('navigation', { name: 'Huvudmeny' })
          .getByRole('link', { name: link, exact: true })
          .click();
        await page.getByRole('heading', { level: 1, name: heading }).waitFor();
      },
      async screenshot(name) {
        mkdirSync(SCREENSHOT_DIR, { recursive: true });
        const file = path.join(SCREENSHOT_DIR, `${name}.png`);
        // Let transitions (stale-table fade) settle so the picture shows the final state.
        await page.waitForTimeout(200);
        await page.screenshot({ path: file, fullPage: true, animations: 'disabled' });
        return file;
      },
      async close() {
        await openedBrowser.close();
        await openedApp.close();
        await store.close();
      },
    };
  } catch (err) {
    await browser?.close();
    await app?.close();
    await store.close();
    throw err;
  }
}

/**
 * Starts a dashboard before the suite's tests and closes it after them. The returned object is filled
 * in when the dashboard has started, so the suite's tests and later hooks use it as the dashboard.
 */
export function useDashboard(options: DashboardOptions, timeout?: number): Dashboard {
  const dashboard = {} as Dashboard;
  let started: Dashboard | undefined;
  beforeAll(async () => {
    started = await startDashboard(options);
    Object.assign(dashboard, started);
  }, timeout);
  afterAll(async () => {
    await started?.close();
  });
  return dashboard;
}

/** The day synthetic Sweden is generated for in the browser tests. */
export const TODAY = '2026-03-02';
/** Synthetic Sweden as the browser tests load it. */
export const SWEDEN = { scale: 0.02, seed: 42, today: TODAY };

/**
 * Loads synthetic Sweden (scale 0.02, seed 42, on TODAY) and computes its picture; `then` changes the
 * data afterwards (and refreshes the picture again if it needs to).
 */
export function swedenWithPicture(then?: (store: Store) => Promise<void>): (store: Store) => Promise<void> {
  return async (store) => {
    await loadSweden(store, SWEDEN);
    await refreshPicture(store, { today: TODAY });
    await then?.(store);
  };
}

/** Any whitespace (sv-SE groups thousands with a no-break space) as one plain space, soft hyphens dropped. */
export const plain = (text: string | null): string =>
  (text ?? '')
    .replace(/\u00ad/g, '')
    .replace(/\s+/g, ' ')
    .trim();
