import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { LanguageSwitch } from '../viewer/LanguageSwitch';

type LoginState = { kind: 'idle' } | { kind: 'busy' } | { kind: 'error'; message: string } | { kind: 'done' };

/** Reads the `message` of a JSON error answer, if there is one. */
async function errorMessage(res: Response): Promise<string | null> {
  try {
    const body: unknown = await res.json();
    const message = typeof body === 'object' && body !== null ? (body as { message?: unknown }).message : undefined;
    return typeof message === 'string' && message ? message : null;
  } catch {
    return null;
  }
}

/** `/admin`: the sign-in form. The dashboard behind it is built on top of POST /api/v1/admin/login. */
export function AdminApp() {
  const { t } = useI18n();
  const id = useId();
  const [password, setPassword] = useState('');
  const [state, setState] = useState<LoginState>({ kind: 'idle' });

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setState({ kind: 'busy' });
    try {
      const res = await fetch('/api/v1/admin/login', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        credentials: 'same-origin',
        body: JSON.stringify({ password }),
      });
      if (res.ok) {
        setPassword('');
        setState({ kind: 'done' });
      } else {
        setState({ kind: 'error', message: (await errorMessage(res)) ?? t.signInFailed });
      }
    } catch {
      setState({ kind: 'error', message: t.signInFailed });
    }
  };

  return (
    <main className="admin">
      <div className="admin-card">
        <div className="admin-top">
          <h1>{t.adminTitle}</h1>
          <LanguageSwitch />
        </div>
        {state.kind === 'done' ? (
          <p role="status">{t.signedIn}</p>
        ) : (
          <form onSubmit={(e) => void submit(e)} className="admin-form">
            <label htmlFor={id}>{t.passwordLabel}</label>
            <input
              id={id}
              type="password"
              autoComplete="current-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              aria-invalid={state.kind === 'error' ? true : undefined}
              aria-describedby={state.kind === 'error' ? `${id}-error` : undefined}
              required
            />
            <button type="submit" className="button" disabled={state.kind === 'busy'}>
              {state.kind === 'busy' ? t.signingIn : t.signIn}
            </button>
            {state.kind === 'error' && (
              <p id={`${id}-error`} className="field-error" role="alert">
                {state.message}
              </p>
            )}
          </form>
        )}
        <p>
          <a href="/">{t.backToViewer}</a>
        </p>
      </div>
    </main>
  );
}
