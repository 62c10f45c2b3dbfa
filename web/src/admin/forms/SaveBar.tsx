import { useState } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import { errorText } from '../api/error-text';

export interface Feedback {
  ok: boolean;
  text: string;
}

/** A form's submit button and the outcome of the last save, announced to screen readers. */
export function SaveBar({ busy, disabled = false, feedback }: { busy: boolean; disabled?: boolean; feedback: Feedback | null }) {
  const { t } = useI18n();
  return (
    <div className="adm-actions">
      <button type="submit" className="button" disabled={busy || disabled}>
        {busy ? t.admin.saving : t.admin.save}
      </button>
      <span className={feedback?.ok === false ? 'field-error' : 'adm-feedback'} role={feedback?.ok === false ? 'alert' : 'status'}>
        {feedback?.text ?? ''}
      </span>
    </div>
  );
}

/**
 * A form's save: busy while the request runs, then "Guardado" or the server's message in the page's
 * language. `fail` reports a problem found before sending.
 */
export function useSave() {
  const { t, lang } = useI18n();
  const [busy, setBusy] = useState(false);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const save = async (request: () => Promise<void>) => {
    setBusy(true);
    try {
      await request();
      setFeedback({ ok: true, text: t.admin.saved });
    } catch (err) {
      setFeedback({ ok: false, text: errorText(err, t, lang) });
    } finally {
      setBusy(false);
    }
  };
  const fail = (text: string) => setFeedback({ ok: false, text });
  return { busy, feedback, save, fail };
}
