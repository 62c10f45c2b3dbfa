import { ChatPanel } from '../chat/ChatPanel';
import { SiteHeader } from './SiteHeader';
import { StreamStage } from './StreamStage';
import { useLiveSocket } from '../common/useLiveSocket';
import { useNow } from './useNow';
import { useSite } from './useSite';
import { useStreamStatus } from './useStreamStatus';

/** `/`: the player (or what replaces it) with the chat beside it on wide screens and below it on phones. */
export function ViewerApp() {
  const site = useSite();
  const [socket, socketState] = useLiveSocket();
  const status = useStreamStatus(socket);
  const now = useNow(status?.state === 'offline');
  return (
    <div className="viewer">
      <SiteHeader site={site} />
      <main className="viewer-main">
        <h1 className="sr-only">{site.churchName}</h1>
        <div className="viewer-stage">
          <StreamStage status={status} site={site} now={now} />
        </div>
        <div className="viewer-chat">
          <ChatPanel socket={socket} socketState={socketState} timeZone={site.timezone} />
        </div>
      </main>
    </div>
  );
}
