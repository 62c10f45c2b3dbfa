import { useCallback, useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import type { AdminClient } from '../api/api';
import { parseWordFilter, slowModeChoices, wordFilterProblem } from '../forms/chat-settings-form';
import { errorText } from '../api/error-text';
import type { ChatSettings } from '../api/types';
import { useLoad } from '../hooks/useLoad';
import { SaveBar, useSave } from '../forms/SaveBar';

/** Slow mode, the word filter, whether viewers may post links and whether joins are announced. */
export function ChatSettingsCard({ client }: { client: AdminClient }) {
  const { t, lang } = useI18n();
  const c = t.admin.chatSettings;
  const id = useId();
  const loaded = useLoad(useCallback(() => client.chatSettings(), [client]));
  const [draft, setDraft] = useState<{ slow: number; words: string; links: boolean; joins: boolean } | null>(null);
  const { busy, feedback, save } = useSave();

  useEffect(() => {
    if (loaded.data) setDraft(toDraft(loaded.data));
  }, [loaded.data]);

  const words = draft ? parseWordFilter(draft.words) : [];
  const problem = wordFilterProblem(words);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!draft || problem) return;
    await save(async () => loaded.set(await client.saveChatSettings({ slowModeSeconds: draft.slow, wordFilter: words, linksFromViewers: draft.links, joinNotices: draft.joins })));
  };

  return (
    <section className="adm-card" id="chat-settings" aria-labelledby="chat-settings-title">
      <h2 id="chat-settings-title">{c.title}</h2>
      {!draft ? (
        <p className={loaded.error ? 'field-error' : 'field-hint'}>{loaded.error ? errorText(loaded.error, t, lang) : t.loading}</p>
      ) : (
        <form className="adm-form" onSubmit={(e) => void submit(e)}>
          <div className="adm-field">
            <label htmlFor={`${id}-slow`}>{c.slowMode}</label>
            <select id={`${id}-slow`} value={draft.slow} onChange={(e) => setDraft({ ...draft, slow: Number(e.currentTarget.value) })} aria-describedby={`${id}-slow-hint`}>
              {slowModeChoices(draft.slow).map((s) => (
                <option key={s} value={s}>
                  {s === 0 ? c.slowOff : c.slowEvery(s)}
                </option>
              ))}
            </select>
            <p id={`${id}-slow-hint`} className="field-hint">
              {c.slowHint}
            </p>
          </div>
          <div className="adm-field">
            <label htmlFor={`${id}-words`}>{c.wordFilter}</label>
            <textarea
              id={`${id}-words`}
              rows={4}
              value={draft.words}
              onChange={(e) => setDraft({ ...draft, words: e.currentTarget.value })}
              aria-describedby={`${id}-words-hint ${id}-words-error`}
              aria-invalid={problem ? true : undefined}
            />
            <p id={`${id}-words-hint`} className="field-hint">
              {c.wordFilterHint}
            </p>
            <p id={`${id}-words-error`} className="field-error">
              {problem?.kind === 'too_many' ? c.tooManyWords(problem.max) : problem?.kind === 'too_long' ? c.wordTooLong(problem.word, problem.max) : ''}
            </p>
          </div>
          <label className="adm-check">
            <input type="checkbox" checked={draft.links} onChange={(e) => setDraft({ ...draft, links: e.currentTarget.checked })} />
            <span>{c.links}</span>
          </label>
          <label className="adm-check">
            <input type="checkbox" checked={draft.joins} onChange={(e) => setDraft({ ...draft, joins: e.currentTarget.checked })} />
            <span>{c.joinNotices}</span>
          </label>
          <SaveBar busy={busy} disabled={problem !== null} feedback={feedback} />
        </form>
      )}
    </section>
  );
}

function toDraft(s: ChatSettings) {
  return { slow: s.slowModeSeconds, words: s.wordFilter.join('\n'), links: s.linksFromViewers, joins: s.joinNotices !== false };
}
