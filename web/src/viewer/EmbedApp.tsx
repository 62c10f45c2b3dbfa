import { useI18n } from '../i18n/I18nProvider';
import { StreamStage } from './StreamStage';
import { useLiveSocket } from '../common/useLiveSocket';
import { useNow } from './useNow';
import { useSite } from './useSite';
import { useStreamStatus } from './useStreamStatus';

/** `/embed`: the player alone, same states, no chat; for an <iframe> on the church's own website. */
export function EmbedApp() {
  const site = useSite();
  const [socket] = useLiveSocket();
  const status = useStreamStatus(socket);
  const now = useNow(status?.state === 'offline');
  const { t } = useI18n();
  return (
    <main className="embed">
      <StreamStage status={status} site={site} now={now} />
      {/* The chat lives on the full page: a new tab, never inside the host site's frame. */}
      <a className="embed-full-link" href="/" target="_blank" rel="noopener">
        {t.embedFullPage(site.churchName)}
      </a>
    </main>
  );
}
