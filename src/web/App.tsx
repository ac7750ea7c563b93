import { lazy, Suspense, useEffect, type ReactNode } from 'react';
import { AppShell, type NavItem } from './components/app-shell.js';
import { Spinner } from './components/states.js';
import { useI18n, type MessageKey } from './i18n.js';
import type { Me } from './api-client.js';
import { CataloguePage } from './pages/catalogue.page.js';
import { ImportPage, ImportsPage } from './pages/imports.page.js';
import { ItemsPage } from './pages/items.page.js';
import { LocationPage } from './pages/location.page.js';
import { MapPage } from './pages/map.page.js';
import { NotFoundPage } from './pages/not-found.page.js';
import { NoticesPage } from './pages/notices.page.js';
import { ObligationsPage } from './pages/obligations.page.js';
import { OverviewPage } from './pages/overview.page.js';
import { FundsPage } from './pages/funds.page.js';
import { RegionalScorecardPage, RegionalTargetPage } from './pages/regional-target.page.js';
import { RegionPage } from './pages/region.page.js';
import { ReportingPage } from './pages/reporting.page.js';
import { ReportsPage } from './pages/reports.page.js';
import { SignInPage } from './pages/sign-in.page.js';
import { StartPage } from './pages/start.page.js';
import { SubscriptionsPage } from './pages/subscriptions.page.js';
import { CompensationPage } from './pages/compensation.page.js';
import { DispensationsPage } from './pages/dispensations.page.js';
import { AllocationPage, AllocationsPage } from './pages/allocation.page.js';
import { AllocationQuotaPage } from './pages/allocation-quota.page.js';
import { OBLIGATION_TABS, seesObligations, SupervisionPage } from './pages/supervision.page.js';
import { SectionTabs } from './components/section-tabs.js';
import { ShortagesPage } from './pages/shortages.page.js';
import { ShortageCasePage } from './pages/shortage-case.page.js';
import { SHORTAGE_TABS } from './pages/shortage-parts.component.js';
import { InstructionsPage } from './pages/instructions.page.js';
import { RedistributionPage, RedistributionsPage } from './pages/redistribution.page.js';
import { matchPath, useRouter } from './router.js';
import { useSession, useSessionControl } from './session.js';

// The product page carries the charts (ECharts): loaded when first opened, not with every page.
const ProductPage = lazy(() => import('./pages/product.page.js').then((m) => ({ default: m.ProductPage })));

/**
 * The dashboard's pages. To add one: write src/web/pages/<name>.page.tsx, add a row here (with `nav`
 * to put it in the main menu, `permission` to show it only to roles that have it), and add its
 * texts to both dictionaries in i18n.tsx.
 */
interface PageDef {
  path: string;
  render: (params: Record<string, string>) => ReactNode;
  /** The menu label; pages without one are reached by links (e.g. a region from the start page). */
  nav?: MessageKey;
  /** The permission from GET /api/me that the page needs, e.g. 'report:write'. */
  permission?: string;
  /**
   * A further condition on the caller, for pages a permission alone does not decide: e.g. the register
   * imports, for the owner of a register (GET /api/me `registers`) and administrators.
   */
  visible?: (me: Me) => boolean;
  /** Other paths under which the menu item counts as current (e.g. '/regions/:code' under Regioner). */
  activeFor?: string[];
}

/**
 * Where a signed-in user starts (issue 10 item 2): a region's users on their region's picture, others
 * on the national one (both with a switch); without the picture, the regions.
 */
export function landingPath(me: Me): string {
  if (!me.permissions.includes('picture:read')) return '/regions';
  const { kind, regionCode } = me.organisation;
  if (kind === 'region' && regionCode !== null && me.picture.regionalAggregates)
    return `/overview?region=${regionCode}`;
  return '/overview';
}

function Landing() {
  const { me } = useSession();
  const { navigate } = useRouter();
  useEffect(() => navigate(landingPath(me), { replace: true }), [me, navigate]);
  return <Spinner />;
}

