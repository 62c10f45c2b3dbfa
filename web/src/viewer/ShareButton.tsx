import { useEffect, useState } from 'react';
import { useI18n } from '../i18n/I18nProvider';
import { Icon } from '../player/icons';
import { shareLink } from './share';

export function ShareButton({ churchName }: { churchName: string }) {
  const { t } = useI18n();
  const [feedback, setFeedback] = useState<string | null>(null);

  useEffect(() => {
    if (!feedback) return;
    const timer = setTimeout(() => setFeedback(null), 3000);
    return () => clearTimeout(timer);
  }, [feedback]);

  const share = async () => {
    const url = `${location.origin}/`;
    const outcome = await shareLink({ title: t.pageTitle, text: `${t.shareText} — ${churchName}`, url });
    if (outcome === 'copied') setFeedback(t.linkCopied);
    else if (outcome === 'failed') setFeedback(t.copyFailed);
  };

  return (
    <div className="share">
      <button type="button" className="button button-quiet share-button" onClick={() => void share()}>
        <Icon name="share" />
        <span className="share-label">{t.share}</span>
      </button>
      <span className="share-feedback" role="status">
        {feedback}
      </span>
    </div>
  );
}
