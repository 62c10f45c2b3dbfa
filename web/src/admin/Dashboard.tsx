import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { useLiveSocket } from '../common/useLiveSocket';
import { AdminHeader } from './AdminHeader';
import { ApiError, createAdminClient } from './api/api';
import { BrandingForm } from './forms/BrandingForm';
import { ChatModeration } from './moderation/ChatModeration';
import { ChatSettingsCard } from './cards/ChatSettingsCard';
import { DelayCard } from './cards/DelayCard';
import { EmbedCard } from './cards/EmbedCard';
import { errorText } from './api/error-text';
import { HealthCard } from './cards/HealthCard';
import { ObsCard } from './cards/ObsCard';
import { PublicUrlNotice } from './cards/PublicUrlNotice';
import { SanctionsCard } from './cards/SanctionsCard';
import { ScheduleEditor } from './forms/ScheduleEditor';
import { useLiveFigures } from './hooks/useLiveFigures';
import { useLoad } from './hooks/useLoad';
import { ViewersCard } from './cards/ViewersCard';
import { SimulcastCard } from './cards/SimulcastCard';
import { RecordingsCard } from './cards/RecordingsCard';

/** How often the live figures are read; the socket fills in status and audience between polls. */
const OVERVIEW_MS = 2500;
const HISTORY_MS = 5000;

interface Props {
  csrfToken: string;
  /** Any call answered 401: the session expired or was signed out elsewhere. */
  onSessionEnded(): void;
  onLoggedOut(): void;
}

/**
 * The signed-in dashboard. One column of cards on a phone, in the order a service needs them (is it all
 * right → chat → audience → OBS → site); two columns on a wide screen.
 */
export function Dashboard({ csrfToken, onSessionEnded, onLoggedOut }: Props) {
  const { t, lang } = useI18n();
  const client = useMemo(() => createAdminClient({ csrfToken, onSignedOut: onSessionEnded }), [csrfToken, onSessionEnded]);
  const [socket, socketState] = useLiveSocket();
  const overview = useLoad(useCallback(() => client.overview(), [client]), OVERVIEW_MS);
  const history = useLoad(useCallback(() => client.healthHistory(), [client]), HISTORY_MS);
  const sessions = useLoad(useCallback(() => client.streamSessions(), [client]), 60_000);
  const sanctions = useLoad(useCallback(() => client.sanctions(), [client]), 30_000);
  const site = useLoad(useCallback(() => client.site(), [client]));
  const live = useLiveFigures(overview.data, socket);
  const [loggingOut, setLoggingOut] = useState(false);

  // A service starting or ending changes the list of recent services.
  const refreshSessions = sessions.refresh;
  const sessionId = overview.data === null ? undefined : (overview.data.session?.id ?? null);
  const seenSession = useRef(sessionId);
  useEffect(() => {
    if (seenSession.current !== undefined && seenSession.current !== sessionId) refreshSessions();
    seenSession.current = sessionId;
  }, [sessionId, refreshSessions]);

  const logout = async () => {
    setLoggingOut(true);
    try {
      await client.logout();
    } catch {
      // Signed out or not, the page forgets the session.
    }
    onLoggedOut();
  };

  const o = overview.data;
  const session = o?.session ?? null;
  const peak = session ? Math.max(session.peakViewers, o?.peak ?? 0) : (sessions.data?.[0]?.peakViewers ?? null);
  const now = Date.now();
  const connectionLost = overview.error instanceof ApiError && overview.error.status === 0;

  return (
    <div className="adm">
      <AdminHeader state={live.state} viewers={live.viewers} loggingOut={loggingOut} onLogout={() => void logout()} />
      <main className="adm-main">
        <p className="adm-banner" role="alert" hidden={overview.error === null}>
          {overview.error !== null && (connectionLost ? t.admin.reconnecting : errorText(overview.error, t, lang))}
        </p>
        {o?.publicUrl.local && <PublicUrlNotice url={o.publicUrl.url} suggestion={o.publicUrl.suggestion} />}
        <div className="adm-grid">
          <div className="adm-col">
            <HealthCard overview={o} samples={history.data ?? []} now={now} />
            <ChatModeration client={client} socket={socket} socketState={socketState} onSanctioned={sanctions.refresh} />
            <SanctionsCard client={client} sanctions={sanctions} />
            <ChatSettingsCard client={client} />
          </div>
          <div className="adm-col">
            <ViewersCard viewers={live.viewers} peak={peak} live={session !== null && !session.endedAt} sessions={sessions} now={now} />
            <ObsCard client={client} obsServer={o?.obsServer ?? ''} origin={typeof location === 'undefined' ? '' : location.origin} />
            <DelayCard client={client} />
            <SimulcastCard client={client} live={live.state !== 'offline'} />
            <ScheduleEditor client={client} site={site} />
            <BrandingForm client={client} site={site} />
            <EmbedCard origin={typeof location === 'undefined' ? '' : location.origin} />
            <RecordingsCard csrfToken={csrfToken} onSessionEnded={onSessionEnded} />
          </div>
        </div>
      </main>
    </div>
  );
}
