import { useI18n } from '../../i18n/I18nProvider';
import { exportUrl } from '../api/api';
import { errorText } from '../api/error-text';
import { formatDateTime, formatDuration, formatNumber } from '../format';
import type { StreamSession } from '../api/types';
import type { Loaded } from '../hooks/useLoad';

interface Props {
  viewers: number | null;
  /** The most people watching at once during the current service. */
  peak: number | null;
  live: boolean;
  sessions: Loaded<StreamSession[]>;
  now: number;
}

/** How many are watching, the peak of this service, and the recent services with their chat exports. */
export function ViewersCard({ viewers, peak, live, sessions, now }: Props) {
  const { t, lang } = useI18n();
  const v = t.admin.viewers;
  const list = sessions.data;
  return (
    <section className="adm-card" id="viewers" aria-labelledby="viewers-title">
      <h2 id="viewers-title">{v.title}</h2>
      <dl className="adm-stats">
        <div>
          <dt>{v.now}</dt>
          <dd>{viewers === null ? '—' : formatNumber(viewers, t)}</dd>
        </div>
        <div>
          <dt>{live ? v.peakNow : v.peakLast}</dt>
          <dd>{peak === null ? '—' : formatNumber(peak, t)}</dd>
        </div>
      </dl>
      <h3>{v.recent}</h3>
      {list === null ? (
        <p className={sessions.error ? 'field-error' : 'field-hint'}>{sessions.error ? errorText(sessions.error, t, lang) : t.loading}</p>
      ) : list.length === 0 ? (
        <p className="field-hint">{v.none}</p>
      ) : (
        <ul className="adm-rows">
          {list.slice(0, 10).map((s) => {
            const start = s.liveAt ?? s.startedAt;
            const end = s.endedAt ? Date.parse(s.endedAt) : now;
            return (
              <li key={s.id} className="adm-row adm-session">
                <div>
                  <p className="adm-session-when">{formatDateTime(start, t)}</p>
                  <p className="field-hint">
                    {s.endedAt ? formatDuration(end - Date.parse(start), t) : v.ongoing} · {v.peak(s.peakViewers)}
                  </p>
                </div>
                <p className="adm-session-export">
                  <a href={exportUrl('csv', s.id)} download aria-label={v.exportAs('CSV', formatDateTime(start, t))}>
                    CSV
                  </a>
                  <a href={exportUrl('json', s.id)} download aria-label={v.exportAs('JSON', formatDateTime(start, t))}>
                    JSON
                  </a>
                </p>
              </li>
            );
          })}
        </ul>
      )}
      <p className="field-hint adm-export-all">
        {v.exportAll}{' '}
        <a href={exportUrl('csv', null)} download>
          CSV
        </a>{' '}
        <a href={exportUrl('json', null)} download>
          JSON
        </a>
      </p>
    </section>
  );
}