const PAGES: PageDef[] = [
  {
    path: '/overview',
    nav: 'nav.overview',
    render: () => <OverviewPage />,
    permission: 'picture:read',
    activeFor: ['/products/:id', '/locations/:id'],
  },
  { path: '/items', nav: 'nav.items', render: () => <ItemsPage />, permission: 'picture:read' },
  {
    path: '/map',
    nav: 'nav.map',
    render: () => <MapPage />,
    permission: 'picture:read',
    // The map shows figures per region: not for those who see national figures only.
    visible: (me) => me.picture.regionalAggregates,
  },
  { path: '/notices', nav: 'nav.notices', render: () => <NoticesPage />, permission: 'picture:read' },
  {
    path: '/products/:id',
    render: ({ id = '' }) => (
      <Suspense fallback={<Spinner />}>
        <ProductPage key={id} id={id} />
      </Suspense>
    ),
    permission: 'picture:read',
  },
  {
    path: '/locations/:id',
    render: ({ id = '' }) => <LocationPage key={id} id={id} />,
    permission: 'picture:read',
  },
  { path: '/', render: () => <Landing /> },
  { path: '/regions', nav: 'nav.start', render: () => <StartPage />, activeFor: ['/regions/:code'] },
  { path: '/regions/:code', render: ({ code = '' }) => <RegionPage key={code} code={code} /> },
  { path: '/catalogue', nav: 'nav.catalogue', render: () => <CataloguePage />, permission: 'catalogue:read' },
  {
    path: '/obligations',
    nav: 'nav.obligations',
    // One menu item for the obligation's pages (issue 12); the tabs lead to the others.
    render: () => (
      <>
        <SectionTabs label="nav.stockpiling" tabs={OBLIGATION_TABS} />
        <ObligationsPage />
      </>
    ),
    permission: 'preparedness:read',
    activeFor: ['/supervision', '/dispensations', '/compensation'],
  },
  // Issue 12 items 3–5: the stockpiling obligation's supervision, dispensations and compensation, for
  // authorities (all companies) and companies (their own); others have nothing to see there. Reached
  // by the tabs of Lagerhållningsskyldighet (OBLIGATION_TABS).
  {
    path: '/supervision',
    render: () => <SupervisionPage />,
    permission: 'preparedness:read',
    visible: seesObligations,
  },
  {
    path: '/dispensations',
    render: () => <DispensationsPage />,
    permission: 'preparedness:read',
    visible: seesObligations,
  },
  {
    path: '/compensation',
    render: () => <CompensationPage />,
    permission: 'preparedness:read',
    visible: seesObligations,
  },
  // Issue 13: shortage cases. One menu item for the section; its tabs lead to allocation,
  // redistribution and instructions (built by the other parts of the issue).
  {
    path: '/shortages',
    nav: 'nav.shortages',
    render: () => <ShortagesPage />,
    permission: 'shortage:read',
    activeFor: ['/shortages/:id', '/allocations', '/redistributions', '/instructions'],
  },
  {
    path: '/shortages/:id',
    render: ({ id = '' }) => <ShortageCasePage key={id} id={id} />,
    permission: 'shortage:read',
  },
  // Issue 13 item 2: allocations of scarce supply and a wholesaler's or recipient's quota, reached by
  // the tabs of Bristsituationer (SHORTAGE_TABS).
  {
    path: '/allocations',
    render: () => (
      <>
        <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
        <AllocationsPage />
      </>
    ),
    permission: 'shortage:read',
  },
  {
    path: '/allocations/quota',
    render: () => (
      <>
        <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
        <AllocationQuotaPage />
      </>
    ),
    permission: 'shortage:read',
  },
  {
    path: '/allocations/:id',
    render: ({ id = '' }) => (
      <>
        <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
        <AllocationPage key={id} id={id} />
      </>
    ),
    permission: 'shortage:read',
  },
  { path: '/reports', nav: 'nav.reports', render: () => <ReportsPage />, permission: 'report:read' },
  { path: '/reporting', nav: 'nav.reporting', render: () => <ReportingPage />, permission: 'report:read' },
  {
    path: '/subscriptions',
    nav: 'nav.subscriptions',
    render: () => <SubscriptionsPage />,
    permission: 'picture:read',
  },
  {
    path: '/preparedness/regions',
    nav: 'nav.regionalPreparedness',
    render: () => <RegionalTargetPage />,
    permission: 'preparedness:read',
    // R2: a region's figures hold its preparedness stock: shown to the region, authorities and Nationellt CT.
    visible: (me) => me.seesEverything || me.organisation.kind === 'region',
    activeFor: ['/preparedness/regions/:code', '/preparedness/funds'],
  },
  {
    path: '/preparedness/regions/:code',
    render: ({ code = '' }) => <RegionalScorecardPage key={code} code={code} />,
    permission: 'preparedness:read',
    visible: (me) => me.seesEverything || me.organisation.kind === 'region',
  },
  {
    path: '/preparedness/funds',
    render: () => <FundsPage />,
    permission: 'preparedness:read',
    visible: (me) => me.seesEverything || me.organisation.kind === 'region',
  },
  {
    path: '/imports',
    nav: 'nav.imports',
    render: () => <ImportsPage />,
    permission: 'master-data:import',
    visible: (me) => me.registers.length > 0,
    activeFor: ['/imports/:id'],
  },
  {
    path: '/imports/:id',
    render: ({ id = '' }) => <ImportPage key={id} id={id} />,
    permission: 'master-data:import',
    visible: (me) => me.registers.length > 0,
  },
  // Issue 13 items 3–5: redistribution plans, their decision and each organisation's instructions,
  // reached by the tabs of Bristsituationer (SHORTAGE_TABS).
  {
    path: '/redistributions',
    render: () => (
      <>
        <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
        <RedistributionsPage />
      </>
    ),
    permission: 'shortage:read',
  },
  {
    path: '/redistributions/:id',
    render: ({ id = '' }) => (
      <>
        <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
        <RedistributionPage key={id} id={Number(id)} />
      </>
    ),
    permission: 'shortage:read',
  },
  {
    path: '/instructions',
    render: () => (
      <>
        <SectionTabs label="sc.section" tabs={SHORTAGE_TABS} />
        <InstructionsPage />
      </>
    ),
    permission: 'shortage:read',
  },
];

export function App() {
  const { t } = useI18n();
  const { state } = useSessionControl();
  const { location } = useRouter();

  if (state.status === 'checking') {
    return (
      <div className="fullpage-center">
        <Spinner label={t('session.checking')} showLabel />
      </div>
    );
  }
  if (state.status === 'signed-out') return <SignInPage />;

  const allowed = PAGES.filter(
    (page) =>
      (!page.permission || state.me.permissions.includes(page.permission)) &&
      (!page.visible || page.visible(state.me)),
  );
  const nav: NavItem[] = allowed.flatMap((page) =>
    page.nav
      ? [
          {
            to: page.path,
            label: t(page.nav),
            active: [page.path, ...(page.activeFor ?? [])].some(
              (pattern) => matchPath(pattern, location.path) !== null,
            ),
          },
        ]
      : [],
  );
  let content: ReactNode = <NotFoundPage />;
  for (const page of allowed) {
    const params = matchPath(page.path, location.path);
    if (params) {
      content = page.render(params);
      break;
    }
  }
  return <AppShell nav={nav}>{content}</AppShell>;
}
