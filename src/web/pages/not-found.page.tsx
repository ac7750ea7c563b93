import { PageHeader } from '../components/page-header.js';
import { useI18n } from '../i18n.js';
import { Link, useRouter } from '../router.js';

export function NotFoundPage() {
  const { t } = useI18n();
  const { location } = useRouter();
  return (
    <>
      <PageHeader title={t('notFound.title')} lead={t('notFound.body', { path: location.path })} />
      <Link to="/" className="button button-primary">
        {t('notFound.home')}
      </Link>
    </>
  );
}
