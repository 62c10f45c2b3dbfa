import { useI18n } from '../i18n/I18nProvider';
import { Icon } from './icons';

/** Shown over the (empty) video while only the audio rendition plays. */
export function AudioPoster({ churchName, logoUrl }: { churchName: string; logoUrl: string | null }) {
  const { t } = useI18n();
  return (
    <div className="audio-poster">
      {logoUrl ? <img className="audio-poster-logo" src={logoUrl} alt="" /> : <Icon name="audio" />}
      <p className="audio-poster-church">{churchName}</p>
      <p className="audio-poster-mode">{t.audioOnly}</p>
      <p className="audio-poster-hint">{t.audioOnlyHint}</p>
    </div>
  );
}
