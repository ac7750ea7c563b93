import { useI18n } from '../i18n.js';
import { Link } from '../router.js';

/** "Bevaka" on a product page: opens Bevakningar with the product's notices chosen (issue 10 item 5). */
export function FollowButton({ packageId }: { packageId: number }) {
  const { t } = useI18n();
  return (
    <Link
      to={`/subscriptions?package=${packageId}`}
      className="button button-secondary follow-button"
      title={t('subs.followTitle')}
      data-testid="follow-product"
    >
      {t('subs.follow')}
    </Link>
  );
}
