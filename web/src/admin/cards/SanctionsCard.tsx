import { useState } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import type { AdminClient } from '../api/api';
import { errorText } from '../api/error-text';
import { formatTime } from '../format';
import type { Sanction } from '../api/types';
import type { Loaded } from '../hooks/useLoad';

/** Who is silenced or blocked now, with "Levantar" to let them write again. */
export function SanctionsCard({ client, sanctions }: { client: AdminClient; sanctions: Loaded<Sanction[]> }) {
  const { t, lang } = useI18n();
  const s = t.admin.sanctions;
  const [busyId, setBusyId] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<{ ok: boolean; text: string } | null>(null);

  const lift = async (sanction: Sanction) => {
    setBusyId(sanction.id);
    try {
      await client.liftSanction(sanction.id);
      sanctions.set((sanctions.data ?? []).filter((x) => x.id !== sanction.id));
      setFeedback({ ok: true, text: s.lifted(sanction.nick) });
    } catch (err) {
      setFeedback({ ok: false, text: errorText(err, t, lang) });
    } finally {
      setBusyId(null);
    }
  };

  const list = sanctions.data;
  return (
    <section className="adm-card" id="sanctions" aria-labelledby="sanctions-title">
      <h2 id="sanctions-title">{s.title}</h2>
      <p className={feedback?.ok === false ? 'field-error' : 'adm-feedback-line'} role={feedback?.ok === false ? 'alert' : 'status'}>
        {feedback?.text ?? ''}
      </p>
      {list === null ? (
        sanctions.error !== null ? (
          <p className="field-error">{errorText(sanctions.error, t, lang)}</p>
        ) : (
          <p className="field-hint">{t.loading}</p>
        )
      ) : list.length === 0 ? (
        <p className="field-hint">{s.none}</p>
      ) : (
        <ul className="adm-rows">
          {list.map((x) => (
            <li key={x.id} className="adm-row">
              <div>
                <bdi className="chat-nick">{x.nick}</bdi>
                <p className="field-hint">
                  {x.kind === 'ban' || !x.until ? s.banned(formatTime(x.at, t)) : s.mutedUntil(formatTime(x.until, t))}
                </p>
              </div>
              <button type="button" className="button button-quiet adm-small" disabled={busyId !== null} onClick={() => void lift(x)} aria-label={s.liftFor(x.nick)}>
                {s.lift}
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
