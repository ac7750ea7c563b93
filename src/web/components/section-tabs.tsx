import type { Me } from '../api-client.js';
import { useI18n, type MessageKey } from '../i18n.js';
import { matchPath, Link, useRouter } from '../router.js';
import { useSession } from '../session.js';

/** One tab: its address and label. */
export interface SectionTab {
  to: string;
  label: MessageKey;
  /** Shown only to whom this says (as the page's own condition in App.tsx). */
  visible?: (me: Me) => boolean;
}

/**
 * Links between the pages of one section of the main menu (e.g. Lagerhållning: Tillsyn, Dispenser,
 * Ersättning), so that the menu keeps one item per section. The current page is marked for screen
 * readers (aria-current) and by its underline.
 */
export function SectionTabs({ label, tabs }: { label: MessageKey; tabs: readonly SectionTab[] }) {
  const { t } = useI18n();
  const { location } = useRouter();
  const { me } = useSession();
  const shown = tabs.filter((tab) => tab.visible === undefined || tab.visible(me));
  if (shown.length < 2) return null;
  return (
    <nav className="section-tabs" aria-label={t(label)}>
      {shown.map((tab) => {
        const current = matchPath(tab.to, location.path) !== null;
        return (
          <Link key={tab.to} to={tab.to} className="section-tab" aria-current={current ? 'page' : undefined}>
            {t(tab.label)}
          </Link>
        );
      })}
    </nav>
  );
}
