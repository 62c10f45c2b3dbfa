import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import type { AdminClient } from '../api/api';
import { errorText } from '../api/error-text';
import { useLoad } from '../hooks/useLoad';
import { SaveBar, useSave } from '../forms/SaveBar';

/**
 * The low-delay mode ("Baja latencia"), with its cost. The media server is never restarted during a
 * broadcast: a change made while live applies at the next one, and the card says so.
 */
export function DelayCard({ client }: { client: AdminClient }) {
  const { t, lang } = useI18n();
  const c = t.admin.delay;
  const id = useId();
  const loaded = useLoad(useCallback(() => client.delay(), [client]));
  const [draft, setDraft] = useState<boolean | null>(null);
  const { busy, feedback, save } = useSave();

  useEffect(() => {
    if (loaded.data) setDraft(loaded.data.lowDelay);
  }, [loaded.data]);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (draft === null) return;
    await save(async () => loaded.set(await client.saveDelay(draft)));
  };
  const now = loaded.data;

  return (
    <section className="adm-card" id="delay" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`}>{c.title}</h2>
      {draft === null || !now ? (
        <p className={loaded.error ? 'field-error' : 'field-hint'}>{loaded.error ? errorText(loaded.error, t, lang) : t.loading}</p>
      ) : (
        <form className="adm-form" onSubmit={(e) => void submit(e)}>
          <label className="adm-check">
            <input type="checkbox" checked={draft} onChange={(e) => setDraft(e.currentTarget.checked)} aria-describedby={`${id}-hint`} />
            <span>{c.lowDelay}</span>
          </label>
          <p id={`${id}-hint`} className="field-hint">
            {c.hint}
          </p>
          <p className="field-hint" role="status">
            {now.pending ? c.pending(now.lowDelay) : c.running(now.fragmentSeconds)}
          </p>
          <SaveBar busy={busy} feedback={feedback} />
        </form>
      )}
    </section>
  );
}
