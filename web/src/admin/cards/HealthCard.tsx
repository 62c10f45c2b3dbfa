import { useI18n } from '../../i18n/I18nProvider';
import type { Messages } from '../../i18n/es';
import { AdviceList } from './AdviceList';
import { adviceFor } from './advice';
import { formatNumber, formatTime } from '../format';
import { HealthChart } from './HealthChart';
import type { HealthSample, IngestHealth, Overview } from '../api/types';

interface HealthCardProps {
  overview: Overview | null;
  samples: readonly HealthSample[];
  now: number;
}

/** "Is the broadcast all right, and if not, what do I change in OBS?" — the first card on the phone. */
export function HealthCard({ overview, samples, now }: HealthCardProps) {
  const { t } = useI18n();
  const h = t.admin.health;
  if (!overview) {
    return (
      <section className="adm-card" id="health" aria-labelledby="health-title" aria-busy="true">
        <h2 id="health-title">{h.title}</h2>
        <p className="field-hint">{t.loading}</p>
      </section>
    );
  }
  const { health, status } = overview;
  const advice = adviceFor(health, status.state);
  const publishing = health.publisher;
  return (
    <section className="adm-card" id="health" aria-labelledby="health-title">
      <h2 id="health-title">{h.title}</h2>
      <p className="adm-state-line">
        <span className={`adm-dot is-${status.state}`} aria-hidden="true" />
        <span>
          {h.stateLine[status.state]}
          {status.state !== 'offline' && status.since && !Number.isNaN(Date.parse(status.since)) && ` · ${h.since(formatTime(status.since, t))}`}
        </span>
      </p>
      <p className="field-hint">{publishing ? h.obsConnected : h.obsNotConnected}</p>
      <AdviceList advice={advice} />
      {publishing && advice.length === 0 && <p className="adm-ok">{h.allGood}</p>}
      {publishing && <InputFigures health={health} t={t} />}
      <HealthChart samples={samples} now={now} />
      <details className="adm-details">
        <summary>{h.technical}</summary>
        <TechnicalDetails health={health} t={t} />
      </details>
    </section>
  );
}

function InputFigures({ health, t }: { health: IngestHealth; t: Messages }) {
  const h = t.admin.health;
  const unknown = h.unknown;
  const figures: [string, string][] = [
    [h.bitrate, health.inputKbps === undefined ? unknown : `${formatNumber(health.inputKbps, t)} kbps`],
    [h.resolution, health.width && health.height ? `${health.width}×${health.height}` : unknown],
    [h.fps, health.fps === undefined ? unknown : formatNumber(health.fps, t, health.fps % 1 === 0 ? 0 : 1)],
    [h.keyframe, health.keyframeIntervalSec === undefined ? unknown : h.keyframeEvery(formatNumber(health.keyframeIntervalSec, t, 1))],
    [h.codecs, [health.videoCodec, health.audioCodec].filter(Boolean).join(' / ') || unknown],
  ];
  return (
    <dl className="adm-figures">
      {figures.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

function TechnicalDetails({ health, t }: { health: IngestHealth; t: Messages }) {
  const h = t.admin.health;
  const names = t.qualityNames as Record<string, string>;
  const speed = health.transcoder.progress?.speed;
  return (
    <div className="adm-technical">
      <p>
        {h.server}: {health.nginxUp ? h.nginxUp : h.nginxDown}
      </p>
      <p>
        {h.transcoder}: {h.phase(health.transcoder.phase)}
        {speed !== undefined && ` · ${h.speed(formatNumber(speed, t, 2))}`}
        {health.transcoder.restarts > 0 && ` · ${h.restarts(health.transcoder.restarts)}`}
      </p>
      {health.renditions.length > 0 && (
        <table className="adm-table">
          <caption className="sr-only">{h.renditions}</caption>
          <thead>
            <tr>
              <th scope="col">{h.quality}</th>
              <th scope="col">{h.ready}</th>
              <th scope="col">{h.segments}</th>
              <th scope="col">{h.lastSegment}</th>
            </tr>
          </thead>
          <tbody>
            {health.renditions.map((r) => (
              <tr key={r.id}>
                <th scope="row">{names[r.id] ?? r.id}</th>
                <td>{r.ready ? h.yes : h.no}</td>
                <td>{r.segments}</td>
                <td>{r.lastSegmentAgeSec === undefined ? '—' : h.secondsAgo(formatNumber(r.lastSegmentAgeSec, t))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
