import { useId, useRef } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import { KEYFRAME_TARGET_SEC } from './advice';
import { axisMax, inWindow, linear, linePath, pickFps, pickKbps, pickKeyframe, rangeOf, WINDOW_MS, type Pick, type Range } from './chart';
import { formatNumber, formatTime } from '../format';
import type { HealthSample } from '../api/types';
import { useElementWidth } from '../hooks/useElementWidth';

const PANEL_H = 88;
const TOP = 20;
const BOTTOM = 8;
const LEFT = 44;
const RIGHT = 10;
const AXIS_H = 22;

interface Panel {
  key: 'kbps' | 'fps' | 'keyframe';
  label: string;
  unit: string;
  pick: Pick;
  floor: number;
  className: string;
  /** A recommended range, shaded. */
  band?: [number, number];
  /** A recommended maximum, dashed. */
  limit?: number;
}

/**
 * The last ten minutes of the incoming stream, drawn in SVG at the card's real width (so the labels keep
 * their size on a phone): bitrate with the recommended 2500–4500 kbps band, frames per second, and the
 * keyframe interval against the 2 s line. The figure's caption says the same in words.
 */
export function HealthChart({ samples, now }: { samples: readonly HealthSample[]; now: number }) {
  const { t } = useI18n();
  const c = t.admin.chart;
  const ref = useRef<HTMLDivElement>(null);
  const width = Math.max(240, useElementWidth(ref, 320));
  const titleId = useId();
  const visible = inWindow(samples, now);

  const panels: Panel[] = [
    { key: 'kbps', label: c.bitrate, unit: 'kbps', pick: pickKbps, floor: 5000, className: 'adm-line-kbps', band: [2500, 4500] },
    { key: 'fps', label: c.fps, unit: 'fps', pick: pickFps, floor: 30, className: 'adm-line-fps' },
    { key: 'keyframe', label: c.keyframe, unit: 's', pick: pickKeyframe, floor: 4, className: 'adm-line-keyframe', limit: KEYFRAME_TARGET_SEC },
  ];
  const x = linear(now - WINDOW_MS, now, LEFT, width - RIGHT);
  const height = panels.length * PANEL_H + AXIS_H;
  const ticks = [now - WINDOW_MS, now - WINDOW_MS / 2, now];

  return (
    <figure className="adm-chart" ref={ref}>
      {visible.length === 0 ? (
        <p className="adm-chart-empty">{c.empty}</p>
      ) : (
        <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={titleId}>
          <title id={titleId}>{c.title}</title>
          {panels.map((p, i) => {
            const top = i * PANEL_H + TOP;
            const bottom = (i + 1) * PANEL_H - BOTTOM;
            const max = axisMax(visible, p.pick, p.floor);
            const y = linear(0, max, bottom, top);
            return (
              <g key={p.key} aria-hidden="true">
                <text className="adm-chart-label" x={LEFT} y={top - 6}>
                  {`${p.label} (${p.unit})`}
                </text>
                {p.band && <rect className="adm-chart-band" x={LEFT} width={width - LEFT - RIGHT} y={y(p.band[1])} height={y(p.band[0]) - y(p.band[1])} />}
                <line className="adm-chart-grid" x1={LEFT} x2={width - RIGHT} y1={bottom} y2={bottom} />
                <line className="adm-chart-grid" x1={LEFT} x2={width - RIGHT} y1={top} y2={top} />
                <text className="adm-chart-tick" x={LEFT - 6} y={top + 4} textAnchor="end">
                  {formatNumber(max, t)}
                </text>
                <text className="adm-chart-tick" x={LEFT - 6} y={bottom + 4} textAnchor="end">
                  0
                </text>
                {p.limit !== undefined && (
                  <>
                    <line className="adm-chart-limit" x1={LEFT} x2={width - RIGHT} y1={y(p.limit)} y2={y(p.limit)} />
                    <text className="adm-chart-tick adm-chart-limit-label" x={width - RIGHT} y={y(p.limit) - 4} textAnchor="end">
                      {c.keyframeTarget}
                    </text>
                  </>
                )}
                <path className={`adm-chart-line ${p.className}`} d={linePath(visible, p.pick, x, y)} />
              </g>
            );
          })}
          <g aria-hidden="true">
            {ticks.map((at, i) => (
              <text key={at} className="adm-chart-tick" x={x(at)} y={height - 6} textAnchor={i === 0 ? 'start' : i === ticks.length - 1 ? 'end' : 'middle'}>
                {formatTime(at, t)}
              </text>
            ))}
          </g>
        </svg>
      )}
      {visible.length > 0 && <figcaption className="field-hint">{summary(visible, t)}</figcaption>}
    </figure>
  );
}

function summary(samples: readonly HealthSample[], t: ReturnType<typeof useI18n>['t']): string {
  const c = t.admin.chart;
  const range = (r: Range | null, unit: string, digits = 0) =>
    r === null ? c.noValue : r.min === r.max || formatNumber(r.min, t, digits) === formatNumber(r.max, t, digits)
      ? `${formatNumber(r.last, t, digits)} ${unit}`
      : c.range(formatNumber(r.min, t, digits), formatNumber(r.max, t, digits), formatNumber(r.last, t, digits), unit);
  return [
    `${c.bitrate}: ${range(rangeOf(samples, pickKbps), 'kbps')}.`,
    `${c.fps}: ${range(rangeOf(samples, pickFps), 'fps')}.`,
    `${c.keyframe}: ${range(rangeOf(samples, pickKeyframe), 's', 1)}.`,
  ].join(' ');
}
