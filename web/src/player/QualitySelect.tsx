import { useId } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import type { Messages } from '../i18n/es';
import type { Rendition } from '../api/status';
import { qualityOptions, type QualityOption } from './quality';

function optionLabel(option: QualityOption, t: Messages): string {
  const names = t.qualityNames as Record<string, string>;
  if (!option.rendition) return names.auto ?? 'auto';
  const r = option.rendition;
  const name = names[r.id] ?? r.label ?? r.id;
  return r.height ? `${name} (${r.height}p)` : name;
}

/**
 * A native <select>: on phones it opens the system picker, and it is keyboard- and screen-reader-friendly
 * without any extra code.
 */
export function QualitySelect({ renditions, choice, onChoose }: { renditions: readonly Rendition[]; choice: string; onChoose(choice: string): void }) {
  const { t } = useI18n();
  const id = useId();
  const options = qualityOptions(renditions);
  return (
    <span className="quality">
      <label className="sr-only" htmlFor={id}>
        {t.quality}
      </label>
      <select id={id} className="quality-select" value={choice} onChange={(e) => onChoose(e.currentTarget.value)} title={t.quality}>
        {options.map((o) => (
          <option key={o.choice} value={o.choice} disabled={o.rendition?.ready === false}>
            {optionLabel(o, t)}
          </option>
        ))}
      </select>
    </span>
  );
}
