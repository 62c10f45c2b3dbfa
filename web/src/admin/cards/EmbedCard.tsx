import { useI18n } from '../../i18n/I18nProvider';
import { CopyField } from './CopyField';
import { embedSnippet } from './embed';

/** The code to put the live player on the church's own website. */
export function EmbedCard({ origin }: { origin: string }) {
  const { t } = useI18n();
  const e = t.admin.embed;
  return (
    <section className="adm-card" id="embed" aria-labelledby="embed-title">
      <h2 id="embed-title">{e.title}</h2>
      <p className="field-hint">{e.intro}</p>
      <CopyField label={e.code} value={embedSnippet(origin)} multiline />
      <p>
        <a href="/embed" target="_blank" rel="noopener">
          {e.preview}
        </a>
      </p>
    </section>
  );
}
