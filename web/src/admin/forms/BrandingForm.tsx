import { useEffect, useId, useState, type FormEvent } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import { textOn } from '../../api/site';
import type { AdminClient } from '../api/api';
import { errorText } from '../api/error-text';
import { brandingChange, draftFrom, MAX_NAME, MAX_OFFLINE, validateBranding, type BrandingDraft } from './site-form';
import type { SiteDocument } from '../api/types';
import type { Loaded } from '../hooks/useLoad';
import { SaveBar, useSave } from './SaveBar';

/** The church's name, logo, colour and offline message, as the viewer page shows them. */
export function BrandingForm({ client, site }: { client: AdminClient; site: Loaded<SiteDocument> }) {
  const { t, lang } = useI18n();
  const b = t.admin.branding;
  const id = useId();
  const [draft, setDraft] = useState<BrandingDraft | null>(() => (site.data ? draftFrom(site.data) : null));
  const { busy, feedback, save } = useSave();

  // Reset only when the branding itself changed on the server (saving the schedule returns the whole site).
  const saved = site.data ? JSON.stringify(draftFrom(site.data)) : null;
  useEffect(() => {
    if (saved !== null) setDraft(JSON.parse(saved) as BrandingDraft);
  }, [saved]);

  if (!draft) {
    return (
      <section className="adm-card" id="branding" aria-labelledby="branding-title">
        <h2 id="branding-title">{b.title}</h2>
        <p className={site.error ? 'field-error' : 'field-hint'}>{site.error ? errorText(site.error, t, lang) : t.loading}</p>
      </section>
    );
  }

  const problems = validateBranding(draft);
  const invalid = Object.keys(problems).length > 0;
  const set = (patch: Partial<BrandingDraft>) => setDraft({ ...draft, ...patch });
  const problemText = {
    churchName: problems.churchName === 'empty' ? b.nameEmpty : problems.churchName ? b.tooLong(MAX_NAME) : '',
    logoUrl: problems.logoUrl ? b.logoInvalid : '',
    accentColor: problems.accentColor ? b.colorInvalid : '',
    offlineMessage: problems.offlineMessage ? b.tooLong(MAX_OFFLINE) : '',
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (invalid) return;
    await save(async () => site.set(await client.saveSite(brandingChange(draft))));
  };

  const field = (name: keyof BrandingDraft, hint = true) => ({
    id: `${id}-${name}`,
    'aria-invalid': problemText[name] ? true : undefined,
    'aria-describedby': hint ? `${id}-${name}-hint ${id}-${name}-error` : `${id}-${name}-error`,
  });

  return (
    <section className="adm-card" id="branding" aria-labelledby="branding-title">
      <h2 id="branding-title">{b.title}</h2>
      <form className="adm-form" onSubmit={(e) => void submit(e)} noValidate>
        <div className="adm-field">
          <label htmlFor={`${id}-churchName`}>{b.name}</label>
          <input {...field('churchName', false)} value={draft.churchName} maxLength={MAX_NAME} onChange={(e) => set({ churchName: e.currentTarget.value })} autoComplete="organization" />
          <p id={`${id}-churchName-error`} className="field-error">{problemText.churchName}</p>
        </div>
        <div className="adm-field">
          <label htmlFor={`${id}-logoUrl`}>{b.logo}</label>
          <input {...field('logoUrl')} type="url" inputMode="url" value={draft.logoUrl} onChange={(e) => set({ logoUrl: e.currentTarget.value })} placeholder="https://…" spellCheck={false} />
          <p id={`${id}-logoUrl-hint`} className="field-hint">{b.logoHint}</p>
          <p id={`${id}-logoUrl-error`} className="field-error">{problemText.logoUrl}</p>
        </div>
        <div className="adm-field">
          <label htmlFor={`${id}-accentColor`}>{b.color}</label>
          <div className="adm-color">
            <input {...field('accentColor')} type="color" value={/^#[0-9a-f]{6}$/i.test(draft.accentColor) ? draft.accentColor : '#1d3557'} onChange={(e) => set({ accentColor: e.currentTarget.value })} />
            <span className="adm-color-preview" style={{ background: draft.accentColor, color: textOn(/^#[0-9a-f]{6}$/i.test(draft.accentColor) ? draft.accentColor : '#1d3557') }}>
              {draft.accentColor}
            </span>
          </div>
          <p id={`${id}-accentColor-hint`} className="field-hint">{b.colorHint}</p>
          <p id={`${id}-accentColor-error`} className="field-error">{problemText.accentColor}</p>
        </div>
        <div className="adm-field">
          <label htmlFor={`${id}-offlineMessage`}>{b.offline}</label>
          <textarea {...field('offlineMessage')} rows={3} value={draft.offlineMessage} maxLength={MAX_OFFLINE} onChange={(e) => set({ offlineMessage: e.currentTarget.value })} />
          <p id={`${id}-offlineMessage-hint`} className="field-hint">{b.offlineHint(MAX_OFFLINE - [...draft.offlineMessage].length)}</p>
          <p id={`${id}-offlineMessage-error`} className="field-error">{problemText.offlineMessage}</p>
        </div>
        <SaveBar busy={busy} disabled={invalid} feedback={feedback} />
      </form>
    </section>
  );
}
