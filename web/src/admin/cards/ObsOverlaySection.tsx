import { useId, useRef, useState } from 'react';
import { useI18n } from '../../i18n/I18nProvider';
import { OVERLAY_DEFAULTS, OVERLAY_LIMITS, overlayQuery, parseOverlayOptions } from '../../overlay/overlay-options';
import { CopyField } from './CopyField';
import { useElementWidth } from '../hooks/useElementWidth';

/** The form's fields, as typed: the URL is built from what the overlay itself would read from them. */
type Fields = Record<'size' | 'max' | 'fade' | 'names' | 'theme' | 'align' | 'pinned' | 'joins', string>;

const d = OVERLAY_DEFAULTS;
const INITIAL: Fields = {
  size: String(d.size),
  max: String(d.max),
  fade: String(d.fade),
  names: d.names ? '1' : '0',
  theme: d.theme,
  align: d.align,
  pinned: d.pinned ? '1' : '0',
  joins: d.joins ? '1' : '0',
};

/** The size OBS gives the browser source; the preview is this page scaled down. */
const BROADCAST_WIDTH = 1920;

/**
 * "Chat on the stream" in the OBS card: the /chat overlay's options as controls, the URL they make (to copy
 * into OBS), a live preview of that URL on a checkerboard, and the steps in OBS.
 */
export function ObsOverlaySection({ origin }: { origin: string }) {
  const { t } = useI18n();
  const c = t.admin.obs.overlay;
  const id = useId();
  const [fields, setFields] = useState<Fields>(INITIAL);
  const options = parseOverlayOptions(new URLSearchParams(fields).toString());
  const path = `/chat${overlayQuery(options)}`;
  const frameBox = useRef<HTMLDivElement>(null);
  const width = useElementWidth(frameBox, 480);
  const set = (key: keyof Fields) => (e: { currentTarget: HTMLInputElement | HTMLSelectElement }) => {
    const target = e.currentTarget;
    const value = target instanceof HTMLInputElement && target.type === 'checkbox' ? (target.checked ? '1' : '0') : target.value;
    setFields((f) => ({ ...f, [key]: value }));
  };

  const number = (key: 'size' | 'max' | 'fade', label: string) => {
    const { min, max } = OVERLAY_LIMITS[key];
    const invalid = String(options[key]) !== fields[key].trim();
    return (
      <div className="adm-field">
        <label htmlFor={`${id}-${key}`}>{label}</label>
        <input id={`${id}-${key}`} type="number" inputMode="numeric" min={min} max={max} step={1} value={fields[key]} onChange={set(key)} aria-invalid={invalid || undefined} aria-describedby={`${id}-${key}-error`} />
        <p id={`${id}-${key}-error`} className="field-error">
          {invalid ? c.outOfRange(min, max, options[key]) : ''}
        </p>
      </div>
    );
  };

  return (
    <div className="adm-overlay" aria-labelledby={`${id}-title`} role="group">
      <h3 id={`${id}-title`}>{c.title}</h3>
      <p className="field-hint">{c.intro}</p>
      <CopyField label={c.url} value={`${origin}${path}`} />
      <div className="adm-overlay-controls">
        {number('size', c.size)}
        {number('max', c.max)}
        {number('fade', c.fade)}
        <div className="adm-field">
          <label htmlFor={`${id}-theme`}>{c.theme}</label>
          <select id={`${id}-theme`} value={options.theme} onChange={set('theme')}>
            <option value="dark">{c.themeDark}</option>
            <option value="light">{c.themeLight}</option>
          </select>
        </div>
        <div className="adm-field">
          <label htmlFor={`${id}-align`}>{c.align}</label>
          <select id={`${id}-align`} value={options.align} onChange={set('align')}>
            <option value="left">{c.alignLeft}</option>
            <option value="right">{c.alignRight}</option>
          </select>
        </div>
        {(['names', 'pinned', 'joins'] as const).map((key) => (
          <label className="adm-check" key={key}>
            <input type="checkbox" checked={options[key]} onChange={set(key)} />
            <span>{c[key]}</span>
          </label>
        ))}
      </div>
      <p className="field-hint">{c.preview}</p>
      <div className="adm-overlay-preview" ref={frameBox}>
        {/* The overlay at its real 1920×1080, scaled to the card (a CSSOM transform: allowed by the CSP). */}
        <iframe src={path} title={c.previewTitle} width={1920} height={1080} loading="lazy" style={{ transform: `scale(${width / BROADCAST_WIDTH})` }} />
      </div>
      <h4>{c.stepsTitle}</h4>
      <ol className="adm-overlay-steps">
        {c.steps.map((step) => (
          <li key={step}>{step}</li>
        ))}
      </ol>
    </div>
  );
}
