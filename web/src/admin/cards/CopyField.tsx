import { useEffect, useId, useState, type ReactNode } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import { copyText } from '../../common/clipboard';

interface CopyFieldProps {
  label: string;
  /** What the copy button copies. */
  value: string;
  /** What the field shows (a secret shows dots until revealed). */
  shown?: string;
  multiline?: boolean;
  hint?: ReactNode;
  /** More buttons beside "Copiar" (e.g. "Mostrar"). */
  actions?: ReactNode;
}

/** A read-only value with a copy button; the outcome is announced (role=status) and fades after 3 s. */
export function CopyField({ label, value, shown = value, multiline = false, hint, actions }: CopyFieldProps) {
  const { t } = useI18n();
  const id = useId();
  const [feedback, setFeedback] = useState<{ ok: boolean } | null>(null);

  useEffect(() => {
    if (!feedback) return;
    const timer = setTimeout(() => setFeedback(null), 3000);
    return () => clearTimeout(timer);
  }, [feedback]);

  const copy = async () => setFeedback({ ok: await copyText(value) });
  const select = (e: { currentTarget: HTMLInputElement | HTMLTextAreaElement }) => e.currentTarget.select();

  return (
    <div className="adm-field">
      <label htmlFor={id}>{label}</label>
      {multiline ? (
        <textarea id={id} className="adm-code" readOnly rows={4} value={shown} onFocus={select} spellCheck={false} />
      ) : (
        <input id={id} className="adm-code" readOnly value={shown} onFocus={select} spellCheck={false} autoComplete="off" />
      )}
      {hint && <p className="field-hint">{hint}</p>}
      <div className="adm-actions">
        {actions}
        <button type="button" className="button button-quiet" onClick={() => void copy()} aria-label={`${t.admin.copy} ${label}`}>
          {t.admin.copy}
        </button>
        <span role="status" className={feedback?.ok === false ? 'adm-feedback is-error' : 'adm-feedback'}>
          {feedback ? (feedback.ok ? t.admin.copied : t.admin.copyFailed) : ''}
        </span>
      </div>
    </div>
  );
}
