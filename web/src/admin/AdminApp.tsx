import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { writeSetting } from '../common/storage';
import { resumeSession } from './api/api';
import { Dashboard } from './Dashboard';
import { LoginForm } from './LoginForm';

export type AdminSession =
  | { kind: 'checking' }
  | { kind: 'signed-out'; expired: boolean }
  | { kind: 'signed-in'; csrfToken: string };

/**
 * The session cookie is HttpOnly, so the page cannot see it: it asks GET /api/v1/admin/session (which
 * answers 200 either way). The hint only remembers that this browser signed in, to tell "expired" apart.
 */
const SIGNED_IN_HINT = 'admin-signed-in';

function initialSession(): AdminSession {
  return { kind: 'checking' };
}

/** `/admin`: resumes a session the browser already has, else asks for the password; then the dashboard. */
export function AdminApp({ initial }: { initial?: AdminSession }) {
  const { t } = useI18n();
  const [session, setSession] = useState<AdminSession>(() => initial ?? initialSession());

  useEffect(() => {
    if (session.kind !== 'checking') return;
    let alive = true;
    const signedOut = () => {
      writeSetting(SIGNED_IN_HINT, null);
      if (alive) setSession({ kind: 'signed-out', expired: false });
    };
    resumeSession()
      .then((csrfToken) => (csrfToken ? alive && setSession({ kind: 'signed-in', csrfToken }) : signedOut()))
      .catch(signedOut);
    return () => {
      alive = false;
    };
  }, [session.kind]);

  const signedIn = useCallback((csrfToken: string) => {
    writeSetting(SIGNED_IN_HINT, '1');
    setSession({ kind: 'signed-in', csrfToken });
  }, []);
  const expired = useCallback(() => {
    writeSetting(SIGNED_IN_HINT, null);
    setSession({ kind: 'signed-out', expired: true });
  }, []);
  const loggedOut = useCallback(() => {
    writeSetting(SIGNED_IN_HINT, null);
    setSession({ kind: 'signed-out', expired: false });
  }, []);

  switch (session.kind) {
    case 'checking':
      return (
        <main className="admin" aria-busy="true">
          <div className="spinner" role="img" aria-label={t.loading} />
        </main>
      );
    case 'signed-out':
      return <LoginForm expired={session.expired} onSignedIn={signedIn} />;
    case 'signed-in':
      return <Dashboard csrfToken={session.csrfToken} onSessionEnded={expired} onLoggedOut={loggedOut} />;
  }
}
