import { useCallback, useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { resumeSession } from './api';
import { Dashboard } from './Dashboard';
import { LoginForm } from './LoginForm';

export type AdminSession =
  | { kind: 'checking' }
  | { kind: 'signed-out'; expired: boolean }
  | { kind: 'signed-in'; csrfToken: string };

/** `/admin`: resumes a session the browser already has, else asks for the password; then the dashboard. */
export function AdminApp({ initial = { kind: 'checking' } }: { initial?: AdminSession }) {
  const { t } = useI18n();
  const [session, setSession] = useState<AdminSession>(initial);

  useEffect(() => {
    if (session.kind !== 'checking') return;
    let alive = true;
    resumeSession()
      .then((csrfToken) => alive && setSession(csrfToken ? { kind: 'signed-in', csrfToken } : { kind: 'signed-out', expired: false }))
      .catch(() => alive && setSession({ kind: 'signed-out', expired: false }));
    return () => {
      alive = false;
    };
  }, [session.kind]);

  const signedIn = useCallback((csrfToken: string) => setSession({ kind: 'signed-in', csrfToken }), []);
  const expired = useCallback(() => setSession({ kind: 'signed-out', expired: true }), []);
  const loggedOut = useCallback(() => setSession({ kind: 'signed-out', expired: false }), []);

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
