import { useI18n } from '../i18n/I18nProvider';

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
