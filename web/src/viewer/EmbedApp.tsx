import { StreamStage } from './StreamStage';
import { useLiveSocket } from './useLiveSocket';
import { useNow } from './useNow';
import { useSite } from './useSite';
import { useStreamStatus } from './useStreamStatus';

/** `/embed`: the player alone, same states, no chat; for an <iframe> on the church's own website. */
export function EmbedApp() {
  const site = useSite();
  const [socket] = useLiveSocket();
  const status = useStreamStatus(socket);
  const now = useNow(status?.state === 'offline');
  return (
    <main className="embed">
      <StreamStage status={status} site={site} now={now} />
    </main>
  );
}
