import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { fetchRecordings, type PublicRecording } from './recordings';
import { archiveStrings } from './strings';

/** Under the offline countdown: "Vea el último servicio", linking to the newest published recording. */
export function LatestRecording() {
  const { lang } = useI18n();
  const s = archiveStrings[lang];
  const [latest, setLatest] = useState<PublicRecording | null>(null);
  useEffect(() => {
    let alive = true;
    fetchRecordings()
      .then((list) => alive && setLatest(list[0] ?? null))
      .catch(() => undefined);
    return () => {
      alive = false;
    };
  }, []);
  if (!latest) return null;
  return (
    <p className="latest-recording">
      <a className="latest-recording-link" href={latest.page}>
        {s.watchLatest}
      </a>
      <span className="latest-recording-title">{latest.title}</span>
    </p>
  );
}
