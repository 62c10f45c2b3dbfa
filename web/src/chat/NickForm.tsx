import { useId, useState, type FormEvent } from 'react';
import { useI18n } from '../i18n/I18nProvider';

export const NICK_MAX = 32;

/** Asks for the name shown beside the reader's messages; remembered on this device. */
export function NickForm({ initial, error, onSubmit }: { initial: string; error: string | null; onSubmit(nick: string): void }) {
  const { t } = useI18n();
  const id = useId();
  const [value, setValue] = useState(initial);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const nick = value.trim().replace(/\s+/g, ' ');
    if (nick) onSubmit(nick);
  };
  return (
    <form className="nick-form" onSubmit={submit}>
      <p className="nick-prompt">{t.nickPrompt}</p>
      <label htmlFor={id}>{t.nickLabel}</label>
      <div className="field-row">
        <input
          id={id}
          value={value}
          onChange={(e) => setValue(e.currentTarget.value)}
          maxLength={NICK_MAX}
          autoComplete="nickname"
          aria-describedby={`${id}-hint`}
          aria-invalid={error ? true : undefined}
          required
        />
        <button type="submit" className="button">
          {t.nickSubmit}
        </button>
      </div>
      <p id={`${id}-hint`} className={error ? 'field-error' : 'field-hint'} role={error ? 'alert' : undefined}>
        {error ?? t.nickHint}
      </p>
    </form>
  );
}
