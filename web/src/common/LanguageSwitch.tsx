import { LANGS } from '../i18n/catalogue';
import { useI18n } from '../i18n/I18nProvider';

/** ES | EN, as two toggle buttons; the choice is remembered by the caller. */
export function LanguageSwitch() {
  const { lang, t, setLang } = useI18n();
  return (
    <div className="lang-switch" role="group" aria-label={t.languageLabel}>
      {LANGS.map((l) => (
        <button
          key={l}
          type="button"
          lang={l}
          className="lang-button"
          aria-pressed={lang === l}
          aria-label={t.languageNames[l]}
          onClick={() => setLang(l)}
        >
          {l.toUpperCase()}
        </button>
      ))}
    </div>
  );
}
