import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { SiteHeader } from '../viewer/SiteHeader';
import { useSite } from '../viewer/useSite';
import { fetchRecording, fetchRecordings, recordingIdFrom, type PublicRecording } from './recordings';
import { archiveStrings, formatDate, formatDuration } from './strings';
import './archive.css';

type Load<T> = { kind: 'loading' } | { kind: 'failed' } | { kind: 'ready'; data: T };

function useLoad<T>(load: () => Promise<T>): Load<T> {
  const [state, setState] = useState<Load<T>>({ kind: 'loading' });
  useEffect(() => {
    let alive = true;
    load().then(
      (data) => alive && setState({ kind: 'ready', data }),
      () => alive && setState({ kind: 'failed' }),
    );
    return () => {
      alive = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);
  return state;
}

/** `/archivo` (the list) and `/archivo/ID` (one recording). */
export function ArchiveApp({ pathname = typeof location === 'undefined' ? '/archivo' : location.pathname }: { pathname?: string }) {
  const site = useSite();
  const id = recordingIdFrom(pathname);
  return (
    <div className="viewer archive">
      <SiteHeader site={site} />
      <main className="archive-main">{id ? <RecordingView id={id} timeZone={site.timezone} /> : <ArchiveList timeZone={site.timezone} />}</main>
    </div>
  );
}

function ArchiveList({ timeZone }: { timeZone: string }) {
  const { lang } = useI18n();
  const s = archiveStrings[lang];
  const list = useLoad(() => fetchRecordings());
  return (
    <>
      <h1 className="archive-title">{s.archiveTitle}</h1>
      <p className="archive-lead">
        {s.archiveLead} <a href="/podcast.xml">{s.podcast}</a>
      </p>
      {list.kind === 'loading' && <p role="status">{s.loading}</p>}
      {list.kind === 'failed' && <p role="alert">{s.loadFailed}</p>}
      {list.kind === 'ready' && list.data.length === 0 && <p>{s.empty}</p>}
      {list.kind === 'ready' && list.data.length > 0 && (
        <ul className="archive-list">
          {list.data.map((r) => (
            <li key={r.id} className="archive-item" data-id={r.id}>
              <a href={r.page} className="archive-item-link">
                {r.poster ? <img className="archive-poster" src={r.poster} alt="" loading="lazy" width={320} height={180} /> : <span className="archive-poster archive-poster-empty" aria-hidden="true" />}
                <span className="archive-item-text">
                  <span className="archive-item-title">{r.title}</span>
                  <span className="archive-item-meta">
                    <time dateTime={r.startedAt}>{formatDate(r.startedAt, lang, timeZone)}</time> · {formatDuration(r.duration)}
                  </span>
                </span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

function RecordingView({ id, timeZone }: { id: string; timeZone: string }) {
  const { lang } = useI18n();
  const s = archiveStrings[lang];
  const rec = useLoad(() => fetchRecording(id));
  const [audioOnly, setAudioOnly] = useState(false);
  useEffect(() => {
    if (rec.kind === 'ready' && rec.data) document.title = rec.data.title;
  }, [rec]);
  if (rec.kind === 'loading') return <p role="status">{s.loading}</p>;
  if (rec.kind === 'failed') return <p role="alert">{s.loadFailed}</p>;
  const r: PublicRecording | null = rec.data;
  if (!r) {
    return (
      <>
        <p role="alert">{s.notFound}</p>
        <p>
          <a href="/archivo">{s.back}</a>
        </p>
      </>
    );
  }
  return (
    <article className="recording" data-id={r.id}>
      <p>
        <a href="/archivo">{s.back}</a>
      </p>
      <h1 className="archive-title">{r.title}</h1>
      <p className="archive-item-meta">
        <time dateTime={r.startedAt}>{formatDate(r.startedAt, lang, timeZone)}</time> · {formatDuration(r.duration)}
      </p>
      {audioOnly && r.audio ? (
        <audio className="recording-audio" controls preload="metadata" src={r.audio} aria-label={s.videoLabel(r.title)} />
      ) : (
        <video className="recording-video" controls playsInline preload="metadata" src={r.video} poster={r.poster ?? undefined} aria-label={s.videoLabel(r.title)} />
      )}
      <div className="recording-actions">
        {r.audio && (
          <button type="button" className="button button-quiet" aria-pressed={audioOnly} onClick={() => setAudioOnly(!audioOnly)}>
            {audioOnly ? s.watchVideo : s.audioOnly}
          </button>
        )}
        <a className="button" href={`${r.video}?download=1`} download>
          {s.downloadVideo}
        </a>
        {r.audio && (
          <a className="button" href={`${r.audio}?download=1`} download>
            {s.downloadAudio}
          </a>
        )}
      </div>
      {r.description && <p className="recording-description">{r.description}</p>}
    </article>
  );
}
