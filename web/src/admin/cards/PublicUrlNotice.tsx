import { useI18n } from '../../i18n/I18nProvider';

/**
 * PUBLIC_URL still names the server itself (the default localhost) though other machines reach it: the
 * share links and the old frontend's stream URLs would point each viewer at their own device.
 */
export function PublicUrlNotice({ url, suggestion }: { url: string; suggestion: string | null }) {
  const { t } = useI18n();
  return (
    <p className="adm-notice" role="status" data-notice="public-url-local">
      {t.admin.publicUrlLocal(url)}
      {suggestion && (
        <>
          {' '}
          {t.admin.publicUrlSuggestion(suggestion)}
        </>
      )}
    </p>
  );
}
