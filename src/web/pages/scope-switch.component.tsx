import { useId } from 'react';
import { useI18n } from '../i18n.js';
import { useRouter } from '../router.js';
import { useSession } from '../session.js';
import { useApi } from '../use-api.js';

/**
 * The switch between the national picture and a region's (issue 10 item 2): a region's users land on
 * their own region's and switch to the nation here; those who see every region's figures may pick
 * any. Hidden for those who see national figures only.
 */
export function ScopeSwitch({ region }: { region: string }) {
  const { t } = useI18n();
  const { me } = useSession();
  const { navigate } = useRouter();
  const id = useId();
  const regions = useApi('regions', (api, signal) => api.regions(signal));
  if (!me.picture.regionalAggregates) return null;
  const own = me.organisation.kind === 'region' ? me.organisation.regionCode : null;
  const list = [...(regions.data?.items ?? [])].sort(
    (a, b) => Number(b.code === own) - Number(a.code === own) || a.code.localeCompare(b.code),
  );
  return (
    <span className="field scope-switch" data-testid="scope-switch">
      <label htmlFor={id}>{t('scope.switch')}</label>
      <select
        id={id}
        value={region}
        onChange={(event) =>
          navigate(event.target.value ? `/overview?region=${event.target.value}` : '/overview')
        }
      >
        <option value="">{t('scope.national')}</option>
        {list.map((r) => (
          <option key={r.code} value={r.code}>
            {r.name}
          </option>
        ))}
        {regions.data === undefined && region && <option value={region}>{region}</option>}
      </select>
    </span>
  );
}
