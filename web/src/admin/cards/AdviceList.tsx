import { useI18n } from '../../i18n/I18nProvider';
import type { Advice } from './advice';
import { formatNumber } from '../format';

/** The advice, each with what to change and where, in plain words. Announced politely when it changes. */
export function AdviceList({ advice }: { advice: readonly Advice[] }) {
  const { t } = useI18n();
  const a = t.admin.advice;
  return (
    <div aria-live="polite">
      {advice.length > 0 && (
        <ul className="adm-advice-list">
          {advice.map((item) => (
            <li key={item.kind} className={`adm-advice is-${item.severity}`}>
              <strong>
                {item.kind === 'keyframe_too_long'
                  ? a.keyframeTitle(item.keyframeIntervalSec === undefined ? null : formatNumber(item.keyframeIntervalSec, t, 1))
                  : a[item.kind].title}
              </strong>
              <span>{item.kind === 'keyframe_too_long' ? a.keyframeBody : a[item.kind].body}</span>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
