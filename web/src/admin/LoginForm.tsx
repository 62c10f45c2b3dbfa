import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { LanguageSwitch } from '../common/LanguageSwitch';
import { login, localMessage, type FetchLike } from './api/api';

type LoginState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; message: string };

interface LoginFormProps {
  /** The previous session ended (expired or signed out elsewhere): say so above the form. */
  expired?: boolean;
  onSignedIn(csrfToken: string): void;
  fetch?: FetchLike;
}

/** `/admin` before signing in. A wrong password and the rate limit (429) both show the server's message. */
export function LoginForm({ expired = false, onSignedIn, fetch: f }: LoginFormProps) {
  const { t, lang } = useI18n();
  const id = useId();
  const [password, setPassword] = useState('');
  const [state, setState] = useState<LoginState>({ kind: 'idle' });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ kind: 'busy' });
    try {
      const r = await login(password, f);
      if (r.ok) {
        setPassword('');
        onSignedIn(r.csrfToken);
        return;
      }
      const fallback = r.status === 401 ? t.admin.wrongPassword : t.signInFailed;
      setState({ kind: 'error', message: r.message ? localMessage(r.message, lang) : fallback });
    } catch {
      setState({ kind: 'error', message: t.admin.networkError });
    }
  };

  const error = state.kind === 'error';
  return (
    <main className="admin">
      <div className="admin-card">
        <div className="admin-top">
          <h1>{t.adminTitle}</h1>
          <LanguageSwitch />
        </div>
        {expired && (
          <p className="adm-notice" role="status">
            {t.admin.sessionEnded}
          </p>
        )}
        <form onSubmit={(e) => void submit(e)} className="admin-form">
          <label htmlFor={id}>{t.passwordLabel}</label>
          <input
            id={id}
            type="password"
            autoComplete="current-password"
            value={password}
            onChange={(e) => setPassword(e.currentTarget.value)}
            aria-invalid={error ? true : undefined}
            aria-describedby={error ? `${id}-error` : undefined}
            required
          />
          <button type="submit" className="button" disabled={state.kind === 'busy'}>
            {state.kind === 'busy' ? t.signingIn : t.signIn}
          </button>
          <p id={`${id}-error`} className="field-error" role="alert">
            {error ? state.message : ''}
          </p>
        </form>
        <p>
          <a href="/">{t.backToViewer}</a>
        </p>
      </div>
    </main>
  );
}
